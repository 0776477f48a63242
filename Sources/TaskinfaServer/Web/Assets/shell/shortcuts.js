// Every keyboard shortcut, listed in one place: the help dialog (?) reads this list.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { openDialog } from './dialog.js';

export const shortcuts = [
  ['Ctrl K / ⌘ K', 'shortcuts.palette'],
  ['c', 'shortcuts.create'],
  ['/', 'shortcuts.search'],
  ['j k ↑ ↓', 'shortcuts.upDown'],
  ['h l ← →', 'shortcuts.leftRight'],
  ['Enter', 'shortcuts.open'],
  ['e', 'shortcuts.edit'],
  ['x', 'shortcuts.select'],
  ['[ ]', 'shortcuts.moveColumn'],
  ['Alt ↑ / Alt ↓', 'shortcuts.moveWithin'],
  ['Ctrl Enter', 'shortcuts.submit'],
  ['Esc', 'shortcuts.close'],
  ['?', 'shortcuts.help'],
];

export function showShortcuts() {
  openDialog({
    title: t('shortcuts.title'),
    content: h('div', { class: 'dialog-body' }, h('dl', { class: 'shortcuts' },
      shortcuts.map(([keys, description]) => [h('dt', {}, keys.split(' / ').map((combo, index) => [index ? ' / ' : '', h('kbd', { text: combo })])), h('dd', { text: t(description) })]))),
  });
}
