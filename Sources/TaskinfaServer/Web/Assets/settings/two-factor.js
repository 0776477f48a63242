// Two-factor sign-in: turning it on (password → QR code and the seed as text → a code from the
// app → ten recovery codes shown once), new recovery codes, turning it off (password and a code),
// and the account's own log of sign-ins. Also the page a workspace that requires it sends people to.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { navigate } from '../router.js';
import { loadSession } from '../session.js';
import { authPage } from '../auth/signin.js';
import { copyField } from '../shell/copy.js';
import { downloadText } from '../shell/download.js';
import { toast, toastError } from '../shell/toast.js';
import { outcomeBadge } from './audit-log.js';
import { describeDevice } from './devices.js';

/** A small form: its fields, one submit button, `submit(values)` called with the controls' values. */
function stepForm(fields, label, submit, { danger = false } = {}) {
  const form = h('form', { class: 'form', novalidate: true }, ...fields,
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, label)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await submit();
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return form;
}

const passwordField = () => field({ label: t('auth.password'), name: 'password', type: 'password', autocomplete: 'current-password', required: true });
const codeField = (hint) => field({
  label: t('twoFactor.code'), name: 'code', autocomplete: 'off', inputmode: 'numeric', required: true, maxlength: 20, hint,
});

/** The recovery codes, shown once, with copy and download. */
function recoveryCodesView(codes, onDone) {
  const text = codes.join('\n');
  return h('div', { class: 'recovery-codes' },
    h('p', { role: 'status', text: t('twoFactor.recoveryExplain') }),
    h('ol', { class: 'code-list', 'aria-label': t('twoFactor.recoveryCodes') }, codes.map((code) => h('li', {}, h('code', { text: code })))),
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => downloadText('taskinfa-recovery-codes.txt', `${text}\n`) }, t('twoFactor.download')),
      h('button', {
        type: 'button', class: 'secondary',
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(text);
            toast(t('copy.copied', { what: t('twoFactor.recoveryCodes') }));
          } catch {
            toast(t('keys.copyManually'), { kind: 'error' });
          }
        },
      }, t('keys.copy')),
      h('button', { type: 'button', class: 'primary', onclick: onDone }, t('twoFactor.savedThem'))));
}

/** Turning it on, in three steps inside `host`; `onEnabled` runs once the codes were seen. */
function enrolment(host, onEnabled) {
  const password = passwordField();
  replace(host, h('div', { class: 'enrolment' },
    h('p', { text: t('twoFactor.startExplain') }),
    stepForm([password], t('twoFactor.continue'), async () => {
      const seed = await api.post('/auth/two-factor/enrolment', { password: password.control.value });
      const code = codeField(t('twoFactor.codeHint'));
      const qr = h('img', { class: 'qr-code', width: 200, height: 200, alt: t('twoFactor.qrAlt') });
      // Set directly: `h` lets only http(s) links through, and this picture is the server's own
      // drawing (an SVG in an <img> runs no script either way).
      qr.src = `data:image/svg+xml;base64,${btoa(seed.qr_svg)}`;
      replace(host, h('div', { class: 'enrolment' },
        h('ol', { class: 'steps' },
          h('li', { text: t('twoFactor.scan') }),
          h('li', { text: t('twoFactor.enterCode') })),
        h('div', { class: 'enrolment-grid' }, qr,
          h('div', {}, copyField({ value: seed.secret, label: t('twoFactor.secret') }), h('p', { class: 'hint', text: t('twoFactor.secretHint') }))),
        stepForm([code], t('twoFactor.turnOn'), async () => {
          const result = await api.post('/auth/two-factor/enable', { code: code.control.value });
          await loadSession();
          replace(host, recoveryCodesView(result.recovery_codes, onEnabled));
          host.querySelector('.recovery-codes button.primary')?.focus();
        })));
      code.control.focus();
    })));
  password.control.focus();
}

