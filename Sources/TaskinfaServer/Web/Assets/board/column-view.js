// One column on screen. It renders a window of at most `maxRendered` cards of what is loaded and
// grows it as the person scrolls (fetching the next page by cursor when the loaded part runs
// out); cards scrolled far above are dropped and replaced by a spacer of their height, so a
// column of 10k tasks is never 10k elements.
import { h } from '../dom.js';
import { t, tn } from '../i18n.js';
import { columnName } from './columns.js';

const step = 50;
/** Cards a column renders before the board first paints: a tall screen's worth. The rest of the
 *  page follows right after (`grow` from the edge check). */
const firstPaint = 12;
export const maxRendered = 150;

export class ColumnView {
  constructor({ status, data, cardFor, onCreate }) {
    this.status = status;
    this.data = data;
    this.cardFor = cardFor; // (task) => element (cached by the board)
    this.start = 0;
    this.end = firstPaint;
    this.droppedHeights = new Map(); // task id → height, for the spacer
    const headingID = `column-${status}-heading`;
    this.countElement = h('span', { class: 'column-count' });
    this.spacer = h('div', { class: 'column-spacer', 'aria-hidden': 'true' });
    this.topSentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
    this.bottomSentinel = h('div', { class: 'sentinel column-more', 'aria-hidden': 'true' });
    this.list = h('div', { class: 'column-cards' });
    this.element = h('section', { class: 'column', dataset: { column: status }, 'aria-labelledby': headingID },
      h('header', { class: 'column-header' },
        h('h2', { id: headingID }, columnName(status), ' ', this.countElement),
        h('button', {
          type: 'button', class: 'icon add', 'aria-label': t('board.newTaskIn', { column: columnName(status) }),
          title: t('board.newTaskIn', { column: columnName(status) }), onclick: () => onCreate(status),
        }, '+')),
      this.list);
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        if (entry.target === this.bottomSentinel) this.grow();
        else if (entry.target === this.topSentinel) this.shrinkTop();
      }
    }, { root: this.list, rootMargin: '400px 0px' });
    this.observer.observe(this.bottomSentinel);
    this.observer.observe(this.topSentinel);
    let scheduled = false;
    this.list.addEventListener('scroll', () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        this.jumpIntoSpacer();
      });
    }, { passive: true });
  }

  /** Height a dropped card took (measured when it was dropped). */
  heightOf(index) {
    return this.droppedHeights.get(this.column.tasks[index].id) ?? 88;
  }

  /** Scrolled (or dragged the scrollbar) into the space of dropped cards: render the cards that
   *  stood there, so the person never looks at an empty column. */
  jumpIntoSpacer() {
    if (this.start === 0) return;
    const top = this.list.scrollTop;
    let offset = 0;
    for (let index = 0; index < this.start; index += 1) offset += this.heightOf(index);
    if (top >= offset - 200) return;
    let index = 0;
    let position = 0;
    while (index < this.start && position + this.heightOf(index) <= top) {
      position += this.heightOf(index);
      index += 1;
    }
    this.start = Math.max(0, index - 10);
    this.end = Math.min(this.column.tasks.length, this.start + step * 2);
    this.render();
  }

  get column() {
    return this.data.columns.get(this.status);
  }

  /** The visible cards, top to bottom. */
  get cards() {
    return [...this.list.querySelectorAll('.card')];
  }

  reset() {
    this.start = 0;
    this.end = firstPaint;
    this.droppedHeights.clear();
    this.list.scrollTop = 0;
  }

  render() {
    const { tasks, count, done } = this.column;
    this.countElement.textContent = String(count);
    this.countElement.setAttribute('aria-label', tn('board.taskCount', count));
    this.end = Math.min(Math.max(this.end, this.start + Math.min(step, firstPaint)), tasks.length);
    if (this.start >= this.end) this.start = Math.max(0, this.end - step);
    let spacerHeight = 0;
    for (let index = 0; index < this.start; index += 1) spacerHeight += this.heightOf(index);
    this.spacer.style.height = `${spacerHeight}px`;
    const focusedID = this.list.contains(document.activeElement) ? document.activeElement.dataset?.taskId : null;
    const nodes = tasks.slice(this.start, this.end).map((task) => this.cardFor(task));
    this.bottomSentinel.textContent = done && this.end >= tasks.length ? '' : t('board.loadingMore');
    const empty = tasks.length === 0 && done ? h('p', { class: 'column-empty', text: t('board.emptyColumn') }) : null;
    this.list.replaceChildren(this.spacer, this.topSentinel, ...nodes, empty ?? '', this.bottomSentinel);
    if (focusedID) this.list.querySelector(`[data-task-id="${CSS.escape(focusedID)}"]`)?.focus({ preventScroll: true });
    // An observer reports only changes of visibility: an edge still in view after this render
    // (short cards, a jump to the top) would never be reported again, so look once more.
    cancelAnimationFrame(this.edgeCheck);
    this.edgeCheck = requestAnimationFrame(() => this.checkEdges());
  }

  checkEdges() {
    if (!this.list.isConnected || this.element.hidden) return;
    const view = this.list.getBoundingClientRect();
    const margin = 400;
    const top = this.topSentinel.getBoundingClientRect();
    const bottom = this.bottomSentinel.getBoundingClientRect();
    const { tasks, done } = this.column;
    this.jumpIntoSpacer();
    if (this.start > 0 && top.bottom >= view.top - margin) this.shrinkTop();
    else if ((this.end < tasks.length || !done) && bottom.top <= view.bottom + margin && !this.column.loading) this.grow();
  }

  /** Shows more below: loaded cards first, then the next page. */
  async grow() {
    const column = this.column;
    if (this.end >= column.tasks.length) {
      if (column.done) return;
      await this.data.loadMore(this.status);
    }
    this.end = Math.min(this.end + step, this.column.tasks.length);
    if (this.end - this.start > maxRendered) {
      const dropped = this.cards.slice(0, step);
      for (const card of dropped) this.droppedHeights.set(card.dataset.taskId, card.offsetHeight + 8);
      this.start += dropped.length;
    }
    this.render();
  }

  /** Brings back cards dropped above, as the person scrolls up to them. */
  shrinkTop() {
    if (this.start === 0) return;
    this.start = Math.max(0, this.start - step);
    if (this.end - this.start > maxRendered) this.end = this.start + maxRendered;
    this.render();
  }

  /** Makes sure the task at this index of the loaded column is rendered (keyboard focus). */
  async reveal(index) {
    while (index >= this.end && (this.end < this.column.tasks.length || !this.column.done)) await this.grow();
    if (index < this.start) {
      this.start = Math.max(0, index - 10);
      this.end = Math.min(this.column.tasks.length, this.start + step);
      this.render();
    }
  }
}
