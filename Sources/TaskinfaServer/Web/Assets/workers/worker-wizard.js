// Adding a worker in five steps (plan §5.5): 1 name and specialisations; 2 the key is made and the
// exact command and a compose service are shown (the secret once); 3 execution settings, defaults
// visible; 4 copy and run; 5 "waiting for the first heartbeat…" until the worker says hello, which
// the page learns from the event stream the moment it happens.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { copyField } from '../shell/copy.js';
import { announce } from '../shell/toast.js';
import { workerConfigFields } from './worker-config.js';

const steps = ['name', 'key', 'settings', 'run', 'connect'];

export function workerWizard(container, { workspaceID, directory }) {
  let created = null;
  let step = 0;
  let onHeartbeat = null;
  const progress = h('ol', { class: 'wizard-steps', 'aria-label': t('wizard.progress') });
  const body = h('div', { class: 'wizard-body' });
  replace(container, h('div', { class: 'page wizard' },
    h('h1', { text: t('wizard.title') }), progress, body));

  const show = (index) => {
    step = index;
    replace(progress, steps.map((name, position) => h('li', {
      class: ['wizard-step', position < step && 'done'], 'aria-current': position === step ? 'step' : undefined,
    }, h('span', { class: 'wizard-number', text: String(position + 1) }), ` ${t(`wizard.step.${name}`)}`)));
    const render = [nameStep, keyStep, settingsStep, runStep, connectStep][index];
    replace(body, render());
    body.querySelector('h2')?.focus();
  };
  const heading = (name) => h('h2', { tabindex: '-1', text: t(`wizard.heading.${name}`) });
  const next = (label = t('action.continue')) => h('button', { type: 'submit', class: 'primary' }, label);

  function nameStep() {
    const name = field({ label: t('workers.name'), name: 'name', required: true, autofocus: true, maxlength: 100, hint: t('wizard.nameHint') });
    const tags = field({ label: t('workers.specializations'), name: 'specializations', hint: t('wizard.tagsHint') });
    const form = h('form', { class: 'form', novalidate: true }, heading('name'), name, tags, h('div', { class: 'row-actions' },
      h('a', { class: 'button secondary', href: paths.workers(workspaceID) }, t('action.cancel')), next(t('wizard.createKey'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(form, async () => {
        try {
          const specializations = tags.control.value.split(',').map((tag) => tag.trim()).filter(Boolean);
          created = await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/workers`, { name: name.control.value.trim(), specializations });
          show(1);
        } catch (error) {
          showErrors(form, error);
        }
      });
    });
    return form;
  }

  const commands = () => [
    copyField({ value: created.command, label: t('wizard.command'), id: 'worker-command' }),
    h('details', { class: 'compose' }, h('summary', { text: t('wizard.compose') }),
      copyField({ value: created.compose_service, label: t('wizard.composeFile'), multiline: true, id: 'worker-compose' })),
  ];

  function keyStep() {
    const form = h('form', { class: 'form' }, heading('key'),
      h('p', { class: 'warning', role: 'alert', text: t('wizard.secretOnce') }),
      copyField({ value: created.secret, label: t('keys.secret'), id: 'worker-secret' }),
      ...commands(),
      h('div', { class: 'row-actions' }, next()));
    form.addEventListener('submit', (event) => { event.preventDefault(); show(2); });
    return form;
  }

  function settingsStep() {
    const config = workerConfigFields(created.worker.configuration, { projects: directory.projects() });
    const form = h('form', { class: 'form', novalidate: true }, heading('settings'),
      h('p', { class: 'lead', text: t('wizard.settingsLead') }), config.element,
      h('div', { class: 'row-actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => show(1) }, t('wizard.back')), next(t('wizard.saveSettings'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(form, async () => {
        try {
          created.worker = await api.patch(`/workers/${encodeURIComponent(created.worker.id)}`, { configuration: config.value() });
          show(3);
        } catch (error) {
          showErrors(form, error);
        }
      });
    });
    return form;
  }

  function runStep() {
    const form = h('form', { class: 'form' }, heading('run'),
      h('p', { class: 'lead', text: t('wizard.runLead') }),
      ...commands(),
      h('p', { class: 'hint', text: t('wizard.runHint') }),
      h('div', { class: 'row-actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => show(2) }, t('wizard.back')), next(t('wizard.started'))));
    form.addEventListener('submit', (event) => { event.preventDefault(); show(4); });
    return form;
  }

  function connectStep() {
    const status = h('p', { class: 'connect-status', role: 'status', dataset: { state: 'waiting' } },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('wizard.waiting', { name: created.worker.name }));
    const done = h('a', { class: 'button primary', href: paths.worker(workspaceID, created.worker.id), hidden: true }, t('wizard.openWorker'));
    const connected = (worker) => {
      status.dataset.state = 'connected';
      replace(status, t('wizard.connected', { name: worker.name }));
      done.hidden = false;
      announce(t('wizard.connected', { name: worker.name }));
      onHeartbeat = null;
    };
    onHeartbeat = connected;
    // It may have said hello already (while the person read the previous step).
    api.get(`/workers/${encodeURIComponent(created.worker.id)}`).then((worker) => {
      if (worker.last_heartbeat_at && onHeartbeat) connected(worker);
    }).catch(() => {});
    return h('div', { class: 'form' }, heading('connect'), status,
      h('details', {}, h('summary', { text: t('wizard.showCommand') }), ...commands()),
      h('div', { class: 'row-actions' }, h('a', { class: 'button secondary', href: paths.workers(workspaceID) }, t('wizard.allWorkers')), done));
  }

  show(0);
  return {
    applyEvent(event) {
      const worker = event.data?.worker;
      if (!onHeartbeat || !created || event.type !== 'worker.updated' || worker?.id !== created.worker.id) return;
      if (worker.last_heartbeat_at) onHeartbeat(worker);
    },
    close() {},
    leave: () => navigate(paths.workers(workspaceID)),
  };
}
