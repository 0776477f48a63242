// The task panel beside the board (its own URL): every field editable in place, saved with
// If-Match so two people can't overwrite each other unknowingly; the description, the
// conversation, subtasks, dependencies, the agents' executions and the history.
import { api, renderMarkdown, request } from '../api.js';
import { h, insertSanitisedHTML, replace } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { columnName, columns, isOverdue, priorities, priorityName } from '../board/columns.js';
import { paths } from '../router.js';
import { confirmDialog } from '../shell/dialog.js';
import { announce, toast, toastError } from '../shell/toast.js';
import { openCreateTask } from '../task-create/create-dialog.js';
import { commentsSection } from './comments.js';
import { resolveConflict } from './conflict.js';
import { executionsSection } from '../executions/executions.js';
import { activitySection } from './history.js';
import { markdownEditor } from './markdown-editor.js';
import { dependenciesSection, subtasksSection } from './relations.js';

const fieldNames = {
  title: () => t('task.title'), description: () => t('task.description'), priority: () => t('task.priority'),
  assignee_id: () => t('task.assignee'), due_date: () => t('task.due'), labels: () => t('task.labels'),
  project_id: () => t('task.project'), flagged: () => t('task.flagged'),
};

/**
 * openTaskPanel(container, {workspaceID, taskRef, directory, edit, onClose, onChanged(task)})
 * → {taskID, applyEvent(event), close()}.
 */
