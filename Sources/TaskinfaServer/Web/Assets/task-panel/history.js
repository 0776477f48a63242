// What happened to the task: its activity, newest first.
import { api } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { columnName } from '../board/columns.js';

const shown = (field, value) => {
  if (value === null || value === undefined || value === '') return t('conflict.empty');
  if (field === 'status') return columnName(value);
  if (Array.isArray(value)) return value.join(', ') || t('conflict.empty');
  return String(value).length > 60 ? `${String(value).slice(0, 57)}…` : String(value);
};

/** One line for an event: "Ada moved it from To Do to Review". */
export function describeEvent(event) {
  const who = event.actor?.name ?? t('activity.someone');
  const changes = event.data?.changes ?? {};
  switch (event.type) {
    case 'task.created': return t('activity.created', { who });
    case 'task.deleted': return t('activity.deleted', { who });
    case 'task.moved':
      if (changes.status) return t('activity.movedTo', { who, from: shown('status', changes.status.from), to: shown('status', changes.status.to) });
      return t('activity.reordered', { who });
    case 'task.updated': {
      const fields = Object.keys(changes).filter((name) => !['version', 'updated_at', 'position'].includes(name));
      if (!fields.length) return t('activity.updated', { who });
      return fields.map((name) => t('activity.changed', { who, field: name.replaceAll('_', ' '), from: shown(name, changes[name].from), to: shown(name, changes[name].to) })).join(' · ');
    }
    case 'comment.created': return t('activity.commented', { who });
    case 'execution.started': return t('activity.executionStarted', { who });
    case 'execution.finished': return t('activity.executionFinished', { who, status: event.data?.execution?.status ?? '' });
    case 'dependency.added': return t('activity.dependencyAdded', { who });
    case 'dependency.removed': return t('activity.dependencyRemoved', { who });
    default: return `${who}: ${event.type}`;
  }
}

/** What kind of thing happened, without who or how ("moved a task", "started work"). */
export function describeEventType(type) {
  const key = `activity.kind.${type}`;
  const text = t(key);
  return text === key ? type : text;
}

export function activitySection(task) {
  const list = h('ol', { class: 'activity' });
  const more = h('button', { type: 'button', class: 'link', hidden: true }, t('activity.more'));
  let cursor = null;
  const line = (event) => h('li', {},
    h('span', { text: describeEvent(event) }), ' ',
    h('time', { datetime: event.created_at, title: formatDateTime(event.created_at), text: formatRelative(event.created_at) }));
  const load = async (reset = true) => {
    const page = await api.get(`/tasks/${encodeURIComponent(task.id)}/activity`, { limit: 30, cursor: reset ? undefined : cursor ?? undefined });
    if (reset) list.replaceChildren();
    list.append(...page.events.map(line));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load(false));
  const element = h('section', { class: 'panel-section', 'aria-labelledby': `activity-${task.id}` },
    h('h3', { id: `activity-${task.id}`, text: t('activity.title') }), list, more);
  return { element, load, added: (event) => list.prepend(line(event)) };
}
