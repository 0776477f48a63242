// Forgotten password: ask for a link by e-mail (/forgot-password), then choose a new password on
// the page the link opens (/reset-password#token), which signs in and ends every other session.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { loadSession } from '../session.js';
import { authPage } from './signin.js';

export function forgotPasswordPage() {
  const email = field({ label: t('auth.email'), name: 'email', type: 'email', autocomplete: 'email', required: true, autofocus: true });
  const form = h('form', { class: 'form', novalidate: true }, h('p', { text: t('reset.explain') }), email,
    h('button', { type: 'submit', class: 'primary wide' }, t('reset.send')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await api.post('/auth/password-reset', { email: email.control.value.trim() }, { keepSession: true });
        replace(form, h('p', { role: 'status', text: t('reset.sent', { email: email.control.value.trim() }) }));
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return authPage(t('reset.forgotTitle'), form, h('p', { class: 'auth-footer' }, h('a', { href: '/signin' }, t('reset.backToSignIn'))));
}

export function resetPasswordPage() {
  const token = location.hash.slice(1);
  const password = field({
    label: t('reset.newPassword'), name: 'password', type: 'password', autocomplete: 'new-password', required: true, autofocus: true,
    hint: t('auth.passwordRules'),
  });
  const form = h('form', { class: 'form', novalidate: true }, h('div', { dataset: { field: 'token' } }, h('p', { class: 'field-error', role: 'alert', hidden: true })),
    password, h('button', { type: 'submit', class: 'primary wide' }, t('reset.save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        const result = await api.post('/auth/password-reset/confirm', { token, password: password.control.value }, { keepSession: true });
        // No account in the answer: the account uses two-factor sign-in, so the link set the
        // password without signing in.
        if (!result) {
          navigate('/signin?reset=1', { replace: true });
          return;
        }
        await loadSession();
        navigate('/', { replace: true });
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return authPage(t('reset.title'), form, h('p', { class: 'auth-footer' }, h('a', { href: '/forgot-password' }, t('reset.askAgain'))));
}
