// Members and invitations (settings → Members): who is in the workspace with which role, invite
// by e-mail (or, with no mail server, a link shown once to pass on), pending invitations with how
// their e-mail fared, resend and revoke; change a role, remove, leave, hand over ownership.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { navigate } from '../router.js';
import { currentUser, loadSession, workspace } from '../session.js';
import { copyField } from '../shell/copy.js';
import { confirmDialog, openDialog } from '../shell/dialog.js';
import { toast, toastError } from '../shell/toast.js';

const roles = ['owner', 'admin', 'member', 'viewer'];

/** The roles `myRole` may hand out: admins up to admin, owners any. */
export function grantableRoles(myRole) {
  return myRole === 'owner' ? roles : myRole === 'admin' ? roles.slice(1) : [];
}

export function membersSection(body, { workspaceID }) {
  const myRole = workspace(workspaceID)?.role ?? 'viewer';
  const me = currentUser();
  const canManage = myRole === 'owner' || myRole === 'admin';
  const base = `/workspaces/${encodeURIComponent(workspaceID)}`;
  const memberList = h('div');
  const invitationList = h('div');

  const loadMembers = async () => {
    const { members } = await api.get(`${base}/members`);
    replace(memberList, h('table', { class: 'table members-table' },
      h('caption', { class: 'visually-hidden', text: t('members.title') }),
      h('thead', {}, h('tr', {}, ['members.person', 'members.role', 'members.joined', 'projects.actions'].map((key) => h('th', { scope: 'col', text: t(key) })))),
      h('tbody', {}, members.map((member) => memberRow(member)))));
  };

  const memberRow = (member) => {
    const self = member.user.id === me?.id;
    const editable = canManage && !self && (myRole === 'owner' || member.role !== 'owner');
    const roleCell = editable
      ? roleSelect(member)
      : h('span', {}, t(`role.${member.role}`), self ? h('span', { class: 'badge', text: t('members.you') }) : null);
    const actions = [];
    if (self) actions.push(h('button', { type: 'button', class: 'danger small', onclick: () => leave() }, t('members.leave')));
    if (myRole === 'owner' && !self) {
      actions.push(h('button', {
        type: 'button', class: 'secondary small', 'aria-label': t('members.makeOwnerNamed', { name: member.user.name }),
        onclick: () => transfer(member),
      }, t('members.makeOwner')));
    }
    if (editable) {
      actions.push(h('button', {
        type: 'button', class: 'danger small', 'aria-label': t('members.removeNamed', { name: member.user.name }),
        onclick: () => remove(member),
      }, t('members.remove')));
    }
    return h('tr', { dataset: { userId: member.user.id } },
      h('td', {}, h('div', { class: 'person' }, h('strong', { text: member.user.name }), h('span', { class: 'hint', text: member.user.email }))),
      h('td', {}, roleCell),
      h('td', { text: formatDateTime(member.joined_at) }),
      h('td', {}, h('div', { class: 'row-actions' }, actions)));
  };

  const roleSelect = (member) => {
    const select = h('select', { 'aria-label': t('members.roleOf', { name: member.user.name }) },
      grantableRoles(myRole).map((value) => h('option', { value, selected: value === member.role }, t(`role.${value}`))));
    select.addEventListener('change', async () => {
      try {
        await api.patch(`${base}/members/${encodeURIComponent(member.user.id)}`, { role: select.value });
        toast(t('members.roleChanged', { name: member.user.name, role: t(`role.${select.value}`) }));
      } catch (error) {
        select.value = member.role;
        toastError(error);
      }
      loadMembers().catch(toastError);
    });
    return select;
  };

  const remove = async (member) => {
    const sure = await confirmDialog({
      title: t('members.removeTitle', { name: member.user.name }), message: t('members.removeMessage'), confirmLabel: t('members.remove'), danger: true,
    });
    if (!sure) return;
    try {
      await api.delete(`${base}/members/${encodeURIComponent(member.user.id)}`);
      toast(t('members.removed', { name: member.user.name }));
      loadMembers();
    } catch (error) {
      toastError(error);
    }
  };

  const leave = async () => {
    const sure = await confirmDialog({ title: t('members.leaveTitle'), message: t('members.leaveMessage'), confirmLabel: t('members.leave'), danger: true });
    if (!sure) return;
    try {
      await api.delete(`${base}/members/${encodeURIComponent(me.id)}`);
      await loadSession();
      toast(t('members.left'));
      navigate('/', { replace: true });
    } catch (error) {
      toastError(error);
    }
  };

  const transfer = async (member) => {
    const sure = await confirmDialog({
      title: t('members.transferTitle', { name: member.user.name }), message: t('members.transferMessage'), confirmLabel: t('members.makeOwner'), danger: true,
    });
    if (!sure) return;
    try {
      await api.post(`${base}/ownership`, { user_id: member.user.id });
      await loadSession();
      toast(t('members.transferred', { name: member.user.name }));
      membersSection(body, { workspaceID });
    } catch (error) {
      toastError(error);
    }
  };

  const loadInvitations = async () => {
    const { invitations, mail_configured: mail } = await api.get(`${base}/invitations`);
    replace(invitationList,
      mail ? null : h('p', { class: 'hint', text: t('invitations.noMail') }),
      invitations.length ? h('table', { class: 'table invitations-table' },
        h('caption', { class: 'visually-hidden', text: t('invitations.pending') }),
        h('thead', {}, h('tr', {}, ['auth.email', 'members.role', 'invitations.state', 'invitations.expires', 'projects.actions'].map((key) => h('th', { scope: 'col', text: t(key) })))),
        h('tbody', {}, invitations.map((invitation) => h('tr', { dataset: { invitationId: invitation.id } },
          h('td', { text: invitation.email }),
          h('td', { text: t(`role.${invitation.role}`) }),
          h('td', {}, invitationState(invitation)),
          h('td', {}, h('time', { datetime: invitation.expires_at, title: formatDateTime(invitation.expires_at), text: formatRelative(invitation.expires_at) })),
          h('td', {}, h('div', { class: 'row-actions' },
            h('button', { type: 'button', class: 'secondary small', 'aria-label': t('invitations.resendNamed', { email: invitation.email }), onclick: () => resend(invitation) }, t('invitations.resend')),
            h('button', { type: 'button', class: 'danger small', 'aria-label': t('invitations.revokeNamed', { email: invitation.email }), onclick: () => revoke(invitation) }, t('invitations.revoke'))))))))
        : h('p', { class: 'hint', text: t('invitations.none') }));
  };

  const invitationState = (invitation) => {
    if (invitation.state === 'expired') return h('span', { class: 'badge warn', text: t('invitations.expired') });
    const delivery = invitation.delivery;
    if (!delivery) return h('span', { class: 'badge', text: t('invitations.linkShared') });
    if (delivery.state === 'failed') {
      return h('span', {}, h('span', { class: 'badge danger', text: t('invitations.failed') }), ' ', h('span', { class: 'hint', text: delivery.last_error ?? '' }));
    }
    if (delivery.state === 'queued' && delivery.attempts > 0) {
      return h('span', {}, h('span', { class: 'badge warn', text: t('invitations.retrying', { count: delivery.attempts }) }), ' ', h('span', { class: 'hint', text: delivery.last_error ?? '' }));
    }
    return h('span', { class: 'badge', text: t(`invitations.${delivery.state}`) });
  };

  const showLink = (result) => {
    if (!result.link) {
      toast(t('invitations.sent', { email: result.invitation.email }));
      return;
    }
    openDialog({
      title: t('invitations.linkTitle'),
      content: (close) => h('div', { class: 'dialog-body secret-view' },
        h('p', { class: 'warning', role: 'alert', text: t('invitations.linkOnce', { email: result.invitation.email }) }),
        copyField({ value: result.link, label: t('invitations.link'), id: 'invitation-link' }),
        h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('keys.done')))),
    });
  };

  const resend = async (invitation) => {
    try {
      showLink(await api.post(`${base}/invitations/${encodeURIComponent(invitation.id)}/resend`));
      loadInvitations();
    } catch (error) {
      toastError(error);
    }
  };

  const revoke = async (invitation) => {
    const sure = await confirmDialog({ title: t('invitations.revokeTitle', { email: invitation.email }), message: t('invitations.revokeMessage'), confirmLabel: t('invitations.revoke'), danger: true });
    if (!sure) return;
    try {
      await api.delete(`${base}/invitations/${encodeURIComponent(invitation.id)}`);
      toast(t('invitations.revoked', { email: invitation.email }));
      loadInvitations();
    } catch (error) {
      toastError(error);
    }
  };

  const inviteForm = () => {
    const email = field({ label: t('auth.email'), name: 'email', type: 'email', required: true });
    const role = field({
      label: t('members.role'), name: 'role', type: 'select', value: 'member',
      options: grantableRoles(myRole).map((value) => ({ value, label: t(`role.${value}`) })),
    });
    const form = h('form', { class: 'form invite-form', novalidate: true }, email, role,
      h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('invitations.invite'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(form, async () => {
        try {
          const result = await api.post(`${base}/invitations`, { email: email.control.value.trim(), role: role.control.value });
          form.reset();
          showLink(result);
          loadInvitations();
        } catch (error) {
          showErrors(form, error);
        }
      });
    });
    return form;
  };

  replace(body,
    h('section', { 'aria-labelledby': 'members-heading' }, h('h2', { id: 'members-heading', text: t('members.title') }), memberList),
    canManage ? h('section', { 'aria-labelledby': 'invite-heading', class: 'invite-section' },
      h('h2', { id: 'invite-heading', text: t('invitations.title') }), inviteForm(),
      h('h3', { text: t('invitations.pending') }), invitationList) : null);
  loadMembers().catch((error) => toastError(error, loadMembers));
  if (canManage) loadInvitations().catch((error) => toastError(error, loadInvitations));
}
