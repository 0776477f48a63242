// An execution's output, live: it follows the log stream (server-sent events, resumed by
// Last-Event-ID after a drop) while the execution runs and reads it to the end once it has.
// Only the lines in view are in the DOM (fixed line height, a spacer for the rest), so 200k lines
// scroll as smoothly as 20; arrivals are drawn once per frame however fast they come. "Follow"
// keeps the newest line in view until the person scrolls up; search jumps between matches; copy
// takes the plain text.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { toast } from '../shell/toast.js';
import { parseANSI, renderSegments, stripANSI } from './ansi.js';

const lineHeight = 18;
const overscan = 30;

export function logViewer({ taskID, executionID, running }) {
  const lines = [];
  /** The ANSI style each line starts with, where it isn't plain (colour spans lines). */
  const startStyles = new Map();
  let carried = {};
  let following = true;
  let matches = [];
  let matchIndex = -1;
  let frame = 0;
  let unseen = 0;

  const spacer = h('div', { class: 'log-spacer' });
  const windowed = h('div', { class: 'log-lines' });
  const scroller = h('div', {
    class: 'log-scroller', tabindex: '0', role: 'log', 'aria-label': t('logs.region'), 'aria-live': 'off',
  }, spacer, windowed);
  const search = h('input', { type: 'search', class: 'log-search', placeholder: t('logs.search'), 'aria-label': t('logs.search') });
  const counter = h('span', { class: 'hint log-count', role: 'status' });
  const followButton = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': 'true' }, t('logs.following'));
  const state = h('span', { class: 'hint log-state', role: 'status' }, running ? t('logs.live') : t('logs.loading'));
  const element = h('div', { class: 'log-viewer' },
    h('div', { class: 'log-toolbar' }, search, counter, followButton,
      h('button', { type: 'button', class: 'secondary small', onclick: copyAll }, t('logs.copy')), state),
    scroller);

  function draw() {
    frame = 0;
    spacer.style.height = `${lines.length * lineHeight}px`;
    if (following) scroller.scrollTop = scroller.scrollHeight;
    const first = Math.max(0, Math.floor(scroller.scrollTop / lineHeight) - overscan);
    const visible = Math.ceil((scroller.clientHeight || 320) / lineHeight) + overscan * 2;
    const last = Math.min(lines.length, first + visible);
    const current = matches[matchIndex];
    const rows = [];
    for (let index = first; index < last; index += 1) {
      const line = lines[index];
      const row = document.createElement('div');
      row.className = `log-line log-${line.stream}${index === current ? ' log-match-current' : ''}`;
      row.style.top = `${index * lineHeight}px`;
      row.dataset.sequence = line.sequence;
      if (line.text.includes('\u001b') || startStyles.has(index)) {
        row.append(...renderSegments(parseANSI(line.text, startStyles.get(index) ?? {}).segments));
      } else {
        row.textContent = line.text;
      }
      rows.push(row);
    }
    windowed.replaceChildren(...rows);
    followButton.textContent = following ? t('logs.following') : (unseen ? t('logs.newLines', { count: unseen }) : t('logs.follow'));
    followButton.setAttribute('aria-pressed', String(following));
  }
  const schedule = () => { frame ||= requestAnimationFrame(draw); };

  function add(entry) {
    // A multi-line text is several rows.
    for (const text of entry.text.split('\n')) {
      if (Object.keys(carried).length) startStyles.set(lines.length, carried);
      if (text.includes('\u001b')) {
        const style = parseANSI(text, carried).style;
        carried = Object.values(style).some(Boolean) ? style : {};
      }
      lines.push({ sequence: entry.sequence, stream: entry.stream, text });
      if (!following) unseen += 1;
    }
    schedule();
  }

  scroller.addEventListener('scroll', () => {
    const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - lineHeight;
    if (following && !atBottom) following = false;
    else if (!following && atBottom) { following = true; unseen = 0; }
    schedule();
  }, { passive: true });
  followButton.addEventListener('click', () => {
    following = true;
    unseen = 0;
    schedule();
  });

  function findMatches() {
    const needle = search.value.trim().toLowerCase();
    matches = [];
    if (needle) lines.forEach((line, index) => { if (stripANSI(line.text).toLowerCase().includes(needle)) matches.push(index); });
    matchIndex = matches.length ? 0 : -1;
    reveal();
  }
  function reveal() {
    counter.textContent = search.value.trim() ? t('logs.matches', { current: matches.length ? matchIndex + 1 : 0, count: matches.length }) : '';
    if (matchIndex >= 0) {
      following = false;
      scroller.scrollTop = Math.max(0, matches[matchIndex] * lineHeight - scroller.clientHeight / 2);
    }
    schedule();
  }
  let typing = 0;
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(findMatches, 120); });
  search.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !matches.length) return;
    event.preventDefault();
    matchIndex = (matchIndex + (event.shiftKey ? matches.length - 1 : 1)) % matches.length;
    reveal();
  });

  async function copyAll() {
    try {
      await navigator.clipboard.writeText(lines.map((line) => stripANSI(line.text)).join('\n'));
      toast(t('logs.copied', { count: lines.length }));
    } catch {
      toast(t('keys.copyManually'), { kind: 'error' });
    }
  }

  // A browser holds at most six connections per server and every open stream keeps one: a hidden
  // tab lets go of its log stream and, when shown again, resumes after the last line it has.
  const url = `/api/v1/tasks/${encodeURIComponent(taskID)}/executions/${encodeURIComponent(executionID)}/logs`;
  let source = null;
  let lastSequence = 0;
  let ended = false;
  const open = () => {
    if (source || ended) return;
    source = new EventSource(lastSequence ? `${url}?after=${lastSequence}` : url);
    source.addEventListener('log', (event) => {
      const entry = JSON.parse(event.data);
      if (entry.sequence <= lastSequence) return;
      lastSequence = entry.sequence;
      add(entry);
    });
    source.addEventListener('end', () => {
      ended = true;
      shut();
      state.textContent = t('logs.ended', { count: lines.length });
    });
    source.addEventListener('open', () => { if (running) state.textContent = t('logs.live'); });
    source.addEventListener('error', () => {
      state.textContent = source?.readyState === EventSource.CLOSED ? t('logs.closed') : t('logs.reconnecting');
    });
  };
  const shut = () => {
    source?.close();
    source = null;
  };
  const onVisibility = () => (document.hidden ? shut() : open());
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', shut);
  window.addEventListener('pageshow', open);
  open();
  schedule();
  return {
    element,
    lineCount: () => lines.length,
    close: () => {
      ended = true;
      shut();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', shut);
      window.removeEventListener('pageshow', open);
    },
  };
}
