// Modal dialogs on the native <dialog>: focus moves in and is trapped, Esc closes, focus returns
// to what opened it.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { uid } from '../dom.js';

/**
 * openDialog({title, content, wide}) → {dialog, close(result), closed: Promise<result>}.
 * content is a node or a function (close) => node.
 */
export function openDialog({ title, content, wide = false, className }) {
  const opener = document.activeElement;
  const titleID = uid('dialog-title');
  let resolveClosed;
  const closed = new Promise((resolve) => { resolveClosed = resolve; });
  const dialog = h('dialog', { class: ['dialog', wide && 'dialog-wide', className], 'aria-labelledby': titleID });
  let result;
  const close = (value) => {
    result = value;
    dialog.close();
  };
  dialog.append(
    h('header', { class: 'dialog-header' },
      h('h2', { id: titleID, text: title }),
      h('button', { class: 'icon', type: 'button', 'aria-label': t('action.close'), onclick: () => close(undefined) }, '×')),
    typeof content === 'function' ? content(close) : content);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    resolveClosed(result);
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('[autofocus], input, textarea, select, button:not(.icon)');
  first?.focus();
  return { dialog, close, closed };
}

/** Asks to confirm; resolves true or false. */
export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  const { closed } = openDialog({
    title,
    content: (close) => h('div', { class: 'dialog-body' },
      h('p', { text: message }),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, t('action.cancel')),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', autofocus: true, onclick: () => close(true) }, confirmLabel))),
  });
  return closed.then((value) => value === true);
}

/** Is a modal dialog open (Esc and shortcuts belong to it)? */
export function dialogOpen() {
  return document.querySelector('dialog[open]') !== null;
}
