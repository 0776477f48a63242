// A project's people: each member's role in this project (lead, contributor, viewer, or none —
// then their workspace role applies). Admins and owners keep their own role everywhere.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { openDialog } from '../shell/dialog.js';
import { toast, toastError } from '../shell/toast.js';

export function openProjectPeople({ workspaceID, project }) {
  const body = h('div', { class: 'dialog-body project-people' }, h('p', { class: 'hint', text: t('projectPeople.loading') }));
  openDialog({ title: t('projectPeople.title', { name: project.name }), content: body, wide: true });
  const load = async () => {
    const [members, roles] = await Promise.all([
      api.get(`/workspaces/${encodeURIComponent(workspaceID)}/members`),
      api.get(`/projects/${encodeURIComponent(project.id)}/members`),
    ]);
    const held = new Map(roles.members.map((member) => [member.user.id, member.role]));
    replace(body,
      h('p', { class: 'hint', text: t('projectPeople.explain') }),
      h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden', text: t('projectPeople.title', { name: project.name }) }),
        h('thead', {}, h('tr', {}, ['projectPeople.person', 'projectPeople.workspaceRole', 'projectPeople.projectRole'].map((key) => h('th', { scope: 'col', text: t(key) })))),
        h('tbody', {}, members.members.map((member) => {
          const runsWorkspace = ['admin', 'owner'].includes(member.role);
          const select = h('select', {
            'aria-label': t('projectPeople.roleOf', { name: member.user.name }), disabled: runsWorkspace,
          }, ['', 'lead', 'contributor', 'viewer'].map((value) => h('option', { value, selected: (held.get(member.user.id) ?? '') === value },
            value ? t(`projectRole.${value}`) : t('projectPeople.none'))));
          select.addEventListener('change', async () => {
            const path = `/projects/${encodeURIComponent(project.id)}/members/${encodeURIComponent(member.user.id)}`;
            try {
              if (select.value) await api.put(path, { role: select.value });
              else await api.delete(path);
              toast(t('projectPeople.saved', { name: member.user.name }));
            } catch (error) {
              toastError(error);
              load();
            }
          });
          return h('tr', {},
            h('td', {}, h('span', { text: member.user.name }), h('span', { class: 'hint block', text: member.user.email })),
            h('td', { text: t(`role.${member.role}`) }),
            h('td', {}, runsWorkspace ? h('span', { class: 'hint', text: t('projectPeople.everywhere') }) : select));
        }))));
  };
  load().catch((error) => toastError(error, load));
}
