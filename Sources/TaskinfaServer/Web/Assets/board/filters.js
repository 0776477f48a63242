// The board's filters and sort, mirrored in the address (a link reproduces the view), and the
// saved filters the API keeps per person.
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, showErrors } from '../forms.js';
import { t } from '../i18n.js';
import { openDialog } from '../shell/dialog.js';
import { toastError } from '../shell/toast.js';
import { columnName, columns, priorities, priorityName, today } from './columns.js';

const dueChoices = {
  overdue: () => ({ due_to: today(-1) }),
  today: () => ({ due_from: today(), due_to: today() }),
  week: () => ({ due_from: today(), due_to: today(7) }),
};

/** The filter the address describes. `due` is a preset the page turns into days. */
export function filterFromQuery(search) {
  const filter = {};
  for (const name of ['project_id', 'label', 'assignee', 'q', 'sort', 'order', 'due']) {
    const value = search.get(name);
    if (value) filter[name] = value;
  }
  const priority = search.getAll('priority').filter((value) => priorities.includes(value));
  if (priority.length) filter.priority = priority;
  const status = search.getAll('status').filter((value) => columns.includes(value));
  if (status.length) filter.status = status;
  return filter;
}

export function queryFromFilter(filter) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    for (const item of [].concat(value ?? [])) if (item !== '') search.append(name, item);
  }
  return search;
}

/** What the API is asked: the due preset becomes dates in the person's calendar. */
export function apiFilter(filter) {
  const { due, ...rest } = filter;
  return { ...rest, ...(dueChoices[due]?.() ?? {}) };
}

/** A control of the bar: its value says what it holds ("All projects", "Any priority"), and its
 *  name is its aria-label, so the bar stays one row without labels that sighted people skip. */
function compact(wrapper) {
  wrapper.classList.add('field-inline');
  wrapper.querySelector('label').remove();
}

/** The filter bar. onChange(filter) whenever a control changes. */
export function filterBar({ workspaceID, filter, projects, people, onChange }) {
  const current = { ...filter };
  const select = (name, label, options, value) => {
    const wrapper = field({ label, name, type: 'select', value: value ?? '', options, 'aria-label': label });
    compact(wrapper);
    wrapper.control.addEventListener('change', () => {
      const chosen = wrapper.control.value;
      if (name === 'priority' || name === 'status') current[name] = chosen ? [chosen] : undefined;
      else current[name] = chosen || undefined;
      emit();
    });
    return wrapper;
  };
  const emit = () => {
    for (const key of Object.keys(current)) if (current[key] === undefined) delete current[key];
    onChange({ ...current });
  };

  const search = h('input', {
    type: 'search', class: 'search', id: 'board-search', value: current.q ?? '', placeholder: t('filters.searchPlaceholder'),
    'aria-label': t('filters.search'), 'aria-keyshortcuts': '/',
  });
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      current.q = search.value.trim() || undefined;
      emit();
    }, 200);
  });

  const any = (label) => ({ value: '', label });
  const controls = [
    h('div', { class: 'field field-inline field-search' }, search),
    select('project_id', t('filters.project'), [any(t('filters.allProjects')), ...projects.map((p) => ({ value: p.id, label: `${p.key} · ${p.name}` }))], current.project_id),
    select('status', t('filters.column'), [any(t('filters.allColumns')), ...columns.map((c) => ({ value: c, label: columnName(c) }))], current.status?.[0]),
    select('priority', t('filters.priority'), [any(t('filters.anyPriority')), ...priorities.map((p) => ({ value: p, label: priorityName(p) }))], current.priority?.[0]),
    select('assignee', t('filters.assignee'), [any(t('filters.anyone')), { value: 'me', label: t('filters.me') }, { value: 'none', label: t('filters.unassigned') },
      ...people.map((person) => ({ value: person.id, label: person.bot ? `${person.name} (${t('card.botBadge')})` : person.name }))], current.assignee),
    select('due', t('filters.due'), [any(t('filters.anyDue')), { value: 'overdue', label: t('filters.overdue') }, { value: 'today', label: t('filters.dueToday') }, { value: 'week', label: t('filters.dueWeek') }], current.due),
    labelFilter(current, emit),
    sortSelect(current, emit),
    savedFilters(workspaceID, current, (chosen) => onChange(chosen)),
  ];
  return h('form', { class: 'filter-bar', role: 'search', 'aria-label': t('filters.title'), onsubmit: (event) => event.preventDefault() }, controls);
}

