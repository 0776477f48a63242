// The board page: filter bar, five columns, the bulk bar; cards move by mouse, finger or
// keyboard, optimistically, and snap back with the server's reason when it refuses.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { paths, updateQuery } from '../router.js';
import { announce, toast, toastError } from '../shell/toast.js';
import { BoardData } from './board-data.js';
import { bulkBar } from './bulk-bar.js';
import { renderCard } from './card.js';
import { ColumnView } from './column-view.js';
import { columnName, columns } from './columns.js';
import { enableDrag } from './drag.js';
import { apiFilter, filterBar, filterFromQuery, queryFromFilter } from './filters.js';
import { boardKeys } from './board-keys.js';

/**
 * mountBoard(container, {workspaceID, route, directory, onOpenTask, onCreate}) → the board's
 * controller: {applyEvent(event), focusSearch(), createIn(status), setFilter(filter), destroy()}.
 * `directory` knows projects, people and workers.
 */
export function mountBoard(container, { workspaceID, route, directory, onOpenTask, onCreate }) {
  let filter = filterFromQuery(route.query);
  const data = new BoardData(workspaceID, apiFilter(filter));
  const selected = new Set();
  const cache = new Map(); // task id → {signature, node}
  let focusedID = null;
  let dragging = false;
  let directoryIn = false; // nothing renders before the directory (names, projects) is in
  let pending = new Set();

  const cardFor = (task) => {
    const agent = directory.agentState(task);
    const counts = task.summary ? `${task.summary.comments}/${task.summary.subtasks_done}/${task.summary.subtasks}/${task.summary.blocked}` : '';
    const signature = `${task.version}|${counts}|${selected.has(task.id)}|${focusedID === task.id}|${agent?.loop ?? ''}|${directory.version}`;
    const hit = cache.get(task.id);
    if (hit && hit.signature === signature) return hit.node;
    const node = renderCard(task, {
      people: directory.person, agent, selected: selected.has(task.id), focused: focusedID === task.id,
      href: paths.task(workspaceID, task.key, location.search),
    });
    cache.set(task.id, { signature, node });
    return node;
  };

  const views = new Map(columns.map((status) => [status, new ColumnView({ status, data, cardFor, onCreate: (s) => onCreate(s) })]));
  const columnsElement = h('div', { class: 'columns' }, [...views.values()].map((view) => view.element));
  const columnTabs = h('nav', { class: 'column-tabs', 'aria-label': t('board.columns') },
    columns.map((status) => h('button', {
      type: 'button', class: 'column-tab', dataset: { target: status },
      onclick: () => views.get(status).element.scrollIntoView({ behavior: 'smooth', inline: 'start', block: 'nearest' }),
    }, columnName(status))));

  const bulk = bulkBar({
    workspaceID,
    selection: () => [...selected],
    people: () => directory.people(),
    onDone: (result) => {
      for (const task of result.tasks) data.apply({ type: 'task.updated', data: { task } });
      for (const id of result.deleted_ids) data.apply({ type: 'task.deleted', task_id: id });
      clearSelection();
    },
    onClear: () => clearSelection(),
  });

  const visibleColumns = () => (filter.status?.length ? columns.filter((c) => filter.status.includes(c)) : columns);

  const renderColumns = (statuses) => {
    if (dragging || !directoryIn) {
      for (const status of statuses) pending.add(status);
      return;
    }
    for (const status of statuses) views.get(status)?.render();
    // One card is always reachable with Tab (a roving tabindex): the focused one, or the first.
    if (!columnsElement.querySelector('.card[tabindex="0"]')) columnsElement.querySelector('.column:not([hidden]) .card')?.setAttribute('tabindex', '0');
  };
  data.onChange(renderColumns);

  const layout = () => {
    for (const [status, view] of views) view.element.hidden = !visibleColumns().includes(status);
  };

  const bar = () => filterBar({
    workspaceID, filter, projects: directory.projects(), people: directory.people(),
    onChange: (next) => setFilter(next),
  });
  let filterElement = bar();

  // Said when a search matched more tasks than the board shows (the newest ones).
  const truncatedNotice = h('p', { class: 'notice search-truncated', role: 'status', hidden: true, text: t('board.searchTruncated') });

  let painted = false;
  const load = async () => {
    container.setAttribute('aria-busy', 'true');
    try {
      for (const view of views.values()) view.reset();
      await data.load(visibleColumns());
      truncatedNotice.hidden = !data.searchTruncated;
      if (!directoryIn) {
        await directory.ready;
        directoryIn = true;
        pending = new Set();
        const next = bar();
        filterElement.replaceWith(next);
        filterElement = next;
        renderColumns(new Set(columns));
      }
      if (!painted) {
        painted = true;
        // What the UI benchmark reads: navigation → the first page of cards on screen.
        requestAnimationFrame(() => performance.mark('taskinfa:board-painted'));
      }
    } catch (error) {
      replace(columnsElement, h('div', { class: 'load-error', role: 'alert' },
        h('p', { text: error.isNetwork ? t('error.network') : error.message }),
        h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, t('action.retry'))));
    } finally {
      container.removeAttribute('aria-busy');
    }
  };

  const setFilter = (next) => {
    filter = next;
    updateQuery(queryFromFilter(filter));
    data.filter = apiFilter(filter);
    clearSelection();
    layout();
    load();
  };

  const clearSelection = () => {
    const touched = new Set([...selected].map((id) => data.byID.get(id)?.status).filter(Boolean));
    selected.clear();
    bulk.update(0);
    renderColumns(touched);
  };

  const toggleSelected = (task) => {
    if (selected.has(task.id)) selected.delete(task.id);
    else selected.add(task.id);
    bulk.update(selected.size);
    renderColumns([task.status]);
    announce(selected.has(task.id) ? t('board.selectedOne', { key: task.key }) : t('board.deselectedOne', { key: task.key }));
  };

  /** Moves a task to an index of a column (as loaded) and says what happened. */
  const moveTo = async (task, status, index) => {
    try {
      const result = await data.move(task, { status, index }, (body) => api.post(`/tasks/${encodeURIComponent(task.id)}/move`, body));
      const position = data.columns.get(status).tasks.findIndex((item) => item.id === task.id) + 1;
      announce(t('board.moved', { key: task.key, column: columnName(status), position, total: data.columns.get(status).count }));
      return result;
    } catch (error) {
      const reason = error.isNetwork ? t('error.network') : error.message;
      announce(t('board.moveRefused', { key: task.key, reason }));
      toast(t('board.moveRefused', { key: task.key, reason }), { kind: 'error' });
      return null;
    } finally {
      focusCard(task.id);
    }
  };

  const indexIn = (status, id) => data.columns.get(status).tasks.findIndex((item) => item.id === id);

  enableDrag(columnsElement, {
    onStart: (card) => {
      dragging = true;
      announce(t('board.pickedUp', { key: card.dataset.taskKey }));
    },
    onCancel: (card) => {
      dragging = false;
      renderColumns(new Set([...pending, ...columns]));
      pending = new Set();
      announce(t('board.dropCancelled', { key: card.dataset.taskKey }));
    },
    onDrop: ({ card, status, beforeCard, afterCard }) => {
      dragging = false;
      const task = data.byID.get(card.dataset.taskId);
      const flush = new Set(pending);
      pending = new Set();
      if (!task) {
        renderColumns(new Set([...flush, ...columns]));
        return;
      }
      let index;
      if (beforeCard) index = indexIn(status, beforeCard.dataset.taskId);
      else if (afterCard) index = indexIn(status, afterCard.dataset.taskId) + 1;
      else index = 0;
      const unchanged = task.status === status && (index === indexIn(status, task.id) || index === indexIn(status, task.id) + 1);
      if (!data.boardOrder && task.status === status) {
        toast(t('board.reorderNeedsBoardOrder'), { kind: 'info' });
        renderColumns(new Set([...flush, status]));
        return;
      }
      renderColumns(flush);
      if (unchanged || index < 0) {
        renderColumns([status]);
        return;
      }
      moveTo(task, status, index);
    },
  });

  const focusCard = (id) => {
    const previous = focusedID;
    focusedID = id;
    const task = data.byID.get(id);
    const before = previous ? data.byID.get(previous) : null;
    renderColumns(new Set([task?.status, before?.status].filter(Boolean)));
    const node = columnsElement.querySelector(`[data-task-id="${CSS.escape(id)}"]`);
    node?.focus();
    node?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };

  boardKeys(columnsElement, {
    data, views, visibleColumns,
    focused: () => (focusedID ? data.byID.get(focusedID) : null),
    focus: focusCard,
    open: (task, edit) => onOpenTask(task, { edit }),
    toggle: toggleSelected,
    move: moveTo,
  });

  columnsElement.addEventListener('click', (event) => {
    const card = event.target.closest('.card');
    if (!card) return;
    const task = data.byID.get(card.dataset.taskId);
    if (!task) return;
    if (event.target.closest('.card-select')) {
      event.preventDefault();
      toggleSelected(task);
      return;
    }
    if (event.shiftKey || event.metaKey || event.ctrlKey) {
      event.preventDefault();
      toggleSelected(task);
      return;
    }
    event.preventDefault();
    focusedID = task.id;
    onOpenTask(task, {});
  });
  columnsElement.addEventListener('focusin', (event) => {
    const card = event.target.closest?.('.card');
    if (card && card.dataset.taskId !== focusedID) {
      const previous = focusedID;
      focusedID = card.dataset.taskId;
      // Only the roving tabindex changes; no re-render while focus moves.
      if (previous) columnsElement.querySelector(`[data-task-id="${CSS.escape(previous)}"]`)?.setAttribute('tabindex', '-1');
      card.setAttribute('tabindex', '0');
    }
  });

  replace(container,
    h('h1', { class: 'visually-hidden', text: t('board.title') }),
    filterElement, truncatedNotice, bulk.element, columnTabs, columnsElement);
  layout();
  const ready = load();

  return {
    ready,
    data,
    applyEvent(event) {
      if (event.type === 'directory') {
        // A worker's loop or a person's name changed: cards re-render where their signature did.
        renderColumns(new Set(columns));
        return;
      }
      if (event.type.startsWith('task.')) {
        if (data.filter.q) {
          // Matching a search needs the server's index: ask again, quietly.
          clearTimeout(this.searchTimer);
          this.searchTimer = setTimeout(() => data.load(visibleColumns()), 300);
          return;
        }
        data.apply(event);
        data.refreshAround(event);
      } else if (event.type === 'comment.created' || event.type.startsWith('dependency.')) {
        data.apply(event);
        data.refreshAround(event);
      }
    },
    refreshDirectory() {
      const next = bar();
      filterElement.replaceWith(next);
      filterElement = next;
      renderColumns(new Set(columns));
    },
    reload: () => load(),
    focusSearch() {
      container.querySelector('#board-search')?.focus();
    },
    setFilter,
    /** Tasks on screen in order, for the palette and the panel's neighbours. */
    task: (id) => data.byID.get(id),
    restoreFocus() {
      if (focusedID) focusCard(focusedID);
    },
    taskCount: (status) => tn('board.taskCount', data.columns.get(status).count),
  };
}
