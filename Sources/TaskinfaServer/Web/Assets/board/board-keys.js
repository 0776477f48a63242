// The board without a mouse: j/k or ↑/↓ within a column, h/l or ←/→ across columns, Enter opens,
// e edits, x selects, [ and ] move the card a column left or right, Alt+↑/↓ within its column.
import { isTyping } from '../dom.js';
import { toast } from '../shell/toast.js';
import { t } from '../i18n.js';

export function boardKeys(element, { data, views, visibleColumns, focused, focus, open, toggle, move }) {
  const locate = (task) => {
    const list = data.columns.get(task.status).tasks;
    return { list, index: list.findIndex((item) => item.id === task.id) };
  };

  const focusAt = async (status, index) => {
    const list = data.columns.get(status).tasks;
    if (!list.length) return false;
    const clamped = Math.max(0, Math.min(index, list.length - 1));
    await views.get(status).reveal(clamped);
    focus(data.columns.get(status).tasks[clamped].id);
    return true;
  };

  const neighbourColumn = (status, direction) => {
    const shown = visibleColumns();
    return shown[shown.indexOf(status) + direction];
  };

  element.addEventListener('keydown', async (event) => {
    if (isTyping(event) || event.ctrlKey || event.metaKey) return;
    const task = focused();
    if (!task || !event.target.closest?.('.card')) return;
    const { list, index } = locate(task);
    const key = event.key;
    const handled = () => {
      event.preventDefault();
      event.stopPropagation();
    };

    if (event.altKey && (key === 'ArrowUp' || key === 'ArrowDown')) {
      handled();
      if (!data.boardOrder) {
        toast(t('board.reorderNeedsBoardOrder'));
        return;
      }
      if (key === 'ArrowUp' && index > 0) move(task, task.status, index - 1);
      if (key === 'ArrowDown' && index < list.length - 1) move(task, task.status, index + 2);
      return;
    }
    if (event.altKey) return;

    switch (key) {
      case 'j':
      case 'ArrowDown':
        handled();
        if (index < list.length - 1 || !data.columns.get(task.status).done) await focusAt(task.status, index + 1);
        break;
      case 'k':
      case 'ArrowUp':
        handled();
        if (index > 0) await focusAt(task.status, index - 1);
        break;
      case 'h':
      case 'ArrowLeft':
      case 'l':
      case 'ArrowRight': {
        handled();
        let target = neighbourColumn(task.status, key === 'h' || key === 'ArrowLeft' ? -1 : 1);
        // Skip empty columns, so the arrow always lands on a card when there is one.
        while (target && !(await focusAt(target, index))) target = neighbourColumn(target, key === 'h' || key === 'ArrowLeft' ? -1 : 1);
        break;
      }
      case 'Home':
        handled();
        await focusAt(task.status, 0);
        break;
      case 'End':
        handled();
        await focusAt(task.status, list.length - 1);
        break;
      case 'Enter':
        handled();
        open(task, false);
        break;
      case 'e':
        handled();
        open(task, true);
        break;
      case 'x':
      case ' ':
        handled();
        toggle(task);
        break;
      case '[':
      case ']': {
        handled();
        const target = neighbourColumn(task.status, key === '[' ? -1 : 1);
        // It lands at the top of the next column, where the person can see it.
        if (target) move(task, target, 0);
        break;
      }
      default:
        break;
    }
  });
}
