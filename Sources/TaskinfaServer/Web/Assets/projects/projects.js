// Projects: create, edit (name, key, description, repository, default branch), its people's
// project roles (project-people.js), delete with a confirmation that says what becomes of the
// project's tasks.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { t, tn } from '../i18n.js';
import { paths } from '../router.js';
import { confirmDialog, openDialog } from '../shell/dialog.js';
import { openProjectPeople } from './project-people.js';
import { toast, toastError } from '../shell/toast.js';

function projectForm(project, { submitLabel, onSubmit }) {
  const name = field({ label: t('project.name'), name: 'name', value: project?.name ?? '', required: true, autofocus: true });
  const key = field({ label: t('project.key'), name: 'key', value: project?.key ?? '', hint: project ? t('project.keyChangeHint') : t('project.keyHint'), maxlength: 10 });
  const description = field({ label: t('project.description'), name: 'description', type: 'textarea', rows: 3, value: project?.description ?? '' });
  const repository = field({ label: t('project.repository'), name: 'repository_url', type: 'url', value: project?.repository_url ?? '', hint: t('project.repositoryHint') });
  const branch = field({ label: t('project.branch'), name: 'default_branch', value: project?.default_branch ?? 'main' });
  const form = h('form', { class: 'form', novalidate: true }, name, key, description, repository, branch,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'primary' }, submitLabel)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await onSubmit({
          name: name.control.value.trim(),
          key: key.control.value.trim() || undefined,
          description: description.control.value.trim() || null,
          repository_url: repository.control.value.trim() || null,
          default_branch: branch.control.value.trim() || undefined,
        });
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return form;
}

export function projectsPage(container, { workspaceID, directory }) {
  const list = h('div', { class: 'project-list' });
  const render = async () => {
    await directory.load();
    const projects = directory.projects();
    replace(list, projects.length ? h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('projects.title') }),
      h('thead', {}, h('tr', {}, ['project.key', 'project.name', 'project.repository', 'project.branch', 'projects.actions'].map((key) => h('th', { scope: 'col', text: t(key) })))),
      h('tbody', {}, projects.map((project) => h('tr', { dataset: { projectId: project.id } },
        h('td', {}, h('code', { text: project.key })),
        h('td', {}, h('a', { href: paths.board(workspaceID, `?project_id=${encodeURIComponent(project.id)}`) }, project.name),
          project.description ? h('div', { class: 'hint', text: project.description }) : null),
        h('td', { text: project.repository_url ?? '—' }),
        h('td', {}, h('code', { text: project.default_branch })),
        h('td', {}, h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'secondary small', 'aria-label': t('projects.editNamed', { name: project.name }), onclick: () => edit(project) }, t('action.edit')),
          h('button', { type: 'button', class: 'secondary small', 'aria-label': t('projectPeople.openNamed', { name: project.name }), onclick: () => openProjectPeople({ workspaceID, project }) }, t('projectPeople.open')),
          h('button', { type: 'button', class: 'danger small', 'aria-label': t('projects.deleteNamed', { name: project.name }), onclick: () => remove(project) }, t('action.delete'))))))))
      : h('p', { class: 'hint', text: t('projects.none') }));
  };
  const create = () => {
    const { close } = openDialog({
      title: t('projects.new'),
      content: h('div', { class: 'dialog-body' }, projectForm(null, {
        submitLabel: t('projects.create'),
        onSubmit: async (body) => {
          await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/projects`, body);
          close();
          toast(t('projects.created', { name: body.name }));
          render();
        },
      })),
    });
  };
  const edit = (project) => {
    const { close } = openDialog({
      title: t('projects.edit', { name: project.name }),
      content: h('div', { class: 'dialog-body' }, projectForm(project, {
        submitLabel: t('action.save'),
        onSubmit: async (body) => {
          await api.patch(`/projects/${encodeURIComponent(project.id)}`, body);
          close();
          toast(t('projects.saved', { name: body.name }));
          render();
        },
      })),
    });
  };
  const remove = async (project) => {
    let count = 0;
    try {
      const counts = (await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/tasks/counts`, { project_id: project.id })).counts;
      count = Object.values(counts).reduce((sum, value) => sum + value, 0);
    } catch (error) {
      toastError(error);
      return;
    }
    if (count > 0) {
      openDialog({
        title: t('projects.deleteTitle', { name: project.name }),
        content: (close) => h('div', { class: 'dialog-body' },
          h('p', { text: tn('projects.stillHasTasks', count, { name: project.name }) }),
          h('div', { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.close')),
            h('a', { class: 'button primary', href: paths.board(workspaceID, `?project_id=${encodeURIComponent(project.id)}`), onclick: () => close() }, t('projects.showTasks')))),
      });
      return;
    }
    const sure = await confirmDialog({ title: t('projects.deleteTitle', { name: project.name }), message: t('projects.deleteEmpty', { name: project.name }), confirmLabel: t('action.delete'), danger: true });
    if (!sure) return;
    try {
      await api.delete(`/projects/${encodeURIComponent(project.id)}`);
      toast(t('projects.deleted', { name: project.name }));
      render();
    } catch (error) {
      toastError(error);
    }
  };
  replace(container, h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', { text: t('projects.title') }), h('button', { type: 'button', class: 'primary', onclick: create }, t('projects.new'))),
    list));
  render().catch((error) => toastError(error, render));
}
