// A value to copy (a secret shown once, a command, a compose file): read-only, selectable, with a
// copy button that says whether it worked (the clipboard may be refused, then the text is selected).
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { toast } from './toast.js';

export function copyField({ value, label, multiline = false, id = uid('copy') }) {
  const control = multiline
    ? h('textarea', { id, class: 'secret code-block', readonly: true, rows: Math.min(14, value.split('\n').length + 1), spellcheck: 'false' })
    : h('input', { id, class: 'secret', readonly: true, value, spellcheck: 'false' });
  if (multiline) control.value = value;
  const copy = async () => {
    control.select();
    try {
      await navigator.clipboard.writeText(value);
      toast(t('copy.copied', { what: label }));
    } catch {
      toast(t('keys.copyManually'), { kind: 'error' });
    }
  };
  return h('div', { class: 'copy-field' },
    h('label', { for: id, text: label }),
    h('div', { class: 'row' }, control,
      h('button', { type: 'button', class: 'primary', 'aria-label': t('copy.named', { what: label }), onclick: copy }, t('keys.copy'))));
}