/** The account's recent sign-ins and security changes (its own audit entries). */
function accountActivity() {
  const list = h('div', { class: 'account-activity' }, h('p', { class: 'hint', text: t('audit.loading') }));
  api.get('/auth/audit-log', { limit: 20 }).then((result) => {
    replace(list, result.entries.length ? h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: t('twoFactor.activity') }),
      h('thead', {}, h('tr', {}, ['audit.when', 'audit.action', 'audit.outcome', 'sessions.address', 'sessions.device'].map((key) => h('th', { scope: 'col', text: t(key) })))),
      h('tbody', {}, result.entries.map((entry) => h('tr', {},
        h('td', {}, h('time', { datetime: entry.created_at, title: formatDateTime(entry.created_at), text: formatRelative(entry.created_at) })),
        h('td', { text: entry.action }),
        h('td', {}, outcomeBadge(entry.outcome)),
        h('td', { text: entry.ip_address ?? '—' }),
        h('td', { title: entry.user_agent ?? '', text: entry.user_agent ? describeDevice(entry.user_agent) : '—' })))))
      : h('p', { class: 'hint', text: t('audit.empty') }));
  }).catch((error) => replace(list, h('p', { class: 'form-error', role: 'alert', text: error.message })));
  return list;
}

export function twoFactorSection(body) {
  const host = h('div');
  const activity = h('div');
  const render = async () => {
    replace(activity, accountActivity());
    const status = await api.get('/auth/two-factor');
    if (!status.enabled) {
      replace(host,
        h('p', { class: 'status-line' }, h('span', { class: 'badge', text: t('twoFactor.off') }), ' ', t('twoFactor.offExplain')),
        h('button', { type: 'button', class: 'primary', onclick: () => enrolment(host, () => { toast(t('twoFactor.enabled')); render(); }) }, t('twoFactor.setUp')));
      return;
    }
    const actions = h('div');
    const renew = () => {
      const password = passwordField();
      const code = codeField(t('twoFactor.codeOrRecovery'));
      replace(actions, stepForm([password, code], t('twoFactor.newCodes'), async () => {
        const result = await api.post('/auth/two-factor/recovery-codes', { password: password.control.value, code: code.control.value });
        replace(actions, recoveryCodesView(result.recovery_codes, render));
      }));
      password.control.focus();
    };
    const disable = () => {
      const password = passwordField();
      const code = codeField(t('twoFactor.codeOrRecovery'));
      replace(actions, stepForm([password, code], t('twoFactor.turnOff'), async () => {
        await api.post('/auth/two-factor/disable', { password: password.control.value, code: code.control.value });
        await loadSession();
        toast(t('twoFactor.disabled'));
        render();
      }, { danger: true }));
      password.control.focus();
    };
    replace(host,
      h('p', { class: 'status-line' }, h('span', { class: 'badge ok', text: t('twoFactor.on') }), ' ',
        t('twoFactor.onSince', { date: formatDateTime(status.enabled_at) })),
      h('p', { class: 'hint', text: t('twoFactor.codesLeft', { count: status.recovery_codes_left }) }),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: renew }, t('twoFactor.newCodes')),
        h('button', { type: 'button', class: 'danger', onclick: disable }, t('twoFactor.turnOff'))),
      actions);
  };
  replace(body, h('section', { 'aria-labelledby': 'two-factor-heading' },
    h('h2', { id: 'two-factor-heading', text: t('settings.two-factor') }),
    h('p', { class: 'hint', text: t('twoFactor.explain') }),
    host,
    h('h3', { text: t('twoFactor.activity') }),
    activity));
  render().catch((error) => toastError(error, render));
}

/** Where a workspace that requires two-factor sign-in sends a member without it. */
export function twoFactorRequiredPage(route) {
  const host = h('div');
  const next = route.query.get('next');
  const back = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  enrolment(host, () => navigate(back, { replace: true }));
  return authPage(t('twoFactor.requiredTitle'), h('div', {}, h('p', { role: 'status', text: t('twoFactor.requiredExplain') }), host),
    h('p', { class: 'auth-footer' }, h('a', { href: '/' }, t('nav.home'))));
}
