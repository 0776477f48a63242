// One card: key, title, priority, labels, assignee, due date, and what an agent is doing with it.
import { h } from '../dom.js';
import { formatDate, t, tn } from '../i18n.js';
import { isOverdue, priorityName } from './columns.js';

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0].toUpperCase()).join('') || '?';
}

/**
 * The card element for a task. `people` resolves assignee ids ({name, bot}); `agent` is what is
 * known of a running execution ({loop, maxLoops}).
 */
export function renderCard(task, { people, agent, selected, focused, href }) {
  const assignee = task.assignee_id ? people(task.assignee_id) : null;
  const overdue = isOverdue(task);
  const working = Boolean(task.agent?.claimed_by);
  const flagged = Boolean(task.agent?.flagged_at);
  const summary = task.summary;
  const meta = [];
  // Medium is the default: a badge on every card would be noise, so it is said, not shown.
  if (task.priority === 'medium') meta.push(h('span', { class: 'visually-hidden', text: t('card.priority', { priority: priorityName(task.priority) }) }));
  else meta.push(h('span', { class: ['badge', `priority-${task.priority}`], text: priorityName(task.priority) }));
  if (task.due_date) {
    meta.push(h('span', { class: ['due', overdue && 'overdue'], text: overdue ? t('card.overdue', { date: formatDate(task.due_date) }) : formatDate(task.due_date) }));
  }
  for (const label of task.labels.slice(0, 4)) meta.push(h('span', { class: 'label', text: label }));
  if (task.labels.length > 4) meta.push(h('span', { class: 'label', text: `+${task.labels.length - 4}` }));

  const titleID = `card-title-${task.id}`;
  const card = h('article', {
    class: ['card', selected && 'selected', working && 'working'],
    tabindex: focused ? '0' : '-1',
    'aria-labelledby': titleID,
    'aria-describedby': `${titleID}-meta`,
    dataset: { taskKey: task.key, taskId: task.id },
  },
  h('div', { class: 'card-top' },
    h('input', {
      type: 'checkbox', class: 'card-select', checked: selected, tabindex: '-1',
      'aria-label': t('card.select', { key: task.key }),
    }),
    h('a', { class: 'card-key', href, tabindex: '-1', text: task.key }),
    h('span', { class: 'card-grip', 'aria-hidden': 'true', title: t('card.dragHandle') }, '⋮⋮'),
    assignee && h('span', {
      class: ['avatar', assignee.bot && 'bot'], title: assignee.name,
      'aria-label': t(assignee.bot ? 'card.assignedBot' : 'card.assignedTo', { name: assignee.name }),
    }, assignee.bot ? t('card.botBadge') : initials(assignee.name))),
  h('h3', { class: 'card-title', id: titleID, text: task.title }),
  h('div', { class: 'card-meta', id: `${titleID}-meta` }, meta,
    summary?.blocked && h('span', { class: 'blocked', text: t('card.blocked') }),
    summary?.subtasks > 0 && h('span', { class: ['count', summary.subtasks_done === summary.subtasks && 'complete'], text: t('card.subtasks', { done: summary.subtasks_done, total: summary.subtasks }) }),
    summary?.comments > 0 && h('span', { class: 'count', text: tn('card.comments', summary.comments) }),
    flagged && h('span', { class: 'flag', text: t('card.flagged') }),
    working && h('span', { class: 'agent-working' },
      h('span', { class: 'pulse', 'aria-hidden': 'true' }),
      agent?.loop ? t('card.agentLoop', { loop: agent.loop, max: agent.maxLoops ?? '?' }) : t('card.agentWorking'))));
  return card;
}
