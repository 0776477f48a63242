// The bar that appears while tasks are selected: move, priority, labels, assignee, delete, all
// through the bulk route, so a change applies to every selected task or to none.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, tn } from '../i18n.js';
import { confirmDialog } from '../shell/dialog.js';
import { announce, toastError } from '../shell/toast.js';
import { columnName, columns, priorities, priorityName } from './columns.js';

/** bulkBar({workspaceID, selection: () => ids, people, onDone(result), onClear}) → {element, update(count)} */
export function bulkBar({ workspaceID, selection, people, onDone, onClear }) {
  const count = h('strong', { class: 'bulk-count' });
  const send = async (body, describe) => {
    const ids = selection();
    if (!ids.length) return;
    try {
      const result = await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/tasks/bulk`, { ...body, task_ids: ids });
      announce(describe(ids.length));
      onDone(result);
    } catch (error) {
      toastError(error);
    }
  };
  const picker = (label, options, apply) => {
    const control = h('select', { 'aria-label': label },
      h('option', { value: '' }, label), options.map((option) => h('option', { value: option.value }, option.label)));
    control.addEventListener('change', () => {
      const value = control.value;
      control.value = '';
      if (value !== '') apply(value);
    });
    return control;
  };
  const labels = h('input', { type: 'text', placeholder: t('bulk.labelsPlaceholder'), 'aria-label': t('bulk.labels') });
  labels.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const list = labels.value.split(',').map((label) => label.trim()).filter(Boolean);
    labels.value = '';
    send({ action: 'update', changes: { labels: list } }, (n) => tn('bulk.labelled', n));
  });
  const element = h('div', { class: 'bulk-bar', role: 'region', 'aria-label': t('bulk.title'), hidden: true },
    count,
    picker(t('bulk.move'), columns.map((c) => ({ value: c, label: columnName(c) })),
      (status) => send({ action: 'move', status }, (n) => tn('bulk.moved', n, { column: columnName(status) }))),
    picker(t('bulk.priority'), priorities.map((p) => ({ value: p, label: priorityName(p) })),
      (priority) => send({ action: 'update', changes: { priority } }, (n) => tn('bulk.updated', n))),
    labels,
    picker(t('bulk.assignee'), [{ value: '__none', label: t('filters.unassigned') }, ...people().map((person) => ({ value: person.id, label: person.name }))],
      (id) => send({ action: 'update', changes: { assignee_id: id === '__none' ? null : id } }, (n) => tn('bulk.updated', n))),
    h('button', {
      type: 'button', class: 'danger',
      onclick: async () => {
        const n = selection().length;
        const sure = await confirmDialog({ title: t('bulk.deleteTitle'), message: tn('bulk.deleteMessage', n), confirmLabel: t('action.delete'), danger: true });
        if (sure) send({ action: 'delete' }, (m) => tn('bulk.deleted', m));
      },
    }, t('action.delete')),
    h('button', { type: 'button', class: 'secondary', onclick: onClear }, t('bulk.clear')));
  return {
    element,
    update(selected) {
      element.hidden = selected === 0;
      count.textContent = tn('bulk.selected', selected);
    },
  };
}
