// What the board knows: per column the tasks loaded so far (in the list's order), the cursor of
// the next page and the column's count. It follows the event stream and applies optimistic moves,
// keeping what it needs to put a refused move back.
import { api, query, request } from '../api.js';
import { columns, comparator } from './columns.js';

export const pageSize = 50;
/** The first page of a column: a screenful and a bit, so the board paints sooner. */
export const firstPageSize = 30;

/** The board's first read, asked for while the page is still starting (before the session and
 *  the directory are known), so that it isn't the last of a chain of round trips. */
let prefetched = null;

function boardPath(workspaceID, filter) {
  const { status, ...rest } = filter;
  const visible = status?.length ? columns.filter((c) => status.includes(c)) : columns;
  return `/workspaces/${encodeURIComponent(workspaceID)}/board${query({ ...rest, status: visible, limit: firstPageSize })}`;
}

export function prefetchBoard(workspaceID, filter) {
  const path = boardPath(workspaceID, filter);
  prefetched = { path, answer: request('GET', path, { keepSession: true }).then((reply) => reply.data) };
  prefetched.answer.catch(() => {});
}

export class BoardData {
  constructor(workspaceID, filter) {
    this.workspaceID = workspaceID;
    this.filter = filter; // {project_id, priority, label, assignee, due_from, due_to, q, sort, order, status[]}
    this.columns = new Map(columns.map((status) => [status, { tasks: [], cursor: null, done: false, count: 0, loading: null }]));
    this.byID = new Map();
    this.listeners = new Set();
    this.generation = 0;
    this.searchTruncated = false;
  }

  /** Calls handler(statuses) when columns change. */
  onChange(handler) {
    this.listeners.add(handler);
  }

  changed(...statuses) {
    for (const listener of this.listeners) listener(new Set(statuses.filter(Boolean)));
  }

  get compare() {
    return comparator(this.filter.sort, this.filter.order);
  }

  get boardOrder() {
    return !this.filter.sort || this.filter.sort === 'position';
  }

  listParameters() {
    const { status, ...rest } = this.filter;
    return rest;
  }

  /** Loads every column's count and the visible columns' first pages, in one request. */
  async load(visible) {
    this.generation += 1;
    const generation = this.generation;
    for (const column of this.columns.values()) Object.assign(column, { tasks: [], cursor: null, done: false, loading: null });
    this.byID.clear();
    const path = boardPath(this.workspaceID, { ...this.listParameters(), status: visible });
    let board;
    if (prefetched?.path === path) {
      board = await prefetched.answer.catch(() => null);
      prefetched = null;
    }
    board ??= (await request('GET', path)).data;
    if (generation !== this.generation) return;
    // A search shows the newest matches only (the server says when there were more).
    this.searchTruncated = board.search_truncated === true;
    for (const { status, count, tasks, next_cursor: cursor } of board.columns) {
      const column = this.columns.get(status);
      column.count = count;
      for (const task of tasks) {
        this.byID.set(task.id, task);
        column.tasks.push(task);
      }
      column.cursor = cursor;
      column.done = !cursor;
    }
    this.changed(...columns);
  }

  /** The column's next page (once at a time). */
  loadMore(status, generation = this.generation) {
    const column = this.columns.get(status);
    if (column.done) return Promise.resolve();
    if (column.loading) return column.loading;
    const path = `/workspaces/${encodeURIComponent(this.workspaceID)}/tasks`;
    column.loading = api.get(path, { ...this.listParameters(), status, limit: pageSize, cursor: column.cursor ?? undefined })
      .then((page) => {
        if (generation !== this.generation) return;
        for (const task of page.tasks) {
          if (this.byID.has(task.id)) continue;
          this.byID.set(task.id, task);
          column.tasks.push(task);
        }
        column.cursor = page.next_cursor;
        column.done = !page.next_cursor;
        this.changed(status);
      })
      .finally(() => {
        column.loading = null;
      });
    return column.loading;
  }

  /** Does a task belong on this board under the filter (the parts the page can judge)? */
  matches(task) {
    const f = this.filter;
    if (f.project_id && task.project_id !== f.project_id) return false;
    if (f.priority && ![].concat(f.priority).includes(task.priority)) return false;
    if (f.label && !task.labels.some((label) => label.toLowerCase() === f.label.toLowerCase())) return false;
    if (f.assignee === 'none' && task.assignee_id) return false;
    if (f.assignee && f.assignee !== 'none' && task.assignee_id !== f.assignee) return false;
    if (f.due_from && !(task.due_date && task.due_date >= f.due_from)) return false;
    if (f.due_to && !(task.due_date && task.due_date <= f.due_to)) return false;
    return true;
  }

  /** Takes a task off the board (deleted, or no longer matching). */
  remove(id) {
    const previous = this.byID.get(id);
    if (!previous) return null;
    const column = this.columns.get(previous.status);
    const index = column.tasks.findIndex((item) => item.id === id);
    if (index >= 0) column.tasks.splice(index, 1);
    this.byID.delete(id);
    return previous.status;
  }

