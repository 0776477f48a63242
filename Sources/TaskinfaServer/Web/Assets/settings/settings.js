// Settings: profile and theme, password, two-factor sign-in (two-factor.js), members and invitations (members/), active sessions
// (revoke one or all others), API keys (the secret shown once with a copy button, rename, revoke, expiry and last use shown), and
// for admins the audit log with the workspace's security settings (audit-log.js).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { paths } from '../router.js';
import { currentUser, loadSession, workspace } from '../session.js';
import { membersSection } from '../members/members.js';
import { auditLogSection } from './audit-log.js';
import { describeDevice } from './devices.js';
import { twoFactorSection } from './two-factor.js';
import { copyField } from '../shell/copy.js';
import { confirmDialog, openDialog } from '../shell/dialog.js';
import { applyTheme, currentTheme } from '../shell/theme.js';
import { toast, toastError } from '../shell/toast.js';

/** The sections a person sees: the audit log only for admins and owners. */
function sectionsFor(workspaceID) {
  const admin = ['admin', 'owner'].includes(workspace(workspaceID)?.role);
  return ['profile', 'password', 'two-factor', 'members', 'sessions', 'api-keys', ...(admin ? ['audit-log'] : [])];
}

export function settingsPage(container, { workspaceID, section, onSignedOutEverywhere }) {
  const sections = sectionsFor(workspaceID);
  const body = h('div', { class: 'settings-body' });
  const nav = h('nav', { class: 'settings-nav', 'aria-label': t('settings.sections') },
    h('ul', {}, sections.map((name) => h('li', {},
      h('a', { href: paths.settings(workspaceID, name), 'aria-current': name === section ? 'page' : undefined }, t(`settings.${name}`))))));
  replace(container, h('div', { class: 'page settings' }, h('h1', { text: t('settings.title') }), h('div', { class: 'settings-layout' }, nav, body)));
  const render = {
    profile, password, 'two-factor': twoFactorSection, members: membersSection, sessions, 'api-keys': apiKeys,
    'audit-log': sections.includes('audit-log') ? auditLogSection : profile,
  }[section] ?? profile;
  render(body, { workspaceID, onSignedOutEverywhere });
}

function profile(body) {
  const user = currentUser();
  const theme = field({
    label: t('settings.theme'), name: 'theme', type: 'select', value: currentTheme(),
    options: ['system', 'light', 'dark'].map((value) => ({ value, label: t(`theme.${value}`) })),
  });
  theme.control.addEventListener('change', () => {
    localStorage.setItem('taskinfa.theme', theme.control.value);
    applyTheme(theme.control.value);
  });
  const name = field({ label: t('auth.name'), name: 'name', value: user?.name ?? '', required: true, maxlength: 100, autocomplete: 'name' });
  const nameForm = h('form', { class: 'form profile-form', novalidate: true }, name,
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('action.save'))));
  nameForm.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(nameForm, async () => {
      try {
        await api.patch('/auth/me', { name: name.control.value });
        await loadSession();
        toast(t('settings.profileSaved'));
      } catch (error) {
        showErrors(nameForm, error);
      }
    });
  });
  replace(body, h('section', { 'aria-labelledby': 'profile-heading' },
    h('h2', { id: 'profile-heading', text: t('settings.profile') }),
    nameForm,
    h('dl', { class: 'facts' },
      h('dt', { text: t('auth.email') }), h('dd', { text: user?.email ?? '' }),
      h('dt', { text: t('settings.memberSince') }), h('dd', { text: formatDateTime(user?.created_at) }),
      h('dt', { text: t('settings.lastSignIn') }), h('dd', { text: formatDateTime(user?.last_login_at) || '—' })),
    h('form', { class: 'form', onsubmit: (event) => event.preventDefault() }, theme)));
}

