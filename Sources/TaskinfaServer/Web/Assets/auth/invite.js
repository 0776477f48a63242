// The page an invitation link opens (/invite#token): who invites you where, then join — signed in
// as the invited address, by signing in first, or by choosing a name and a password (the link
// proved the address). The token stays in the fragment: it never reaches a server log.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { currentUser, loadSession, signOut } from '../session.js';
import { authPage } from './signin.js';

export function invitePage() {
  const token = location.hash.slice(1);
  const card = h('div', { 'aria-live': 'polite' }, h('p', { text: t('invite.loading') }));
  const page = authPage(t('invite.title'), card, null);
  if (!token) {
    replace(card, h('p', { class: 'form-error', role: 'alert', text: t('invite.noToken') }));
    return page;
  }
  const path = `/invitations/${encodeURIComponent(token)}`;
  api.get(path, {}, { keepSession: true }).then((invitation) => {
    const user = currentUser();
    const facts = h('p', {}, t('invite.offer', { inviter: invitation.inviter_name, workspace: invitation.workspace_name, role: t(`role.${invitation.role}`) }));
    const expires = h('p', { class: 'hint', text: t('invite.expires', { when: formatDateTime(invitation.expires_at) }) });
    const addressed = h('p', {}, t('invite.for'), ' ', h('span', { class: 'invited-as', text: invitation.email }));
    const joined = async (result) => {
      await loadSession();
      navigate(paths.board(result.workspace.id), { replace: true });
    };
    if (user && user.email === invitation.email) {
      const form = h('form', { class: 'form', novalidate: true }, h('button', { type: 'submit', class: 'primary wide' }, t('invite.join', { workspace: invitation.workspace_name })));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        whileBusy(form, async () => {
          try {
            await joined(await api.post(`${path}/accept`));
          } catch (error) {
            showErrors(form, error);
          }
        });
      });
      replace(card, facts, addressed, expires, form);
    } else if (user) {
      replace(card, facts, addressed,
        h('p', { class: 'warning', role: 'alert', text: t('invite.otherAccount', { email: user.email }) }),
        h('button', { type: 'button', class: 'primary wide', onclick: async () => { await signOut(); location.reload(); } }, t('invite.switchAccount')));
    } else if (invitation.account_exists) {
      const next = `/invite#${token}`;
      replace(card, facts, addressed, expires,
        h('p', { text: t('invite.signInFirst') }),
        h('a', { class: 'button primary wide', href: `/signin?next=${encodeURIComponent(next)}` }, t('auth.signIn')));
    } else {
      const name = field({ label: t('auth.name'), name: 'name', autocomplete: 'name', required: true, autofocus: true });
      const email = field({ label: t('auth.email'), name: 'email', type: 'email', value: invitation.email, readonly: true, autocomplete: 'email' });
      const password = field({ label: t('auth.password'), name: 'password', type: 'password', autocomplete: 'new-password', required: true, hint: t('auth.passwordRules') });
      const form = h('form', { class: 'form', novalidate: true }, name, email, password,
        h('button', { type: 'submit', class: 'primary wide' }, t('invite.createAndJoin')));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        whileBusy(form, async () => {
          try {
            await joined(await api.post(`${path}/accept`, { name: name.control.value.trim(), password: password.control.value }, { keepSession: true }));
          } catch (error) {
            showErrors(form, error);
          }
        });
      });
      replace(card, facts, expires, form);
    }
  }).catch((error) => {
    const message = error.status === 404 ? t('invite.dead') : error.message;
    replace(card, h('p', { class: 'form-error', role: 'alert', text: message }), h('a', { href: '/' }, t('nav.home')));
  });
  return page;
}