/** Sort and direction as one choice, each named for what comes first. */
const sorts = [
  ['', '', 'sort.position'], ['priority', '', 'sort.priority'], ['due_date', '', 'sort.due_date'],
  ['created_at', 'desc', 'sort.newest'], ['created_at', '', 'sort.oldest'], ['updated_at', 'desc', 'sort.updated_at'],
  ['title', '', 'sort.title'],
];

function sortSelect(current, emit) {
  const value = `${current.sort ?? ''}:${current.order ?? ''}`;
  const wrapper = field({
    label: t('filters.sort'), name: 'sort', type: 'select', value, 'aria-label': t('filters.sort'),
    options: sorts.map(([sort, order, label]) => ({ value: `${sort}:${order}`, label: t(label) })),
  });
  compact(wrapper);
  wrapper.control.addEventListener('change', () => {
    const [sort, order] = wrapper.control.value.split(':');
    current.sort = sort || undefined;
    current.order = order || undefined;
    emit();
  });
  return wrapper;
}

function labelFilter(current, emit) {
  const wrapper = field({ label: t('filters.label'), name: 'label', value: current.label ?? '', placeholder: t('filters.labelPlaceholder'), 'aria-label': t('filters.label') });
  compact(wrapper);
  wrapper.control.addEventListener('change', () => {
    current.label = wrapper.control.value.trim() || undefined;
    emit();
  });
  return wrapper;
}

/** Saved filters per workspace, read once per page load (the bar is rebuilt more often). */
const savedCache = new Map();

/** A menu of saved filters: apply one, save the current view, delete one. */
function savedFilters(workspaceID, current, apply) {
  const wrapper = field({ label: t('filters.saved'), name: 'saved', type: 'select', value: '', options: [{ value: '', label: t('filters.savedChoose') }], 'aria-label': t('filters.saved') });
  compact(wrapper);
  const control = wrapper.control;
  let saved = [];
  const fill = async (fresh = true) => {
    try {
      if (fresh || !savedCache.has(workspaceID)) {
        savedCache.set(workspaceID, api.get(`/workspaces/${encodeURIComponent(workspaceID)}/saved-filters`).then((list) => list.saved_filters));
      }
      saved = await savedCache.get(workspaceID);
    } catch {
      savedCache.delete(workspaceID);
      saved = [];
    }
    // (replaceChildren would write a null as the text "null".)
    control.replaceChildren(...[
      h('option', { value: '' }, t('filters.savedChoose')),
      ...saved.map((item) => h('option', { value: item.id }, item.name)),
      h('option', { value: '__save' }, t('filters.saveCurrent')),
      saved.length ? h('option', { value: '__manage' }, t('filters.manageSaved')) : null,
    ].filter(Boolean));
  };
  fill(false);
  control.addEventListener('change', async () => {
    const value = control.value;
    control.value = '';
    if (value === '__save') {
      saveDialog(workspaceID, current, fill);
    } else if (value === '__manage') {
      manageDialog(workspaceID, saved, fill);
    } else if (value) {
      const chosen = saved.find((item) => item.id === value);
      if (chosen) apply(fromSaved(chosen.filters));
    }
  });
  return wrapper;
}

function fromSaved(filters) {
  const { due_from: from, due_to: to, ...rest } = filters;
  return rest;
}

function saveDialog(workspaceID, current, done) {
  openDialog({
    title: t('filters.saveTitle'),
    content: (close) => {
      const name = field({ label: t('filters.saveName'), name: 'name', required: true, autofocus: true });
      const form = h('form', { class: 'dialog-body form', novalidate: true }, name,
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.cancel')),
          h('button', { type: 'submit', class: 'primary' }, t('action.save'))));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const { due, ...filters } = current;
        try {
          await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/saved-filters`, { name: name.control.value.trim(), filters });
          close();
          done();
        } catch (error) {
          showErrors(form, error);
        }
      });
      return form;
    },
  });
}

function manageDialog(workspaceID, saved, done) {
  openDialog({
    title: t('filters.manageSaved'),
    content: () => h('ul', { class: 'dialog-body plain-list' }, saved.map((item) => h('li', { class: 'row' },
      h('span', { text: item.name }),
      h('button', {
        type: 'button', class: 'danger small', 'aria-label': t('filters.deleteSaved', { name: item.name }),
        onclick: async (event) => {
          try {
            await api.delete(`/saved-filters/${encodeURIComponent(item.id)}`);
            event.target.closest('li').remove();
            done();
          } catch (error) {
            toastError(error);
          }
        },
      }, t('action.delete'))))),
  });
}
