// Subtasks and dependencies, each a link to its own task.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors } from '../forms.js';
import { t } from '../i18n.js';
import { columnName } from '../board/columns.js';
import { paths } from '../router.js';
import { toastError } from '../shell/toast.js';

export function subtasksSection(task, { workspaceID, onCreate }) {
  const list = h('ul', { class: 'plain-list' });
  const progress = h('span', { class: 'hint' });
  const load = async () => {
    const page = await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/tasks`, { parent_id: task.id, limit: 200 });
    const done = page.tasks.filter((item) => item.status === 'done').length;
    progress.textContent = page.tasks.length ? t('subtasks.progress', { done, total: page.tasks.length }) : '';
    replace(list, page.tasks.length
      ? page.tasks.map((item) => h('li', { class: 'row' },
        h('a', { href: paths.task(workspaceID, item.key) }, item.key), ' ', h('span', { text: item.title }),
        h('span', { class: ['badge', `status-${item.status}`], text: columnName(item.status) })))
      : h('li', { class: 'hint', text: t('subtasks.none') }));
  };
  const element = h('section', { class: 'panel-section', 'aria-labelledby': `subtasks-${task.id}` },
    h('h3', { id: `subtasks-${task.id}` }, t('subtasks.title'), ' ', progress),
    list,
    h('button', { type: 'button', class: 'secondary small', onclick: () => onCreate().then((created) => created && load()) }, t('subtasks.add')));
  return { element, load };
}

export function dependenciesSection(task, { workspaceID }) {
  const list = h('ul', { class: 'plain-list' });
  const blocked = h('p', { class: 'blocked-note', hidden: true, text: t('dependencies.blocked') });
  const load = async () => {
    const result = await api.get(`/tasks/${encodeURIComponent(task.id)}/dependencies`);
    blocked.hidden = !result.blocked;
    const rows = [
      ...result.depends_on.map((dep) => ({ dep, text: t(`dependencies.kind.${dep.kind}`), key: dep.depends_on_key, status: dep.depends_on_status, removable: true })),
      ...result.dependents.map((dep) => ({ dep, text: t(`dependencies.dependent.${dep.kind}`), key: dep.task_key ?? dep.task_id, status: null, removable: false })),
    ];
    replace(list, rows.length ? rows.map(({ dep, text, key, status, removable }) => h('li', { class: 'row' },
      h('span', { class: 'hint', text }), ' ', h('a', { href: paths.task(workspaceID, key) }, key),
      status && h('span', { class: ['badge', `status-${status}`], text: columnName(status) }),
      removable && h('button', {
        type: 'button', class: 'icon', 'aria-label': t('dependencies.remove', { key }),
        onclick: async () => {
          try {
            await api.delete(`/tasks/${encodeURIComponent(task.id)}/dependencies?depends_on_task_id=${encodeURIComponent(dep.depends_on_task_id)}`);
            load();
          } catch (error) {
            toastError(error);
          }
        },
      }, '×'))) : h('li', { class: 'hint', text: t('dependencies.none') }));
  };
  const kind = field({ label: t('dependencies.kindLabel'), name: 'kind', type: 'select', value: 'blocks',
    options: ['blocks', 'relates_to', 'duplicates'].map((value) => ({ value, label: t(`dependencies.kind.${value}`) })) });
  const other = field({ label: t('dependencies.other'), name: 'depends_on_task_id', placeholder: 'WEB-12' });
  const form = h('form', { class: 'form inline-form', novalidate: true }, kind, other,
    h('button', { type: 'submit', class: 'secondary small' }, t('dependencies.add')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.post(`/tasks/${encodeURIComponent(task.id)}/dependencies`, { depends_on_task_id: other.control.value.trim(), kind: kind.control.value });
      other.control.value = '';
      load();
    } catch (error) {
      showErrors(form, error);
    }
  });
  const element = h('section', { class: 'panel-section', 'aria-labelledby': `deps-${task.id}` },
    h('h3', { id: `deps-${task.id}`, text: t('dependencies.title') }), blocked, list, form);
  return { element, load };
}
