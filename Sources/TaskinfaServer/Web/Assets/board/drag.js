// Drag and drop with pointer events, so a mouse, a pen and a finger all work (a finger drags by
// the card's grip, so that swiping a column still scrolls it). The card stays in place, dimmed;
// a ghost follows the pointer and a gap shows where it will land. The board does the move.

const threshold = 6;

/**
 * enableDrag(board, {onDrop({card, status, beforeCard, afterCard}), onStart(card), onCancel(card)})
 */
export function enableDrag(board, { onDrop, onStart, onCancel }) {
  let drag = null;

  const cleanup = () => {
    if (!drag) return;
    drag.ghost?.remove();
    drag.indicator?.remove();
    drag.card.classList.remove('drag-source');
    document.body.classList.remove('dragging');
    window.removeEventListener('keydown', onKey, true);
    drag = null;
  };

  const onKey = (event) => {
    if (event.key === 'Escape' && drag?.active) {
      event.preventDefault();
      event.stopPropagation();
      const card = drag.card;
      cleanup();
      onCancel?.(card);
    }
  };

  board.addEventListener('pointerdown', (event) => {
    const card = event.target.closest?.('.card');
    if (!card || event.button !== 0 || event.target.closest('input, button, textarea, select')) return;
    if (event.pointerType === 'touch' && !event.target.closest('.card-grip')) return;
    drag = { card, pointerID: event.pointerId, x: event.clientX, y: event.clientY, active: false };
  });

  board.addEventListener('pointermove', (event) => {
    if (!drag || event.pointerId !== drag.pointerID) return;
    if (!drag.active) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < threshold) return;
      begin(event);
    }
    event.preventDefault();
    drag.ghost.style.transform = `translate(${event.clientX - drag.x}px, ${event.clientY - drag.y}px) rotate(1.5deg)`;
    track(event.clientX, event.clientY);
  });

  const begin = (event) => {
    const { card } = drag;
    const rect = card.getBoundingClientRect();
    drag.active = true;
    card.setPointerCapture?.(event.pointerId);
    const ghost = card.cloneNode(true);
    ghost.removeAttribute('id');
    ghost.setAttribute('aria-hidden', 'true');
    ghost.classList.add('drag-ghost');
    ghost.style.width = `${rect.width}px`;
    ghost.style.left = `${rect.left}px`;
    ghost.style.top = `${rect.top}px`;
    document.body.append(ghost);
    const indicator = document.createElement('div');
    indicator.className = 'drop-indicator';
    indicator.style.height = `${rect.height}px`;
    Object.assign(drag, { ghost, indicator });
    card.classList.add('drag-source');
    document.body.classList.add('dragging');
    window.addEventListener('keydown', onKey, true);
    onStart?.(card);
  };

  /** Where the pointer is: which column, and which card the gap goes before. */
  const track = (x, y) => {
    const under = document.elementFromPoint(x, y);
    const column = under?.closest?.('[data-column]');
    if (!column) return;
    const list = column.querySelector('.column-cards');
    const rect = list.getBoundingClientRect();
    // Near the list's edge, scroll it, so a card can travel down a long column.
    if (y < rect.top + 40) list.scrollTop -= 12;
    else if (y > rect.bottom - 40) list.scrollTop += 12;
    const cards = [...list.querySelectorAll('.card')].filter((card) => card !== drag.card);
    const before = cards.find((card) => {
      const box = card.getBoundingClientRect();
      return box.top + box.height / 2 > y;
    });
    const anchor = before ?? list.querySelector('.column-more');
    if (drag.indicator.nextElementSibling !== anchor || drag.indicator.parentElement !== list) list.insertBefore(drag.indicator, anchor);
    drag.column = column;
  };

  const finish = (event) => {
    if (!drag || event.pointerId !== drag.pointerID) return;
    if (!drag.active) {
      drag = null;
      return;
    }
    const { card, indicator, column } = drag;
    const siblingCard = (element, direction) => {
      let node = element?.[direction];
      while (node && (!node.classList.contains('card') || node === card)) node = node[direction];
      return node ?? null;
    };
    const target = column && indicator.parentElement
      ? { card, status: column.dataset.column, beforeCard: siblingCard(indicator, 'nextElementSibling'), afterCard: siblingCard(indicator, 'previousElementSibling') }
      : null;
    // The click that follows a drag is not a click on the card.
    window.addEventListener('click', (click) => { click.stopPropagation(); click.preventDefault(); }, { capture: true, once: true });
    setTimeout(() => window.dispatchEvent(new Event('click')), 0);
    cleanup();
    if (target && event.type === 'pointerup') onDrop(target);
    else onCancel?.(card);
  };
  board.addEventListener('pointerup', finish);
  board.addEventListener('pointercancel', finish);
}
