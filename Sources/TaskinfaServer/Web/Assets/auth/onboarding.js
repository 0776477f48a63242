// First run: name the workspace, create its first project, land on its board. "New workspace"
// uses the same two steps.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { loadSession, workspace as findWorkspace } from '../session.js';

export function onboardingPage(route, { creating = false } = {}) {
  const main = h('main', { class: 'auth-page', id: 'main' });
  const card = h('div', { class: 'auth-card auth-card-wide' });
  main.append(card);
  let workspaceID = route.query.get('workspace');

  const stepHeader = (number, title, text) => [
    h('p', { class: 'step', text: t('onboarding.step', { number, total: 2 }) }),
    h('h1', { text: title }),
    h('p', { class: 'lead', text }),
  ];

  const workspaceStep = () => {
    const existing = workspaceID ? findWorkspace(workspaceID) : null;
    const name = field({ label: t('onboarding.workspaceName'), name: 'name', value: creating ? '' : existing?.name ?? '', required: true, autofocus: true });
    const form = h('form', { class: 'form', novalidate: true }, name,
      h('button', { type: 'submit', class: 'primary wide' }, t('action.continue')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(form, async () => {
        try {
          const value = name.control.value.trim();
          if (creating || !workspaceID) {
            const created = await api.post('/workspaces', { name: value });
            workspaceID = created.id;
          } else {
            await api.patch(`/workspaces/${encodeURIComponent(workspaceID)}`, { name: value });
          }
          await loadSession();
          projectStep();
        } catch (error) {
          showErrors(form, error);
        }
      });
    });
    replace(card, stepHeader(1, creating ? t('onboarding.newWorkspace') : t('onboarding.welcome'), t('onboarding.workspaceLead')), form);
    name.control.focus();
  };

  const projectStep = () => {
    const name = field({ label: t('project.name'), name: 'name', required: true, autofocus: true });
    const key = field({ label: t('project.key'), name: 'key', hint: t('project.keyHint'), maxlength: 10 });
    const repository = field({ label: t('project.repository'), name: 'repository_url', type: 'url', hint: t('project.repositoryHint') });
    const branch = field({ label: t('project.branch'), name: 'default_branch', value: 'main' });
    name.control.addEventListener('input', () => {
      if (key.control.dataset.touched) return;
      key.control.value = name.control.value.replace(/[^A-Za-z0-9]/g, '').slice(0, 3).toUpperCase();
    });
    key.control.addEventListener('input', () => { key.control.dataset.touched = 'true'; });
    const form = h('form', { class: 'form', novalidate: true }, name, key, repository, branch,
      h('button', { type: 'submit', class: 'primary wide' }, t('onboarding.createProject')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(form, async () => {
        try {
          await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/projects`, {
            name: name.control.value.trim(),
            key: key.control.value.trim() || undefined,
            repository_url: repository.control.value.trim() || null,
            default_branch: branch.control.value.trim() || undefined,
          });
          navigate(paths.board(workspaceID), { replace: true });
        } catch (error) {
          showErrors(form, error);
        }
      });
    });
    replace(card, stepHeader(2, t('onboarding.firstProject'), t('onboarding.projectLead')), form,
      h('p', { class: 'auth-footer' }, h('a', { href: paths.board(workspaceID) }, t('onboarding.skip'))));
    name.control.focus();
  };

  workspaceStep();
  return main;
}
