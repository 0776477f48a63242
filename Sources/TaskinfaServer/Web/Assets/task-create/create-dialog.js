// New task: title, markdown description (with the server's preview), project, column, priority,
// labels, assignee, due date. It lands at the bottom of the column it was created in.
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { t } from '../i18n.js';
import { columnName, columns, priorities, priorityName } from '../board/columns.js';
import { openDialog } from '../shell/dialog.js';
import { markdownEditor } from '../task-panel/markdown-editor.js';

/** Opens the dialog; resolves with the created task, or undefined. */
export function openCreateTask({ workspaceID, directory, status = 'backlog', projectID, parentID }) {
  const projects = directory.projects();
  const { closed } = openDialog({
    title: parentID ? t('create.subtaskTitle') : t('create.title'),
    wide: true,
    content: (close) => {
      const title = field({ label: t('task.title'), name: 'title', required: true, autofocus: true, maxlength: 500 });
      const description = markdownEditor({ label: t('task.description'), name: 'description', value: '' });
      const project = field({
        label: t('task.project'), name: 'project_id', type: 'select', value: projectID ?? projects[0]?.id,
        options: projects.map((p) => ({ value: p.id, label: `${p.key} · ${p.name}` })),
      });
      const column = field({ label: t('task.column'), name: 'status', type: 'select', value: status, options: columns.map((c) => ({ value: c, label: columnName(c) })) });
      const priority = field({ label: t('task.priority'), name: 'priority', type: 'select', value: 'medium', options: priorities.map((p) => ({ value: p, label: priorityName(p) })) });
      const labels = field({ label: t('task.labels'), name: 'labels', hint: t('task.labelsHint') });
      const assignee = field({
        label: t('task.assignee'), name: 'assignee_id', type: 'select', value: '',
        options: [{ value: '', label: t('filters.unassigned') }, ...directory.people().map((p) => ({ value: p.id, label: p.bot ? `${p.name} (${t('card.botBadge')})` : p.name }))],
      });
      const due = field({ label: t('task.due'), name: 'due_date', type: 'date' });
      const form = h('form', { class: 'dialog-body form', novalidate: true },
        title, description.element,
        h('div', { class: 'field-grid' }, project, column, priority, assignee, labels, due),
        h('div', { class: 'dialog-actions' },
          h('span', { class: 'hint', text: t('create.submitHint') }),
          h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.cancel')),
          h('button', { type: 'submit', class: 'primary' }, t('create.submit'))));
      if (!projects.length) {
        return h('div', { class: 'dialog-body' }, h('p', { text: t('create.noProject') }),
          h('a', { class: 'button primary', href: `/w/${encodeURIComponent(workspaceID)}/projects`, onclick: () => close() }, t('nav.projects')));
      }
      const submit = () => whileBusy(form, async () => {
        try {
          const task = await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/tasks`, {
            project_id: project.control.value,
            title: title.control.value,
            description: description.value() || null,
            status: column.control.value,
            priority: priority.control.value,
            labels: labels.control.value.split(',').map((label) => label.trim()).filter(Boolean),
            assignee_id: assignee.control.value || null,
            due_date: due.control.value || null,
            parent_id: parentID ?? null,
          });
          close(task);
        } catch (error) {
          showErrors(form, error);
        }
      });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        submit();
      });
      form.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          submit();
        }
      });
      return form;
    },
  });
  return closed;
}
