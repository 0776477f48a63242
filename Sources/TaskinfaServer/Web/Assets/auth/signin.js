// Sign-in and sign-up: two small forms; errors from the API appear beside the field they name.
import { api } from '../api.js';
import { h } from '../dom.js';
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
  return authPage(t('auth.signInTitle'), form,
    h('div', {},
      h('p', { class: 'auth-footer' }, h('a', { href: '/forgot-password' }, t('reset.forgot'))),
      h('p', { class: 'auth-footer' }, t('auth.noAccount'), ' ',
        h('a', { href: `/signup${next ? `?next=${encodeURIComponent(next)}` : ''}` }, t('auth.createAccount')))));
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
