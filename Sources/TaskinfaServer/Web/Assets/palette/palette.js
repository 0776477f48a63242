// The command palette (Ctrl/⌘-K): every page and action by name, "go to task WEB-42", "new task
// in Review", and tasks found by the server's search. A combobox over a listbox (WAI-ARIA APG).
import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { openDialog } from '../shell/dialog.js';

const taskKeyPattern = /^([A-Za-z][A-Za-z0-9]{1,9})-(\d+)$/;

/**
 * openPalette({commands: [{id, label, hint, run}], workspaceID, openTask(key)}).
 */
export function openPalette({ commands, workspaceID, openTask }) {
  const listID = uid('palette-list');
  const input = h('input', {
    type: 'text', class: 'palette-input', role: 'combobox', 'aria-expanded': 'true', 'aria-controls': listID,
    'aria-autocomplete': 'list', 'aria-label': t('palette.label'), placeholder: t('palette.placeholder'), autofocus: true,
  });
  const list = h('ul', { id: listID, role: 'listbox', class: 'palette-list', 'aria-label': t('palette.results') });
  let items = [];
  let active = 0;
  let searchTimer;
  let searchToken = 0;

  const { close } = openDialog({ title: t('palette.title'), className: 'palette', content: h('div', { class: 'palette-body' }, input, list) });

  const run = (item) => {
    close();
    item.run();
  };

  const draw = () => {
    list.replaceChildren(...items.map((item, index) => {
      const option = h('li', {
        id: `${listID}-${index}`, role: 'option', class: ['palette-item', index === active && 'active'], 'aria-selected': String(index === active),
        onclick: () => run(item),
      }, h('span', { text: item.label }), item.hint && h('span', { class: 'hint', text: item.hint }));
      return option;
    }));
    if (!items.length) list.append(h('li', { class: 'palette-empty hint', role: 'option', 'aria-disabled': 'true', text: t('palette.nothing') }));
    if (items[active]) {
      input.setAttribute('aria-activedescendant', `${listID}-${active}`);
      list.children[active]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  const matches = (text, query) => {
    const lowered = text.toLowerCase();
    return query.toLowerCase().split(/\s+/).filter(Boolean).every((word) => lowered.includes(word));
  };

  const refresh = () => {
    const query = input.value.trim();
    const direct = [];
    const key = query.match(taskKeyPattern);
    if (key) {
      const normalised = `${key[1].toUpperCase()}-${key[2]}`;
      direct.push({ id: 'goto', label: t('palette.goToTask', { key: normalised }), run: () => openTask(normalised) });
    }
    items = [...direct, ...commands.filter((command) => !query || matches(`${command.label} ${command.hint ?? ''}`, query))].slice(0, 50);
    active = 0;
    draw();
    clearTimeout(searchTimer);
    if (query.length >= 2 && !key && workspaceID) {
      const token = ++searchToken;
      searchTimer = setTimeout(async () => {
        try {
          const page = await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/tasks`, { q: query, limit: 8 });
          if (token !== searchToken) return;
          const found = page.tasks.map((task) => ({ id: task.id, label: `${task.key} ${task.title}`, hint: t('palette.openTask'), run: () => openTask(task.key) }));
          items = [...items.filter((item) => !item.id.startsWith('tsk_')), ...found];
          draw();
        } catch {
          // Search is a convenience here; the commands still work.
        }
      }, 150);
    }
  };

  input.addEventListener('input', refresh);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      active = Math.min(items.length - 1, active + 1);
      draw();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      active = Math.max(0, active - 1);
      draw();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (items[active]) run(items[active]);
    }
  });
  refresh();
}
