// Sign-in and sign-up: two small forms; errors from the API appear beside the field they name.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { clearErrors, field, showErrors, whileBusy } from '../forms.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { loadSession } from '../session.js';

export function authPage(title, form, footer) {
  return h('main', { class: 'auth-page', id: 'main' },
    h('div', { class: 'auth-card' },
      h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Taskinfa'),
      h('h1', { text: title }),
      form,
      footer));
}

/** Where to go after signing in: the page the person was sent away from, if it is ours. */
function destination(route) {
  const next = route.query.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function signInPage(route) {
  const email = field({ label: t('auth.email'), name: 'email', type: 'email', autocomplete: 'email', required: true, autofocus: true });
  const password = field({ label: t('auth.password'), name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  // Shown once the password was right and the account asks for its second factor.
  const code = field({
    label: t('twoFactor.code'), name: 'totp_code', autocomplete: 'off', inputmode: 'numeric', maxlength: 20,
    hint: t('twoFactor.signInHint'),
  });
  code.hidden = true;
  const notice = h('p', { class: 'notice', role: 'status', hidden: true });
  if (route.query.get('reset') === '1') {
    notice.textContent = t('twoFactor.resetDone');
    notice.hidden = false;
  }
  const form = h('form', { class: 'form', novalidate: true }, notice, email, password, code,
    h('button', { type: 'submit', class: 'primary wide' }, t('auth.signIn')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      const typed = code.control.value.replace(/[\s-]/g, '');
      // Six digits are the app's code; anything else typed there is a recovery code.
      const second = code.hidden || !typed ? {} : /^\d{6}$/.test(typed) ? { totp_code: typed } : { recovery_code: typed };
      try {
        await api.post('/auth/login', { email: email.control.value.trim(), password: password.control.value, ...second }, { keepSession: true });
        await loadSession();
        navigate(destination(route), { replace: true });
      } catch (error) {
        if (error.kind === 'two-factor-required') {
          const first = code.hidden;
          code.hidden = false;
          if (first) {
            clearErrors(form);
            notice.textContent = t('twoFactor.askCode');
            notice.hidden = false;
          } else {
            showErrors(form, { errors: [{ field: 'totp_code', message: error.detail }] });
          }
          code.control.value = '';
          code.control.focus();
          return;
        }
        showErrors(form, error);
      }
    });
  });
  const next = route.query.get('next');
  // The provider's button, when the server has one (`--oidc-issuer`).
  const sso = h('div', { class: 'sso', hidden: true });
  api.get('/auth/sso').then((info) => {
    if (!info.enabled) return;
    const button = h('button', { type: 'button', class: 'secondary wide' }, t('sso.signInWith', { name: info.name }));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const { authorization_url: url } = await api.post('/auth/sso/start', { next: destination(route) }, { keepSession: true });
        location.assign(url);
      } catch (error) {
        button.disabled = false;
        showErrors(form, error);
      }
    });
    replace(sso, h('p', { class: 'sso-or', text: t('sso.or') }), button);
    sso.hidden = false;
  }).catch(() => {});
  return authPage(t('auth.signInTitle'), h('div', {}, form, sso),
    h('div', {},
      h('p', { class: 'auth-footer' }, h('a', { href: '/forgot-password' }, t('reset.forgot'))),
      h('p', { class: 'auth-footer' }, t('auth.noAccount'), ' ',
        h('a', { href: `/signup${next ? `?next=${encodeURIComponent(next)}` : ''}` }, t('auth.createAccount')))));
}

/** Where the provider sends the browser back: the code is traded for a session, then on to the board. */
export function singleSignOnCallbackPage(route) {
  const status = h('p', { role: 'status', text: t('sso.finishing') });
  const card = h('div', {}, status);
  const code = route.query.get('code');
  const state = route.query.get('state');
  const failed = (message) => replace(card, h('p', { class: 'form-error', role: 'alert', text: message }),
    h('p', {}, h('a', { href: '/signin' }, t('reset.backToSignIn'))));
  if (!code || !state) {
    failed(route.query.get('error_description') || route.query.get('error') || t('sso.noCode'));
  } else {
    // The code is in the address bar: take it out before anything else can read it.
    history.replaceState(null, '', '/sso/callback');
    api.post('/auth/sso/callback', { code, state }, { keepSession: true }).then(async (result) => {
      await loadSession();
      const next = result.next && result.next.startsWith('/') && !result.next.startsWith('//') && result.next !== '/' ? result.next : `/w/${encodeURIComponent(result.workspace.id)}`;
      navigate(next, { replace: true });
    }).catch((error) => failed(error.message));
  }
  return authPage(t('sso.title'), card, null);
}

export function signUpPage() {
  const name = field({ label: t('auth.name'), name: 'name', autocomplete: 'name', required: true, autofocus: true });
  const email = field({ label: t('auth.email'), name: 'email', type: 'email', autocomplete: 'email', required: true });
  const password = field({
    label: t('auth.password'), name: 'password', type: 'password', autocomplete: 'new-password', required: true,
    hint: t('auth.passwordRules'),
  });
  const form = h('form', { class: 'form', novalidate: true }, name, email, password,
    h('button', { type: 'submit', class: 'primary wide' }, t('auth.createAccount')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        const result = await api.post('/auth/signup', {
          name: name.control.value.trim() || undefined, email: email.control.value.trim(), password: password.control.value,
        }, { keepSession: true });
        await loadSession();
        navigate(`/onboarding?workspace=${encodeURIComponent(result.workspace.id)}`, { replace: true });
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return authPage(t('auth.signUpTitle'), form,
    h('p', { class: 'auth-footer' }, t('auth.haveAccount'), ' ', h('a', { href: '/signin' }, t('auth.signIn'))));
}
