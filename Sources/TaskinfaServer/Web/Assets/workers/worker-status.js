// How a worker is described wherever it appears: its state from the heartbeat, what it works on
// ("WEB-42 · loop 3/50") and its record.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

const taskKeys = new Map();

/** The key of a task by id, read once and remembered (a worker's current task). */
export async function taskKey(taskID) {
  if (!taskID) return null;
  if (!taskKeys.has(taskID)) {
    taskKeys.set(taskID, api.get(`/tasks/${encodeURIComponent(taskID)}`).then((task) => task.key).catch(() => null));
  }
  return taskKeys.get(taskID);
}

export function statusBadge(worker) {
  const state = worker.enabled === false ? 'disabled' : worker.status;
  return h('span', { class: ['badge', `worker-${state}`], dataset: { state } }, t(`workers.status.${state}`));
}

export function successRate(worker) {
  const runs = worker.tasks_succeeded + worker.tasks_failed;
  return runs ? `${Math.round((worker.tasks_succeeded / runs) * 100)} %` : '—';
}

/** "WEB-42 · loop 3/50", filled in once the task's key is known. */
export function currentWork(worker) {
  const element = h('span', { class: 'current-work' });
  if (!worker.current_task_id) {
    element.textContent = '—';
    return element;
  }
  const loop = worker.current_loop ? t('workers.loop', { loop: worker.current_loop, max: worker.configuration.max_loops }) : '';
  element.textContent = loop || '…';
  taskKey(worker.current_task_id).then((key) => {
    element.textContent = [key, loop].filter(Boolean).join(' · ') || '—';
  });
  return element;
}
