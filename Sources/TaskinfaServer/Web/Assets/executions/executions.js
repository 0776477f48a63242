// The agents' attempts at a task, newest first, on the task panel: who ran it, how it went (loops,
// errors, files, tokens and cost, the breaker that stopped it), branch and commit; the live log of
// each (opened by itself for a running one); Stop; and the review of its changes.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, t, tn } from '../i18n.js';
import { openDiffReview } from '../review/diff-view.js';
import { toast, toastError } from '../shell/toast.js';
import { duration } from '../workers/worker-detail.js';
import { logViewer } from './log-viewer.js';

export function executionsSection(task, { directory, onReviewed }) {
  const list = h('div', { class: 'executions' });
  const viewers = new Map();
  let current = task;

  const facts = (execution) => {
    const items = [
      [t('executions.started'), formatDateTime(execution.started_at)],
      [t('executions.duration'), execution.finished_at ? duration(execution) : t('executions.status.running')],
      [t('executions.loops'), String(execution.loops)],
      [t('executions.errors'), String(execution.errors)],
      [t('executions.files'), tn('executions.fileCount', execution.files_changed.length)],
    ];
    if (execution.input_tokens != null || execution.output_tokens != null) {
      items.push([t('executions.tokens'), t('executions.tokenValue', { input: execution.input_tokens ?? 0, output: execution.output_tokens ?? 0 })]);
    }
    if (execution.cost_usd != null) items.push([t('executions.cost'), `$${execution.cost_usd.toFixed(4)}`]);
    if (execution.executor) items.push([t('executions.agent'), [execution.executor, execution.model].filter(Boolean).join(' · ')]);
    if (execution.branch) items.push([t('executions.branch'), `${execution.branch}${execution.commit ? ` @ ${execution.commit.slice(0, 10)}` : ''}`]);
    return h('dl', { class: 'facts compact' }, items.flatMap(([label, value]) => [h('dt', { text: label }), h('dd', { text: value })]));
  };

  const card = (execution) => {
    const logHost = h('div', { class: 'log-host' });
    const toggleLog = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false' }, t('logs.show'));
    const showLog = () => {
      let viewer = viewers.get(execution.id);
      if (!viewer) {
        viewer = logViewer({ taskID: task.id, executionID: execution.id, running: execution.status === 'running' });
        viewers.set(execution.id, viewer);
      }
      logHost.replaceChildren(viewer.element);
      toggleLog.setAttribute('aria-expanded', 'true');
      toggleLog.textContent = t('logs.hide');
    };
    toggleLog.addEventListener('click', () => {
      if (toggleLog.getAttribute('aria-expanded') === 'true') {
        logHost.replaceChildren();
        toggleLog.setAttribute('aria-expanded', 'false');
        toggleLog.textContent = t('logs.show');
      } else showLog();
    });
    const actions = [toggleLog];
    if (execution.status === 'running') {
      const stop = h('button', {
        type: 'button', class: 'danger small', disabled: Boolean(execution.cancel_requested_at),
        'aria-label': t('executions.stopNamed', { attempt: execution.attempt }),
      }, execution.cancel_requested_at ? t('executions.stopping') : t('executions.stop'));
      stop.addEventListener('click', async () => {
        stop.disabled = true;
        try {
          await api.post(`/tasks/${encodeURIComponent(task.id)}/executions/${encodeURIComponent(execution.id)}/cancel`);
          stop.textContent = t('executions.stopping');
          toast(t('executions.stopRequested'));
        } catch (error) {
          stop.disabled = false;
          toastError(error);
        }
      });
      actions.push(stop);
    }
    if (execution.kind === 'task' && execution.status === 'succeeded') {
      actions.push(h('button', {
        type: 'button', class: 'primary small', 'data-review': execution.id,
        onclick: () => openDiffReview({ task: current, execution, onReviewed }),
      }, current.status === 'review' ? t('review.open') : t('review.view')));
    }
    const element = h('article', { class: 'execution', dataset: { executionId: execution.id, status: execution.status } },
      h('header', { class: 'execution-head' },
        h('span', { class: 'execution-title', text: t(execution.kind === 'reply' ? 'executions.replyTitle' : 'executions.attemptTitle', { attempt: execution.attempt, worker: directory.person(execution.worker_id).name }) }),
        h('span', { class: ['badge', `execution-${execution.status}`], text: t(`executions.status.${execution.status}`) })),
      execution.reason ? h('p', { class: 'execution-reason', text: execution.reason }) : null,
      execution.summary ? h('p', { class: 'hint', text: execution.summary }) : null,
      facts(execution),
      h('div', { class: 'row' }, actions),
      logHost);
    if (execution.status === 'running') queueMicrotask(showLog);
    return element;
  };

  const load = async () => {
    const result = await api.get(`/tasks/${encodeURIComponent(task.id)}/executions`);
    const executions = [...result.executions].reverse();
    // A viewer whose execution is gone from the page stops streaming; the others carry on.
    for (const [id, viewer] of viewers) {
      if (!executions.some((execution) => execution.id === id)) { viewer.close(); viewers.delete(id); }
    }
    replace(list, executions.length ? executions.map(card) : h('p', { class: 'hint', text: t('executions.none') }));
  };
  const element = h('section', { class: 'panel-section', 'aria-labelledby': `executions-${task.id}` },
    h('h3', { id: `executions-${task.id}`, text: t('executions.title') }), list);
  return {
    element,
    load,
    setTask(task) { current = task; },
    close() { for (const viewer of viewers.values()) viewer.close(); viewers.clear(); },
  };
}
