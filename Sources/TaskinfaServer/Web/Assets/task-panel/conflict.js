// When someone else changed the task since it was opened (the server answers 412 to If-Match):
// show both versions of what the person changed and let them choose.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { openDialog } from '../shell/dialog.js';

const show = (value) => (value === null || value === undefined || value === '' ? t('conflict.empty') : Array.isArray(value) ? value.join(', ') : String(value));

/** Resolves 'mine' or 'theirs'. */
export function resolveConflict({ changes, current, fieldName }) {
  const { closed } = openDialog({
    title: t('conflict.title'),
    wide: true,
    content: (close) => h('div', { class: 'dialog-body' },
      h('p', { text: t('conflict.explain') }),
      h('table', { class: 'conflict' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('conflict.field') }), h('th', { scope: 'col', text: t('conflict.mine') }), h('th', { scope: 'col', text: t('conflict.theirs') }))),
        h('tbody', {}, Object.keys(changes).map((name) => h('tr', {},
          h('th', { scope: 'row', text: fieldName(name) }),
          h('td', {}, h('pre', { class: 'conflict-value', text: show(changes[name]) })),
          h('td', {}, h('pre', { class: 'conflict-value', text: show(current[name]) })))))),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => close('theirs') }, t('conflict.useTheirs')),
        h('button', { type: 'button', class: 'primary', autofocus: true, onclick: () => close('mine') }, t('conflict.keepMine')))),
  });
  return closed.then((choice) => choice ?? 'theirs');
}
