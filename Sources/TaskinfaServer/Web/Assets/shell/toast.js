// Short messages at the corner of the screen (read out by screen readers through the region's
// role=status): what happened, what failed, and a retry where one makes sense.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function toast(message, { kind = 'info', action, timeout = 6000 } = {}) {
  const region = document.getElementById('toasts');
  const item = h('div', { class: ['toast', `toast-${kind}`] }, h('span', { text: message }));
  const dismiss = () => item.remove();
  if (action) {
    item.append(h('button', { class: 'link', type: 'button', onclick: () => { dismiss(); action.run(); } }, action.label));
  }
  item.append(h('button', { class: 'icon', type: 'button', 'aria-label': t('action.dismiss'), onclick: dismiss }, '×'));
  region.append(item);
  if (timeout) setTimeout(dismiss, kind === 'error' ? timeout * 2 : timeout);
  return dismiss;
}

/** A failed request as a toast: the server's reason, and a retry for network errors. */
export function toastError(error, retry) {
  const message = error?.isNetwork ? t('error.network') : error?.message || t('error.generic');
  toast(message, { kind: 'error', action: error?.isNetwork && retry ? { label: t('action.retry'), run: retry } : undefined });
}

/** Says something to screen readers only (drag and drop, moves). */
export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A fresh text node after a tick, so the same message twice is read twice.
  setTimeout(() => { region.textContent = message; }, 30);
}
