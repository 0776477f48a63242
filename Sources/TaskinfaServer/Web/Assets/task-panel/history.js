// What happened to the task (its activity) and the agents' attempts at it (its executions).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
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

export function executionsSection(task, { directory }) {
  const list = h('div', { class: 'executions' });
  const load = async () => {
    const result = await api.get(`/tasks/${encodeURIComponent(task.id)}/executions`);
    replace(list, result.executions.length ? h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('executions.title') }),
      h('thead', {}, h('tr', {}, ['executions.attempt', 'executions.worker', 'executions.state', 'executions.loops', 'executions.branch', 'executions.started', 'executions.finished']
        .map((key) => h('th', { scope: 'col', text: t(key) })))),
      h('tbody', {}, result.executions.map((execution) => h('tr', {},
        h('td', { text: String(execution.attempt) }),
        h('td', { text: directory.person(execution.worker_id).name }),
        h('td', {}, h('span', { class: ['badge', `execution-${execution.status}`], text: t(`executions.status.${execution.status}`) }),
          execution.reason ? h('div', { class: 'hint', text: execution.reason }) : null),
        h('td', { text: String(execution.loops) }),
        h('td', {}, execution.branch ? h('code', { text: execution.branch }) : '—', execution.commit ? h('div', {}, h('code', { text: execution.commit.slice(0, 10) })) : null),
        h('td', {}, h('time', { datetime: execution.started_at, text: formatDateTime(execution.started_at) })),
        h('td', {}, execution.finished_at ? h('time', { datetime: execution.finished_at, text: formatDateTime(execution.finished_at) }) : '—')))))
      : h('p', { class: 'hint', text: t('executions.none') }));
  };
  const element = h('section', { class: 'panel-section', 'aria-labelledby': `executions-${task.id}` },
    h('h3', { id: `executions-${task.id}`, text: t('executions.title') }), list);
  return { element, load };
}