export function openTaskPanel(container, { workspaceID, taskRef, directory, edit, onClose, onChanged }) {
  const headingID = 'task-panel-heading';
  const panel = h('aside', { class: 'task-panel', 'aria-labelledby': headingID, tabindex: '-1' },
    h('p', { class: 'panel-loading', text: t('panel.loading') }));
  container.replaceChildren(panel);
  let task = null;
  let sections = null;
  const controller = {
    taskID: null,
    taskKey: taskRef,
    applyEvent: () => {},
    close: () => onClose(),
    focus: () => panel.focus(),
  };

  /**
   * PATCH with the version the person's edit started from (`base`: the task when they began
   * typing; the current one for a single choice). If the task changed since, the server answers
   * 412 and both versions are shown.
   */
  const save = async (changes, base = task) => {
    try {
      const { data } = await request('PATCH', `/tasks/${encodeURIComponent(task.id)}`, { body: changes, ifMatch: base.version });
      update(data);
      announce(t('panel.saved'));
      return true;
    } catch (error) {
      if (error.status === 412) {
        const { data: current } = await request('GET', `/tasks/${encodeURIComponent(task.id)}`);
        const choice = await resolveConflict({ changes, current, fieldName: (name) => fieldNames[name]?.() ?? name });
        if (choice === 'mine') {
          task = current;
          return save(changes, current);
        }
        update(current);
        return false;
      }
      toastError(error);
      render();
      return false;
    }
  };

  const update = (next) => {
    task = next;
    controller.taskID = task.id;
    controller.taskKey = task.key;
    render();
    onChanged?.(task);
  };

  const select = (name, value, options, onchange, label) => {
    const control = h('select', { id: `panel-${name}`, name }, options.map((option) => h('option', { value: option.value, selected: option.value === (value ?? '') }, option.label)));
    control.addEventListener('change', () => onchange(control.value));
    return h('div', { class: 'field field-inline' }, h('label', { for: control.id, text: label }), control);
  };

  const titleField = () => {
    const input = h('input', { id: 'panel-title', class: 'title-input', value: task.title, 'aria-label': t('task.title'), maxlength: 500 });
    let base = task;
    input.addEventListener('focus', () => { base = task; });
    const commit = () => {
      const value = input.value.trim();
      if (value && value !== base.title) save({ title: value }, base);
      else input.value = task.title;
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        input.blur();
      } else if (event.key === 'Escape') {
        input.value = task.title;
        input.blur();
        event.stopPropagation();
      }
    });
    input.addEventListener('blur', commit);
    return input;
  };

  const moveTo = async (status) => {
    try {
      const moved = await api.post(`/tasks/${encodeURIComponent(task.id)}/move`, { status });
      update(moved);
      announce(t('board.movedSimple', { key: task.key, column: columnName(status) }));
    } catch (error) {
      toast(t('board.moveRefused', { key: task.key, reason: error.message }), { kind: 'error' });
      render();
    }
  };

  const description = h('div', { class: 'description' });
  const renderDescription = async (editing = false) => {
    // A re-render (a teammate's change arriving) must not throw away a description being typed.
    if (editing) description.dataset.editing = 'true';
    else delete description.dataset.editing;
    if (editing) {
      const base = task;
      const editor = markdownEditor({ label: t('task.description'), name: 'description', value: task.description ?? '', rows: 10 });
      const saveButton = h('button', { type: 'button', class: 'primary small' }, t('action.save'));
      const cancel = h('button', { type: 'button', class: 'secondary small' }, t('action.cancel'));
      saveButton.addEventListener('click', async () => {
        const value = editor.value();
        if (value === (base.description ?? '') || (await save({ description: value || null }, base))) renderDescription(false);
      });
      cancel.addEventListener('click', () => renderDescription(false));
      editor.control.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          renderDescription(false);
        } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          saveButton.click();
        }
      });
      replace(description, editor.element, h('div', { class: 'row-actions' }, cancel, saveButton));
      editor.control.focus();
      return;
    }
    const body = h('div', { class: 'markdown' });
    const editButton = h('button', { type: 'button', class: 'secondary small', 'aria-keyshortcuts': 'e', onclick: () => renderDescription(true) }, t('panel.editDescription'));
    replace(description, h('div', { class: 'section-head' }, h('h3', { text: t('task.description') }), editButton), body);
    if (task.description?.trim()) {
      try {
        const [html] = await renderMarkdown([task.description]);
        insertSanitisedHTML(body, html);
      } catch (error) {
        body.textContent = task.description;
      }
    } else {
      body.append(h('p', { class: 'hint', text: t('panel.noDescription') }));
    }
  };

  const render = () => {
    const project = directory.project(task.project_id);
    const people = directory.people();
    const labels = h('input', { id: 'panel-labels', value: task.labels.join(', '), 'aria-describedby': 'panel-labels-hint' });
    labels.addEventListener('change', () => {
      const list = labels.value.split(',').map((label) => label.trim()).filter(Boolean);
      if (list.join(',') !== task.labels.join(',')) save({ labels: list });
    });
    const due = h('input', { id: 'panel-due', type: 'date', value: task.due_date ?? '' });
    due.addEventListener('change', () => save({ due_date: due.value || null }));
    const agent = task.agent ?? {};
    const header = h('header', { class: 'panel-header' },
      h('div', { class: 'panel-key' },
        h('a', { href: paths.task(workspaceID, task.key), class: 'card-key', text: task.key }),
        project && h('span', { class: 'hint', text: project.name })),
      h('div', { class: 'panel-tools' },
        h('button', {
          type: 'button', class: 'secondary small',
          onclick: () => navigator.clipboard?.writeText(new URL(paths.task(workspaceID, task.key), location.origin).href).then(() => toast(t('panel.linkCopied'))),
        }, t('panel.copyLink')),
        h('button', { type: 'button', class: 'danger small', onclick: () => remove() }, t('action.delete')),
        h('button', { type: 'button', class: 'icon', 'aria-label': t('panel.close'), 'aria-keyshortcuts': 'Escape', onclick: () => onClose() }, '×')));
    const heading = h('h2', { id: headingID, class: 'visually-hidden', text: `${task.key} ${task.title}` });
    const fields = h('div', { class: 'panel-fields' },
      select('status', task.status, columns.map((c) => ({ value: c, label: columnName(c) })), (value) => moveTo(value), t('task.column')),
      select('priority', task.priority, priorities.map((p) => ({ value: p, label: priorityName(p) })), (value) => save({ priority: value }), t('task.priority')),
      select('assignee', task.assignee_id, [{ value: '', label: t('filters.unassigned') }, ...people.map((p) => ({ value: p.id, label: p.bot ? `${p.name} (${t('card.botBadge')})` : p.name }))],
        (value) => save({ assignee_id: value || null }), t('task.assignee')),
      select('project', task.project_id, directory.projects().map((p) => ({ value: p.id, label: `${p.key} · ${p.name}` })), (value) => save({ project_id: value }), t('task.project')),
      h('div', { class: ['field', 'field-inline', isOverdue(task) && 'overdue'] }, h('label', { for: 'panel-due', text: t('task.due') }), due),
      h('div', { class: 'field field-inline' }, h('label', { for: 'panel-labels', text: t('task.labels') }), labels, h('span', { id: 'panel-labels-hint', class: 'visually-hidden', text: t('task.labelsHint') })));
    const agentNote = (agent.claimed_by || agent.flagged_at || agent.awaiting_reply_since) && h('div', { class: 'agent-note' },
      agent.claimed_by && h('p', {}, h('span', { class: 'pulse', 'aria-hidden': 'true' }), t('panel.agentWorking', { name: directory.person(agent.claimed_by).name })),
      agent.flagged_at && h('p', { class: 'flag' }, t('panel.flagged', { reason: agent.flag_reason ?? '' }), ' ',
        h('button', { type: 'button', class: 'link', onclick: () => save({ flagged: false }) }, t('panel.unflag'))),
      agent.awaiting_reply_since && h('p', { class: 'hint', text: t('panel.awaitingReply') }),
      agent.branch && h('p', { class: 'hint' }, t('panel.branch'), ' ', h('code', { text: agent.branch }), agent.commit ? [' · ', h('code', { text: agent.commit.slice(0, 10) })] : null));
    const meta = h('p', { class: 'hint panel-meta', text: t('panel.meta', { created: formatDateTime(task.created_at), updated: formatDateTime(task.updated_at), version: task.version }) });
    const previousTitle = panel.querySelector('#panel-title');
    const hadFocus = previousTitle && document.activeElement === previousTitle;
    replace(panel, header, heading, titleField(), fields, agentNote, description,
      sections.comments.element, sections.subtasks.element, sections.dependencies.element, sections.executions.element, sections.activity.element, meta);
    if (hadFocus) panel.querySelector('#panel-title').focus();
    if (!description.dataset.editing) renderDescription(false);
  };

  const remove = async () => {
    const sure = await confirmDialog({ title: t('panel.deleteTitle', { key: task.key }), message: t('panel.deleteMessage'), confirmLabel: t('action.delete'), danger: true });
    if (!sure) return;
    try {
      await request('DELETE', `/tasks/${encodeURIComponent(task.id)}`, { ifMatch: task.version });
      toast(t('panel.deleted', { key: task.key }));
      onClose();
    } catch (error) {
      toastError(error);
    }
  };

  const load = async () => {
    try {
      const [{ data }] = await Promise.all([request('GET', `/tasks/${encodeURIComponent(taskRef)}`), directory.ready]);
      task = data;
    } catch (error) {
      replace(panel, h('div', { class: 'load-error', role: 'alert' },
        h('p', { text: error.status === 404 ? t('panel.notFound', { key: taskRef }) : error.isNetwork ? t('error.network') : error.message }),
        error.isNetwork && h('button', { type: 'button', class: 'primary', onclick: () => load() }, t('action.retry')),
        h('button', { type: 'button', class: 'secondary', onclick: () => onClose() }, t('panel.close'))));
      return;
    }
    controller.taskID = task.id;
    controller.taskKey = task.key;
    sections = {
      comments: commentsSection(task),
      subtasks: subtasksSection(task, {
        workspaceID,
        onCreate: () => openCreateTask({ workspaceID, directory, status: 'backlog', projectID: task.project_id, parentID: task.id }),
      }),
      dependencies: dependenciesSection(task, { workspaceID }),
      executions: executionsSection(task, {
        directory,
        onReviewed: (result) => {
          task = result.task;
          sections.executions.setTask(task);
          render();
          onChanged?.(task);
          sections.executions.load();
        },
      }),
      activity: activitySection(task),
    };
    render();
    onChanged?.(task);
    panel.focus();
    await Promise.allSettled([sections.comments.load(), sections.subtasks.load(), sections.dependencies.load(), sections.executions.load(), sections.activity.load()]);
    if (edit) panel.querySelector('#panel-title')?.focus();
  };

  controller.applyEvent = (event) => {
    if (!task) return;
    const eventTask = event.data?.task;
    if (event.task_id !== task.id && eventTask?.id !== task.id && event.data?.comment?.task_id !== task.id) {
      if (eventTask?.parent_id === task.id) sections.subtasks.load();
      return;
    }
    if (event.type === 'task.deleted') {
      toast(t('panel.deletedElsewhere', { key: task.key }));
      onClose();
      return;
    }
    if (eventTask && eventTask.version > task.version) {
      const editingTitle = document.activeElement?.id === 'panel-title';
      task = eventTask;
      sections.executions.setTask(task);
      if (!editingTitle) render();
    }
    if (event.type === 'comment.created') sections.comments.added(event.data.comment);
    if (event.type.startsWith('execution.')) sections.executions.load();
    if (event.type.startsWith('dependency.')) sections.dependencies.load();
    sections.activity.added(event);
  };

  controller.close = () => sections?.executions.close();
  load();
  return controller;
}

