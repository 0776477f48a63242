// The five columns, in board order, and the rules the page needs about them.
import { t } from '../i18n.js';

export const columns = ['backlog', 'todo', 'in_progress', 'review', 'done'];
export const priorities = ['urgent', 'high', 'medium', 'low'];

export const columnName = (status) => t(`column.${status}`);
export const priorityName = (priority) => t(`priority.${priority}`);

const urgency = { urgent: 0, high: 1, medium: 2, low: 3 };

/** Positions compare as byte strings (the API's rule); JavaScript compares UTF-16 units, the
 *  same order for the ASCII the ranks are made of. */
const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Orders tasks as the API lists them for the given sort, so live inserts land where a reload
 *  would put them. */
export function comparator(sort = 'position', order) {
  const descending = order ? order === 'desc' : false;
  const keyed = {
    position: (a, b) => byText(a.position, b.position),
    created_at: (a, b) => byText(a.created_at, b.created_at),
    updated_at: (a, b) => byText(a.updated_at, b.updated_at),
    priority: (a, b) => urgency[a.priority] - urgency[b.priority] || byText(a.created_at, b.created_at),
    due_date: (a, b) => byText(a.due_date ?? '9999-12-31', b.due_date ?? '9999-12-31'),
    title: (a, b) => byText(a.title, b.title),
  }[sort] ?? ((a, b) => byText(a.position, b.position));
  return (a, b) => {
    const result = keyed(a, b) || byText(a.id, b.id);
    return descending ? -result : result;
  };
}

/** Today in the person's own calendar, YYYY-MM-DD. */
export function today(offsetDays = 0) {
  const date = new Date();
  date.setDate(date.getDate() + offsetDays);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

export function isOverdue(task) {
  return Boolean(task.due_date) && task.status !== 'done' && task.due_date < today();
}
