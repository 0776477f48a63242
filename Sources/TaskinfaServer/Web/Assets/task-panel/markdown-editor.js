// A markdown text area with Write / Preview tabs; the preview is rendered by the server.
import { renderMarkdown } from '../api.js';
import { h, insertSanitisedHTML, uid } from '../dom.js';
import { field } from '../forms.js';
import { t } from '../i18n.js';

export function markdownEditor({ label, name, value, rows = 8 }) {
  const area = field({ label, name, type: 'textarea', value, rows, hint: t('markdown.hint') });
  const preview = h('div', { class: 'markdown preview', hidden: true, tabindex: '0', 'aria-label': t('markdown.preview') });
  const tabID = uid('md');
  const write = h('button', { type: 'button', role: 'tab', id: `${tabID}-write`, 'aria-selected': 'true', class: 'tab' }, t('markdown.write'));
  const show = h('button', { type: 'button', role: 'tab', id: `${tabID}-preview`, 'aria-selected': 'false', class: 'tab', tabindex: '-1' }, t('markdown.preview'));
  const select = async (previewing) => {
    write.setAttribute('aria-selected', String(!previewing));
    show.setAttribute('aria-selected', String(previewing));
    write.tabIndex = previewing ? -1 : 0;
    show.tabIndex = previewing ? 0 : -1;
    area.control.hidden = previewing;
    preview.hidden = !previewing;
    if (previewing) {
      preview.textContent = t('markdown.rendering');
      try {
        const [html] = await renderMarkdown([area.control.value || '']);
        if (area.control.value.trim()) insertSanitisedHTML(preview, html);
        else preview.textContent = t('markdown.nothing');
      } catch (error) {
        preview.textContent = error.message;
      }
    }
  };
  write.addEventListener('click', () => select(false));
  show.addEventListener('click', () => select(true));
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label }, write, show);
  tabs.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const previewing = show.getAttribute('aria-selected') !== 'true';
    select(previewing);
    (previewing ? show : write).focus();
  });
  area.querySelector('label').after(tabs);
  area.control.after(preview);
  return { element: area, value: () => area.control.value, control: area.control, showWrite: () => select(false) };
}