  /** Puts the task where the list would have it: a loaded part of its column, or nowhere if it
   *  sorts past what is loaded (the next page brings it). Returns the columns touched. */
  place(task) {
    const touched = new Set();
    const previous = this.remove(task.id);
    if (previous) touched.add(previous);
    if (!this.matches(task)) return touched;
    const column = this.columns.get(task.status);
    const compare = this.compare;
    let index = column.tasks.findIndex((item) => compare(task, item) < 0);
    if (index < 0) {
      if (!column.done) return touched;
      index = column.tasks.length;
    }
    column.tasks.splice(index, 0, task);
    this.byID.set(task.id, task);
    touched.add(task.status);
    return touched;
  }

  /** A domain event from the stream. Returns true if the board changed. */
  apply(event, { knownBefore } = {}) {
    const task = event.data?.task;
    if (event.type === 'task.deleted') {
      const existing = this.byID.get(event.task_id ?? task?.id) ?? task;
      if (!existing) return false;
      if (this.matches(existing)) this.columns.get(existing.status).count -= 1;
      this.remove(existing.id);
      this.changed(existing.status);
      return true;
    }
    if (event.type === 'comment.created') {
      const commented = this.byID.get(event.data.comment?.task_id);
      if (!commented?.summary) return false;
      commented.summary = { ...commented.summary, comments: commented.summary.comments + 1 };
      this.changed(commented.status);
      return true;
    }
    if (!task || !event.type.startsWith('task.')) return false;
    const previous = this.byID.get(task.id);
    if (previous && previous.version >= task.version) return false;
    // Events carry the task, not its counts: keep the ones already known.
    if (!task.summary && previous?.summary) event.data.task = Object.assign(task, { summary: previous.summary });
    const before = previous ?? (event.data.changes ? rewind(task, event.data.changes) : null);
    if (before && this.matches(before) && event.type !== 'task.created') this.columns.get(before.status).count -= 1;
    if (this.matches(task)) this.columns.get(task.status).count += 1;
    const touched = this.place(task);
    this.changed(...touched, before?.status, task.status);
    return true;
  }

  /** Reads a shown task again (with its summary), after something around it changed. */
  async refresh(id) {
    const shown = this.byID.get(id);
    if (!shown) return;
    try {
      const fresh = await api.get(`/tasks/${encodeURIComponent(id)}`);
      const current = this.byID.get(id);
      if (!current || current.version > fresh.version) return;
      const touched = this.place(fresh);
      this.changed(...touched);
    } catch {
      // Gone or unreachable: the next event or load settles it.
    }
  }

  /** Which shown tasks' counts an event changes: a subtask's parent, a dependency's task, and
   *  the tasks a task that reached or left Done was blocking. */
  async refreshAround(event) {
    const task = event.data?.task;
    if (event.type.startsWith('dependency.')) {
      this.refresh(event.task_id);
      return;
    }
    if (!task) return;
    if (task.parent_id && (event.type === 'task.created' || event.type === 'task.deleted' || event.data.changes?.status)) this.refresh(task.parent_id);
    const status = event.data.changes?.status;
    if (status && (status.to === 'done' || status.from === 'done')) {
      try {
        const edges = await api.get(`/tasks/${encodeURIComponent(task.id)}/dependencies`);
        for (const edge of edges.dependents) if (edge.kind === 'blocks') this.refresh(edge.task_id);
      } catch {
        // The task may be gone already.
      }
    }
  }

  /**
   * Moves a task at once and asks the server; if it refuses, everything goes back as it was and
   * the error is rethrown. `target` = {status, index} in the column as loaded.
   */
  async move(task, target, send) {
    const from = this.columns.get(task.status);
    const to = this.columns.get(target.status);
    const snapshot = { from: [...from.tasks], to: [...to.tasks], fromCount: from.count, toCount: to.count };
    const fromIndex = from.tasks.findIndex((item) => item.id === task.id);
    from.tasks.splice(fromIndex, 1);
    let index = target.index;
    if (from === to && fromIndex < index) index -= 1;
    index = Math.max(0, Math.min(index, to.tasks.length));
    const neighbours = { before_id: to.tasks[index]?.id ?? null, after_id: index > 0 ? to.tasks[index - 1].id : null };
    const moved = { ...task, status: target.status };
    to.tasks.splice(index, 0, moved);
    this.byID.set(task.id, moved);
    if (from !== to) {
      from.count -= 1;
      to.count += 1;
    }
    this.changed(task.status, target.status);
    // With neither neighbour the API puts it at the bottom; name one when there is one, so the
    // place the person chose is the place it keeps.
    const body = { status: target.status };
    if (neighbours.before_id) body.before_id = neighbours.before_id;
    else if (neighbours.after_id) body.after_id = neighbours.after_id;
    try {
      const saved = await send(body);
      const current = this.byID.get(task.id);
      if (current && current.version <= saved.version) {
        Object.assign(current, saved);
      }
      return { task: saved, index, column: to };
    } catch (error) {
      from.tasks = snapshot.from;
      to.tasks = snapshot.to;
      from.count = snapshot.fromCount;
      to.count = snapshot.toCount;
      this.byID.set(task.id, task);
      this.changed(task.status, target.status);
      throw error;
    }
  }
}

/** The task as it was before the changes an event lists. */
function rewind(task, changes) {
  const before = { ...task };
  for (const [field, change] of Object.entries(changes)) before[field] = change.from;
  return before;
}

