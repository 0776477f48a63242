// The workspace at a glance: a card per project (its columns' counts, agents running, tasks
// flagged for a person, the latest thing that happened) and the totals. It re-reads on any task
// or execution event, at most once a second.
import { api } from '../api.js';
import { columnName, columns } from '../board/columns.js';
import { h, replace } from '../dom.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { paths } from '../router.js';
import { describeEventType } from '../task-panel/history.js';

export function overviewPage(container, { workspaceID }) {
  const totals = h('div', { class: 'overview-totals' });
  const cards = h('div', { class: 'overview-cards' });
  replace(container, h('div', { class: 'page overview' },
    h('h1', { text: t('overview.title') }), totals, cards));
  let pending = null;

  const counts = (values) => h('dl', { class: 'column-counts' },
    columns.flatMap((status) => [h('dt', { text: columnName(status) }), h('dd', { text: String(values[status] ?? 0) })]));

  const load = async () => {
    const overview = await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/overview`);
    const sum = Object.fromEntries(columns.map((status) => [status, overview.projects.reduce((total, project) => total + project.counts[status], 0)]));
    const running = overview.projects.reduce((total, project) => total + project.running, 0);
    const flagged = overview.projects.reduce((total, project) => total + project.flagged, 0);
    replace(totals,
      h('section', { class: 'overview-card total', 'aria-labelledby': 'overview-total' },
        h('h2', { id: 'overview-total', text: t('overview.workspace') }), counts(sum),
        h('p', { class: 'overview-figures' },
          h('a', { href: paths.workers(workspaceID) }, t('overview.workersOnline', { online: overview.workers_online, total: overview.workers_total })), ' · ',
          t('overview.running', { count: running }), ' · ', t('overview.flagged', { count: flagged }))));
    replace(cards, overview.projects.length ? overview.projects.map((project) => h('section', {
      class: 'overview-card', 'aria-labelledby': `overview-${project.project_id}`, dataset: { projectId: project.project_id },
    },
    h('h2', { id: `overview-${project.project_id}` },
      h('a', { href: paths.board(workspaceID, `?project_id=${encodeURIComponent(project.project_id)}`) }, project.name), ' ',
      h('code', { text: project.key })),
    counts(project.counts),
    h('p', { class: 'overview-figures' },
      h('span', { class: project.running ? 'figure-live' : '', text: t('overview.running', { count: project.running }) }), ' · ',
      project.flagged
        ? h('a', { href: paths.board(workspaceID, `?project_id=${encodeURIComponent(project.project_id)}`), class: 'figure-flagged' }, t('overview.flagged', { count: project.flagged }))
        : t('overview.flagged', { count: 0 })),
    project.latest_event
      ? h('p', { class: 'hint' }, t('overview.latest', { who: project.latest_event.actor_name, what: describeEventType(project.latest_event.type), key: project.latest_event.task_key ?? '' }), ' ',
        h('time', { datetime: project.latest_event.created_at, title: formatDateTime(project.latest_event.created_at), text: formatRelative(project.latest_event.created_at) }))
      : h('p', { class: 'hint', text: t('overview.quiet') })))
      : h('p', { class: 'hint' }, t('overview.noProjects'), ' ', h('a', { href: paths.projects(workspaceID) }, t('overview.createProject'))));
  };
  load().catch((error) => replace(cards, h('p', { class: 'form-error', role: 'alert', text: error.message })));
  return {
    applyEvent(event) {
      if (!/^(task|execution|project|worker)\./.test(event.type)) return;
      pending ??= setTimeout(() => { pending = null; load().catch(() => {}); }, 1000);
    },
    close() { clearTimeout(pending); },
  };
}
