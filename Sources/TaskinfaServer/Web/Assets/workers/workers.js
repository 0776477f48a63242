// The workers page: every bot with its state, what it works on, when it was last heard from and
// its record. It follows the event stream (a worker's state, task or loop changing is an event)
// and re-reads every 30 s besides, because a worker going silent is the absence of an event.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { paths } from '../router.js';
import { currentWork, statusBadge, successRate } from './worker-status.js';

export function workersPage(container, { workspaceID }) {
  const list = h('div', { class: 'workers-list', 'aria-live': 'polite', 'aria-busy': 'true' });
  replace(container, h('div', { class: 'page workers' },
    h('div', { class: 'page-head' },
      h('h1', { text: t('workers.title') }),
      h('a', { class: 'button primary', href: paths.newWorker(workspaceID) }, t('workers.add'))),
    h('p', { class: 'lead', text: t('workers.lead') }),
    list));
  let pending = null;
  const load = async () => {
    const { workers } = await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/workers`);
    list.removeAttribute('aria-busy');
    if (!workers.length) {
      replace(list, h('div', { class: 'empty' }, h('p', { text: t('workers.none') }),
        h('a', { class: 'button primary', href: paths.newWorker(workspaceID) }, t('workers.addFirst'))));
      return;
    }
    replace(list, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('workers.title') }),
      h('thead', {}, h('tr', {}, ['workers.name', 'workers.state', 'workers.specializations', 'workers.current', 'workers.lastSeen', 'workers.done', 'workers.successRate']
        .map((key) => h('th', { scope: 'col', text: t(key) })))),
      h('tbody', {}, workers.map((worker) => h('tr', { dataset: { workerId: worker.id } },
        h('td', {}, h('a', { href: paths.worker(workspaceID, worker.id) }, worker.name),
          h('div', { class: 'hint', text: t(`workerConfig.executor.${worker.configuration.executor}`) })),
        h('td', {}, statusBadge(worker), worker.status === 'error' && worker.status_message ? h('div', { class: 'hint', text: worker.status_message }) : null),
        h('td', {}, worker.specializations.length ? worker.specializations.map((tag) => h('span', { class: 'label', text: tag })) : '—'),
        h('td', {}, currentWork(worker)),
        h('td', {}, worker.last_heartbeat_at
          ? h('time', { datetime: worker.last_heartbeat_at, title: formatDateTime(worker.last_heartbeat_at), text: formatRelative(worker.last_heartbeat_at) })
          : t('workers.never')),
        h('td', { text: String(worker.tasks_succeeded) }),
        h('td', { text: successRate(worker) }))))));
  };
  const refresh = () => {
    // Several events in a burst make one read.
    pending ??= setTimeout(() => { pending = null; load().catch(() => {}); }, 150);
  };
  load().catch((error) => replace(list, h('p', { class: 'form-error', role: 'alert', text: error.message })));
  const timer = setInterval(refresh, 30_000);
  return {
    applyEvent(event) {
      if (event.type.startsWith('worker.') || event.type.startsWith('execution.')) refresh();
    },
    close() { clearInterval(timer); clearTimeout(pending); },
  };
}
