// Reviewing an agent's work: the files it changed with their +/− counts, a unified diff per file
// (collapsible; a large change opens its files on demand), comments on lines, and the verdict —
// Request changes sends the comments (file, line, the quoted lines) to the agent as one message
// and puts the task back in To Do; Approve moves it to Done. Patch text is text: every line goes
// in through textContent.
import { api, request } from '../api.js';
import { h, replace } from '../dom.js';
import { showErrors, whileBusy } from '../forms.js';
import { t, tn } from '../i18n.js';
import { openDialog } from '../shell/dialog.js';
import { announce, toast } from '../shell/toast.js';

const openByDefault = 20;
const quoteContext = 3;

export function openDiffReview({ task, execution, onReviewed }) {
  const comments = [];
  const body = h('div', { class: 'diff-review', 'aria-busy': 'true' }, h('p', { class: 'hint', text: t('review.loading') }));
  const { close } = openDialog({
    title: t('review.title', { key: task.key, attempt: execution.attempt }), wide: true, className: 'dialog-review',
    content: () => body,
  });
  const canDecide = task.status === 'review';
  const pendingList = h('ol', { class: 'review-pending' });
  const summary = h('textarea', { id: 'review-summary', name: 'summary', rows: 3, placeholder: t('review.summaryPlaceholder') });
  const form = h('form', { class: 'form review-form', novalidate: true },
    h('h3', { text: t('review.yourReview') }), pendingList,
    h('div', { class: 'field', dataset: { field: 'summary' } },
      h('label', { for: 'review-summary', text: t('review.summary') }), summary, h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'field', dataset: { field: 'comments' } }, h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.close')),
      h('button', { type: 'submit', class: 'danger', value: 'request_changes', dataset: { decision: 'request_changes' } }, t('review.requestChanges')),
      h('button', { type: 'submit', class: 'primary', value: 'approve', dataset: { decision: 'approve' } }, t('review.approve'))));

  const renderPending = () => {
    replace(pendingList, comments.map((comment, index) => h('li', {},
      h('span', { class: 'hint', text: t('review.commentAt', { path: comment.path, line: comment.line }) }), ' ',
      h('span', { text: comment.body }), ' ',
      h('button', { type: 'button', class: 'link', 'aria-label': t('review.removeComment', { path: comment.path, line: comment.line }), onclick: () => { comment.remove(); } }, t('action.delete')))));
    form.querySelector('[data-decision="approve"]').disabled = comments.length > 0;
    form.querySelector('[data-decision="approve"]').title = comments.length ? t('review.approveWithComments') : '';
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const decision = event.submitter?.dataset.decision ?? 'request_changes';
    whileBusy(form, async () => {
      try {
        const result = await request('POST', `/tasks/${encodeURIComponent(task.id)}/review`, {
          ifMatch: task.version,
          body: {
            decision, summary: summary.value.trim() || null,
            comments: decision === 'approve' ? [] : comments.map(({ path, line, side, quote, body: text }) => ({ path, line, side, quote, body: text })),
          },
        });
        toast(decision === 'approve' ? t('review.approved', { key: task.key }) : t('review.sentBack', { key: task.key }));
        close();
        onReviewed?.(result.data);
      } catch (error) {
        showErrors(form, error);
      }
    });
  });

  /** A hunk's lines as table rows, each line with its comment button. */
  const fileRows = (file) => {
    const rows = [];
    for (const hunk of file.hunks) {
      rows.push(h('tr', { class: 'diff-hunk' }, h('td', { colspan: 3, text: hunk.header })));
      hunk.lines.forEach((line, index) => {
        const marker = { added: '+', removed: '-', context: ' ', note: '\\' }[line.kind];
        const number = line.kind === 'removed' ? line.old_line : line.new_line;
        const side = line.kind === 'removed' ? 'old' : 'new';
        const cells = [
          h('td', { class: 'diff-number', text: line.old_line ?? '' }),
          h('td', { class: 'diff-number' }, number && line.kind !== 'note'
            ? h('button', {
              type: 'button', class: 'diff-comment-button', text: line.new_line ?? '·',
              'aria-label': t('review.commentOn', { path: file.path, line: number }),
              onclick: (event) => startComment(event.currentTarget.closest('tr'), { file, hunk, index, line: number, side }),
            })
            : (line.new_line ?? '')),
          h('td', { class: 'diff-text' }, h('span', { class: 'diff-marker', 'aria-hidden': 'true', text: marker }), h('span', { text: line.text })),
        ];
        rows.push(h('tr', { class: `diff-line diff-${line.kind}`, dataset: { line: String(number ?? ''), side } }, cells));
      });
    }
    return rows;
  };

  const startComment = (row, { file, hunk, index, line, side }) => {
    if (!canDecide) return;
    const textarea = h('textarea', { rows: 3, 'aria-label': t('review.commentOn', { path: file.path, line }), class: 'diff-comment-input' });
    const quote = hunk.lines.slice(Math.max(0, index - quoteContext), index + 1)
      .filter((item) => item.kind !== 'note')
      .map((item) => `${{ added: '+', removed: '-', context: ' ' }[item.kind]}${item.text}`).join('\n');
    const editor = h('tr', { class: 'diff-comment-row' }, h('td', { colspan: 3 },
      h('div', { class: 'diff-comment' }, textarea,
        h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'secondary small', onclick: () => editor.remove() }, t('action.cancel')),
          h('button', {
            type: 'button', class: 'primary small',
            onclick: () => {
              const text = textarea.value.trim();
              if (!text) { textarea.focus(); return; }
              const comment = { path: file.path, line, side, quote, body: text };
              const note = h('tr', { class: 'diff-comment-row saved' }, h('td', { colspan: 3 },
                h('div', { class: 'diff-comment saved' }, h('strong', { text: t('review.pendingComment') }), ' ', h('span', { text: text }),
                  h('button', { type: 'button', class: 'link', onclick: () => comment.remove() }, t('action.delete')))));
              comment.remove = () => {
                note.remove();
                comments.splice(comments.indexOf(comment), 1);
                renderPending();
              };
              comments.push(comment);
              editor.replaceWith(note);
              renderPending();
              announce(t('review.commentAdded', { path: file.path, line }));
            },
          }, t('review.addComment'))))));
    row.after(editor);
    textarea.focus();
  };

  const fileSection = (file, index) => {
    const table = h('table', { class: 'diff-table' }, h('caption', { class: 'visually-hidden', text: file.path }));
    const tbody = h('tbody');
    table.append(tbody);
    const fill = () => { if (!tbody.childElementCount) tbody.append(...fileRows(file)); };
    const details = h('details', { class: 'diff-file', open: index < openByDefault },
      h('summary', {},
        h('span', { class: 'diff-path', text: file.old_path ? `${file.old_path} → ${file.path}` : file.path }), ' ',
        h('span', { class: 'diff-change', text: t(`review.change.${file.change}`) }), ' ',
        file.binary ? h('span', { class: 'hint', text: t('review.binary') })
          : [h('span', { class: 'diff-plus', text: `+${file.additions}` }), ' ', h('span', { class: 'diff-minus', text: `−${file.deletions}` })]),
      file.binary ? h('p', { class: 'hint', text: t('review.binaryNote') }) : h('div', { class: 'diff-scroll' }, table));
    if (details.open) fill();
    details.addEventListener('toggle', () => { if (details.open) fill(); });
    return details;
  };

  const formatSize = (bytes) => (bytes == null ? '' : bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`);

  api.get(`/tasks/${encodeURIComponent(task.id)}/executions/${encodeURIComponent(execution.id)}/diff`).then((diff) => {
    body.removeAttribute('aria-busy');
    replace(body,
      h('p', { class: 'diff-totals' },
        tn('review.files', diff.files.length), ' · ',
        h('span', { class: 'diff-plus', text: `+${diff.additions}` }), ' ', h('span', { class: 'diff-minus', text: `−${diff.deletions}` }),
        execution.branch ? [' · ', h('code', { text: execution.branch })] : null),
      canDecide ? h('p', { class: 'hint', text: t('review.howTo') }) : h('p', { class: 'hint', text: t('review.notInReview') }),
      diff.files.length ? diff.files.map(fileSection) : h('p', { class: 'hint', text: t('review.noChanges') }),
      diff.omitted.length ? h('section', { class: 'diff-omitted' },
        h('h3', { text: t('review.omitted') }),
        h('ul', {}, diff.omitted.map((file) => h('li', {}, h('code', { text: file.path }), ` — ${t(`review.omitted.${file.reason}`)} ${formatSize(file.size)}`)))) : null,
      canDecide ? form : h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('action.close'))));
    renderPending();
  }).catch((error) => {
    body.removeAttribute('aria-busy');
    replace(body, h('p', { class: error.status === 404 ? 'hint' : 'form-error', role: 'alert', text: error.status === 404 ? t('review.noDiff') : error.message }),
      canDecide ? form : null);
    renderPending();
  });
}
