// The execution settings of a worker, one form for the wizard's third step and the worker's page:
// the agent CLI (a preset or any command), model, the loop's limits and breakers, timeouts, the
// projects it may work on and its sandbox. Every value starts at what the server holds, so the
// defaults are visible; field names are the API's (`configuration.max_loops`), so the server's
// errors land beside their field.
import { h } from '../dom.js';
import { field } from '../forms.js';
import { t } from '../i18n.js';

const executors = ['claude', 'codex', 'gemini', 'opencode', 'aider', 'command'];
const numbers = [
  ['max_loops', 1, 500],
  ['no_progress_limit', 1, 100],
  ['error_limit', 1, 100],
  ['retry_limit', 1, 50],
  ['loop_timeout_seconds', 5, 86400],
  ['task_timeout_seconds', 10, 604800],
];

/** → {element, value()}: the fieldset and the configuration it describes now. */
export function workerConfigFields(configuration, { projects }) {
  const name = (key) => `configuration.${key}`;
  const executor = field({
    label: t('workerConfig.executor'), name: name('executor'), type: 'select', value: configuration.executor,
    options: executors.map((value) => ({ value, label: t(`workerConfig.executor.${value}`) })),
  });
  const command = field({
    label: t('workerConfig.command'), name: name('agent_command'), value: configuration.agent_command ?? '',
    hint: t('workerConfig.commandHint'), spellcheck: 'false',
  });
  const model = field({ label: t('workerConfig.model'), name: name('model'), value: configuration.model ?? '', hint: t('workerConfig.modelHint') });
  const limits = numbers.map(([key, min, max]) => field({
    label: t(`workerConfig.${key}`), name: name(key), type: 'number', value: String(configuration[key]), min, max, required: true,
    hint: t('workerConfig.range', { min, max }),
  }));
  const sandbox = field({
    label: t('workerConfig.sandbox'), name: name('sandbox'), type: 'select', value: configuration.sandbox ?? 'auto',
    options: ['auto', 'bubblewrap', 'none'].map((value) => ({ value, label: t(`workerConfig.sandbox.${value}`) })),
    hint: t('workerConfig.sandboxHint'),
  });
  const allowed = new Set(configuration.allowed_project_ids ?? []);
  const boxes = projects.map((project) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: project.id, checked: allowed.has(project.id) }), ` ${project.name} (${project.key})`));
  const projectsField = h('fieldset', { class: 'field', dataset: { field: name('allowed_project_ids') } },
    h('legend', { text: t('workerConfig.projects') }),
    h('p', { class: 'hint', text: t('workerConfig.projectsHint') }),
    boxes.length ? h('div', { class: 'checks' }, boxes) : h('p', { class: 'hint', text: t('workerConfig.noProjects') }),
    h('p', { class: 'field-error', hidden: true }));
  const showCommand = () => { command.hidden = executor.control.value !== 'command'; };
  executor.control.addEventListener('change', showCommand);
  showCommand();
  const element = h('div', { class: 'worker-config' },
    h('div', { class: 'field-grid' }, executor, model, sandbox), command,
    h('h3', { class: 'subheading', text: t('workerConfig.limits') }),
    h('div', { class: 'field-grid' }, limits),
    projectsField);
  return {
    element,
    value() {
      const result = {
        executor: executor.control.value,
        agent_command: executor.control.value === 'command' ? command.control.value.trim() || null : null,
        model: model.control.value.trim() || null,
        sandbox: sandbox.control.value,
        allowed_project_ids: boxes.map((box) => box.querySelector('input')).filter((input) => input.checked).map((input) => input.value),
      };
      numbers.forEach(([key], index) => { result[key] = Number(limits[index].control.value); });
      return result;
    },
  };
}