function password(body) {
  const current = field({ label: t('password.current'), name: 'current_password', type: 'password', autocomplete: 'current-password', required: true });
  const next = field({ label: t('password.new'), name: 'new_password', type: 'password', autocomplete: 'new-password', required: true, hint: t('auth.passwordRules') });
  const form = h('form', { class: 'form password-form', novalidate: true }, current, next,
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('password.change'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await api.post('/auth/password', { current_password: current.control.value, new_password: next.control.value });
        form.reset();
        toast(t('password.changed'));
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  replace(body, h('section', { 'aria-labelledby': 'password-heading' },
    h('h2', { id: 'password-heading', text: t('settings.password') }),
    h('p', { class: 'hint', text: t('password.explain') }), form));
}

function sessions(body) {
  const list = h('div');
  const load = async () => {
    const result = await api.get('/auth/sessions');
    const others = result.sessions.filter((session) => !session.current);
    replace(list,
      h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden', text: t('settings.sessions') }),
        h('thead', {}, h('tr', {}, ['sessions.device', 'sessions.address', 'sessions.lastSeen', 'sessions.expires', 'projects.actions'].map((key) => h('th', { scope: 'col', text: t(key) })))),
        h('tbody', {}, result.sessions.map((session) => h('tr', {},
          h('td', {}, h('span', { title: session.user_agent ?? '', text: describeDevice(session.user_agent) }), session.current ? h('span', { class: 'badge', text: t('sessions.current') }) : null),
          h('td', { text: session.ip_address ?? '—' }),
          h('td', {}, h('time', { datetime: session.last_seen_at, title: formatDateTime(session.last_seen_at), text: formatRelative(session.last_seen_at) })),
          h('td', { text: formatDateTime(session.expires_at) }),
          h('td', {}, session.current ? '' : h('button', {
            type: 'button', class: 'danger small', 'aria-label': t('sessions.revokeNamed', { device: describeDevice(session.user_agent) }),
            onclick: async () => {
              try {
                await api.delete(`/auth/sessions/${encodeURIComponent(session.id)}`);
                toast(t('sessions.revoked'));
                load();
              } catch (error) {
                toastError(error);
              }
            },
          }, t('sessions.revoke'))))))),
      others.length ? h('button', {
        type: 'button', class: 'danger',
        onclick: async () => {
          const sure = await confirmDialog({ title: t('sessions.revokeOthersTitle'), message: t('sessions.revokeOthersMessage', { count: others.length }), confirmLabel: t('sessions.revokeOthers'), danger: true });
          if (!sure) return;
          const results = await Promise.allSettled(others.map((session) => api.delete(`/auth/sessions/${encodeURIComponent(session.id)}`)));
          const failed = results.filter((result) => result.status === 'rejected').length;
          if (failed) toast(t('sessions.someFailed', { count: failed }), { kind: 'error' });
          else toast(t('sessions.othersRevoked'));
          load();
        },
      }, t('sessions.revokeOthers')) : h('p', { class: 'hint', text: t('sessions.onlyThis') }));
  };
  replace(body, h('section', { 'aria-labelledby': 'sessions-heading' }, h('h2', { id: 'sessions-heading', text: t('settings.sessions') }), list));
  load().catch((error) => toastError(error, load));
}

/** The widest of a key's scopes (each includes the ones below it). */
function topScope(scopes = []) {
  return ['admin', 'write', 'read'].find((scope) => scopes.includes(scope)) ?? 'read';
}

function apiKeys(body, { workspaceID }) {
  const list = h('div');
  const role = workspace(workspaceID)?.role ?? 'member';
  const load = async () => {
    const result = await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/api-keys`);
    replace(list, result.api_keys.length ? h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('settings.api-keys') }),
      h('thead', {}, h('tr', {}, ['keys.name', 'keys.preview', 'keys.role', 'keys.scope', 'keys.created', 'keys.expires', 'keys.lastUsed', 'projects.actions'].map((key) => h('th', { scope: 'col', text: t(key) })))),
      h('tbody', {}, result.api_keys.map((key) => h('tr', { dataset: { keyId: key.id } },
        h('td', { text: key.name }),
        h('td', {}, h('code', { text: key.preview })),
        h('td', { text: t(`role.${key.role}`) }),
        h('td', {}, h('span', { text: t(`keys.scope.${topScope(key.scopes)}`) }),
          key.allowed_ips?.length ? h('span', { class: 'hint', title: key.allowed_ips.join(', '), text: ` · ${t('keys.fromAddresses', { count: key.allowed_ips.length })}` }) : null),
        h('td', { text: formatDateTime(key.created_at) }),
        h('td', { text: key.expires_at ? formatDateTime(key.expires_at) : t('keys.never') }),
        h('td', { text: key.last_used_at ? formatRelative(key.last_used_at) : t('keys.neverUsed') }),
        h('td', {}, h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'secondary small', 'aria-label': t('keys.renameNamed', { name: key.name }), onclick: () => rename(key) }, t('keys.rename')),
          h('button', { type: 'button', class: 'danger small', 'aria-label': t('keys.revokeNamed', { name: key.name }), onclick: () => revoke(key) }, t('keys.revoke'))))))))
      : h('p', { class: 'hint', text: t('keys.none') }));
  };
  const create = () => {
    openDialog({
      title: t('keys.new'),
      content: (close) => {
        const name = field({ label: t('keys.name'), name: 'name', required: true, autofocus: true, maxlength: 100 });
        const expiry = field({
          label: t('keys.expiresIn'), name: 'expires_in_days', type: 'select', value: '90',
          options: [{ value: '7', label: t('keys.days', { days: 7 }) }, { value: '30', label: t('keys.days', { days: 30 }) }, { value: '90', label: t('keys.days', { days: 90 }) },
            { value: '365', label: t('keys.days', { days: 365 }) }, { value: '', label: t('keys.never') }],
        });
        const roles = ['owner', 'admin', 'member', 'viewer'];
        const allowed = roles.slice(roles.indexOf(role) >= 0 ? roles.indexOf(role) : 2);
        const keyRole = field({ label: t('keys.role'), name: 'role', type: 'select', value: allowed.includes('member') ? 'member' : allowed[0], options: allowed.map((value) => ({ value, label: t(`role.${value}`) })), hint: t('keys.roleHint') });
        const scopes = ['read', 'write', ...(['owner', 'admin'].includes(role) ? ['admin'] : [])];
        const scope = field({ label: t('keys.scope'), name: 'scopes', type: 'select', value: 'write', options: scopes.map((value) => ({ value, label: t(`keys.scope.${value}`) })), hint: t('keys.scopeHint') });
        const addresses = field({ label: t('keys.allowlist'), name: 'allowed_ips', type: 'textarea', rows: 3, hint: t('keys.allowlistHint'), spellcheck: 'false' });
        const form = h('form', { class: 'dialog-body form', novalidate: true }, name, expiry, keyRole, scope, addresses,
          h('div', { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.cancel')),
            h('button', { type: 'submit', class: 'primary' }, t('keys.create'))));
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          whileBusy(form, async () => {
            try {
              const created = await api.post(`/workspaces/${encodeURIComponent(workspaceID)}/api-keys`, {
                name: name.control.value.trim(), role: keyRole.control.value, scopes: [scope.control.value],
                allowed_ips: addresses.control.value.split(/[\s,]+/).filter(Boolean),
                expires_in_days: expiry.control.value ? Number(expiry.control.value) : undefined,
              });
              replace(form, secretView(created, close));
              load();
            } catch (error) {
              showErrors(form, error);
            }
          });
        });
        return form;
      },
    });
  };
  const secretView = (created, close) => h('div', { class: 'secret-view' },
    h('p', { class: 'warning', role: 'alert', text: t('keys.shownOnce') }),
    copyField({ value: created.secret, label: t('keys.secret'), id: 'new-key-secret' }),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('keys.done'))));
  const rename = (key) => {
    openDialog({
      title: t('keys.renameTitle'),
      content: (close) => {
        const name = field({ label: t('keys.name'), name: 'name', value: key.name, required: true, autofocus: true, maxlength: 100 });
        const form = h('form', { class: 'dialog-body form', novalidate: true }, name,
          h('div', { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.cancel')),
            h('button', { type: 'submit', class: 'primary' }, t('action.save'))));
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          whileBusy(form, async () => {
            try {
              await api.patch(`/api-keys/${encodeURIComponent(key.id)}`, { name: name.control.value.trim() });
              close();
              load();
            } catch (error) {
              showErrors(form, error);
            }
          });
        });
        return form;
      },
    });
  };
  const revoke = async (key) => {
    const sure = await confirmDialog({ title: t('keys.revokeTitle', { name: key.name }), message: t('keys.revokeMessage'), confirmLabel: t('keys.revoke'), danger: true });
    if (!sure) return;
    try {
      await api.delete(`/api-keys/${encodeURIComponent(key.id)}`);
      toast(t('keys.revoked', { name: key.name }));
      load();
    } catch (error) {
      toastError(error);
    }
  };
  replace(body, h('section', { 'aria-labelledby': 'keys-heading' },
    h('div', { class: 'page-head' }, h('h2', { id: 'keys-heading', text: t('settings.api-keys') }), h('button', { type: 'button', class: 'primary', onclick: create }, t('keys.new'))),
    h('p', { class: 'hint', text: t('keys.explain') }),
    list));
  load().catch((error) => toastError(error, load));
}
