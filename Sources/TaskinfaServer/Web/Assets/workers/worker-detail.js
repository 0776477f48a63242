// One worker: its state, its configuration (saved changes reach the running worker with its next
// heartbeat), a new key (the old one stops at once), disable/enable, delete, and what it ran.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, formatDuration, formatRelative, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { copyField } from '../shell/copy.js';
import { confirmDialog, openDialog } from '../shell/dialog.js';
import { toast, toastError } from '../shell/toast.js';
import { workerConfigFields } from './worker-config.js';
import { currentWork, statusBadge, successRate } from './worker-status.js';

export function workerDetail(container, { workspaceID, workerID, directory }) {
  const summary = h('div', { class: 'worker-summary' });
  const settings = h('section', { class: 'card-section', 'aria-labelledby': 'worker-settings' });
  const history = h('section', { class: 'card-section', 'aria-labelledby': 'worker-history' });
  const title = h('h1', { text: t('workers.title') });
  replace(container, h('div', { class: 'page worker-detail' },
    h('p', { class: 'crumbs' }, h('a', { href: paths.workers(workspaceID) }, t('workers.title'))),
    title, summary, settings, history));
  let worker = null;
  const base = `/workers/${encodeURIComponent(workerID)}`;

  const renderSummary = () => {
    title.textContent = worker.name;
    replace(summary,
      h('dl', { class: 'facts' },
        h('dt', { text: t('workers.state') }), h('dd', {}, statusBadge(worker), worker.status_message ? ` ${worker.status_message}` : ''),
        h('dt', { text: t('workers.current') }), h('dd', {}, currentWork(worker)),
        h('dt', { text: t('workers.lastSeen') }), h('dd', { text: worker.last_heartbeat_at ? formatRelative(worker.last_heartbeat_at) : t('workers.never') }),
        h('dt', { text: t('workers.record') }), h('dd', { text: t('workers.recordValue', { done: worker.tasks_succeeded, failed: worker.tasks_failed, rate: successRate(worker) }) })),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary', dataset: { action: 'toggle' }, onclick: toggle }, worker.enabled ? t('workers.disable') : t('workers.enable')),
        h('button', { type: 'button', class: 'secondary', onclick: rotate }, t('workers.rotate')),
        h('button', { type: 'button', class: 'danger', onclick: remove }, t('workers.delete'))));
  };

  const renderSettings = () => {
    const name = field({ label: t('workers.name'), name: 'name', value: worker.name, required: true, maxlength: 100 });
    const tags = field({ label: t('workers.specializations'), name: 'specializations', value: worker.specializations.join(', '), hint: t('wizard.tagsHint') });
    const config = workerConfigFields(worker.configuration, { projects: directory.projects() });
    const form = h('form', { class: 'form', novalidate: true },
      h('h2', { id: 'worker-settings', text: t('workers.settings') }),
      h('p', { class: 'hint', text: t('workers.settingsHint') }),
      h('div', { class: 'field-grid' }, name, tags), config.element,
      h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('action.save'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(form, async () => {
        try {
          worker = await api.patch(base, {
            name: name.control.value.trim(),
            specializations: tags.control.value.split(',').map((tag) => tag.trim()).filter(Boolean),
            configuration: config.value(),
          });
          renderSummary();
          toast(t('workers.saved'));
        } catch (error) {
          showErrors(form, error);
        }
      });
    });
    replace(settings, form);
  };

  const loadHistory = async () => {
    const { executions } = await api.get(`${base}/executions`, { limit: 50 });
    replace(history, h('h2', { id: 'worker-history', text: t('workers.history') }),
      executions.length ? h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden', text: t('workers.history') }),
        h('thead', {}, h('tr', {}, ['workers.task', 'executions.state', 'executions.loops', 'executions.started', 'executions.duration']
          .map((key) => h('th', { scope: 'col', text: t(key) })))),
        h('tbody', {}, executions.map(({ execution, task_key: key, task_title: taskTitle }) => h('tr', {},
          h('td', {}, h('a', { href: paths.task(workspaceID, key) }, key), ' ', h('span', { text: taskTitle })),
          h('td', {}, h('span', { class: ['badge', `execution-${execution.status}`], text: t(`executions.status.${execution.status}`) }),
            execution.reason ? h('div', { class: 'hint', text: execution.reason }) : null),
          h('td', { text: String(execution.loops) }),
          h('td', {}, h('time', { datetime: execution.started_at, text: formatDateTime(execution.started_at) })),
          h('td', { text: duration(execution) })))))
        : h('p', { class: 'hint', text: t('workers.noHistory') }));
  };

  async function toggle() {
    try {
      worker = await api.patch(base, { enabled: !worker.enabled });
      renderSummary();
      toast(worker.enabled ? t('workers.enabled') : t('workers.disabled'));
    } catch (error) {
      toastError(error);
    }
  }

  async function rotate() {
    const confirmed = await confirmDialog({ title: t('workers.rotate'), message: t('workers.rotateConfirm', { name: worker.name }), confirmLabel: t('workers.rotate') });
    if (!confirmed) return;
    try {
      const created = await api.post(`${base}/rotate-key`);
      openDialog({
        title: t('workers.newKey'), wide: true,
        content: (close) => h('div', { class: 'dialog-body form' },
          h('p', { class: 'warning', role: 'alert', text: t('wizard.secretOnce') }),
          copyField({ value: created.secret, label: t('keys.secret') }),
          copyField({ value: created.command, label: t('wizard.command') }),
          h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('keys.done')))),
      });
    } catch (error) {
      toastError(error);
    }
  }

  async function remove() {
    const confirmed = await confirmDialog({ title: t('workers.delete'), message: t('workers.deleteConfirm', { name: worker.name }), confirmLabel: t('action.delete'), danger: true });
    if (!confirmed) return;
    try {
      await api.delete(base);
      toast(t('workers.deleted', { name: worker.name }));
      navigate(paths.workers(workspaceID));
    } catch (error) {
      toastError(error);
    }
  }

  const load = async () => {
    await directory.ready;
    worker = await api.get(base);
    renderSummary();
    renderSettings();
    await loadHistory();
  };
  load().catch((error) => replace(summary, h('p', { class: 'form-error', role: 'alert', text: error.message })));
  return {
    applyEvent(event) {
      if (event.type === 'worker.updated' && event.data?.worker?.id === workerID) {
        api.get(base).then((fresh) => { worker = fresh; renderSummary(); }).catch(() => {});
      }
      if (event.type === 'execution.finished' && event.data?.execution?.worker_id === workerID) loadHistory().catch(() => {});
    },
    close() {},
  };
}

/** How long an execution ran ("—" while it runs). */
export function duration(execution) {
  if (!execution.finished_at) return '—';
  return formatDuration((new Date(execution.finished_at) - new Date(execution.started_at)) / 1000);
}
