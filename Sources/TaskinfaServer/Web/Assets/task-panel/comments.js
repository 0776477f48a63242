// The task's conversation: people's comments, the agent's progress, questions, summaries and
// errors, each shown for what it is; a composer that comments or sends a message to the agent.
import { api, renderMarkdown } from '../api.js';
import { h, insertSanitisedHTML } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';

export function commentsSection(task) {
  const list = h('ol', { class: 'comments', 'aria-label': t('comments.title') });
  const more = h('button', { type: 'button', class: 'link', hidden: true }, t('comments.more'));
  let cursor = null;
  const seen = new Set();

  const renderComment = (comment, html) => {
    const bot = comment.author.type === 'bot';
    const body = h('div', { class: 'markdown comment-body' });
    insertSanitisedHTML(body, html);
    return h('li', { class: ['comment', `comment-${comment.type}`, bot && 'comment-bot'], dataset: { commentId: comment.id } },
      h('div', { class: 'comment-head' },
        h('span', { class: ['avatar', bot && 'bot'], 'aria-hidden': 'true' }, bot ? t('card.botBadge') : (comment.author.name[0] ?? '?').toUpperCase()),
        h('strong', { text: comment.author.name }),
        comment.type !== 'comment' && h('span', { class: ['comment-type', `type-${comment.type}`], text: t(`comments.type.${comment.type}`) }),
        comment.loop_number ? h('span', { class: 'hint', text: t('comments.loop', { loop: comment.loop_number }) }) : null,
        h('time', { datetime: comment.created_at, title: formatDateTime(comment.created_at), text: formatRelative(comment.created_at) })),
      body);
  };

  /** A bot's answer goes under the message it answers (when that message is on the page). */
  const place = (node, comment, prepend) => {
    const parent = comment.reply_to ? list.querySelector(`[data-comment-id="${CSS.escape(comment.reply_to)}"]`) : null;
    if (!parent) {
      if (prepend) list.prepend(node);
      else list.append(node);
      return;
    }
    let replies = parent.querySelector(':scope > .replies');
    if (!replies) {
      replies = h('ol', { class: 'replies', 'aria-label': t('comments.replies', { name: parent.querySelector('strong')?.textContent ?? '' }) });
      parent.append(replies);
    }
    replies.append(node);
  };

  const add = async (comments, { prepend = false } = {}) => {
    const fresh = comments.filter((comment) => !seen.has(comment.id));
    if (!fresh.length) return;
    const html = await renderMarkdown(fresh.map((comment) => comment.body));
    fresh.forEach((comment, index) => {
      seen.add(comment.id);
      place(renderComment(comment, html[index]), comment, prepend);
    });
  };

  const loadPage = async () => {
    const page = await api.get(`/tasks/${encodeURIComponent(task.id)}/comments`, { limit: 50, cursor: cursor ?? undefined });
    await add(page.comments);
    cursor = page.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => loadPage());

  const body = field({ label: t('comments.new'), name: 'body', type: 'textarea', rows: 3, placeholder: t('comments.placeholder') });
  const form = h('form', { class: 'form comment-form', novalidate: true }, body,
    h('div', { class: 'row-actions' },
      h('button', { type: 'submit', class: 'secondary', value: 'comment' }, t('comments.send')),
      h('button', { type: 'submit', class: 'primary', value: 'human_message', title: t('comments.sendToAIHint') }, t('comments.sendToAI'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const type = event.submitter?.value === 'human_message' ? 'human_message' : 'comment';
    whileBusy(form, async () => {
      try {
        const comment = await api.post(`/tasks/${encodeURIComponent(task.id)}/comments`, { body: body.control.value, type });
        body.control.value = '';
        await add([comment]);
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  body.control.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const element = h('section', { class: 'panel-section', 'aria-labelledby': `comments-${task.id}` },
    h('h3', { id: `comments-${task.id}`, text: t('comments.title') }), list, more, form);
  return {
    element,
    load: loadPage,
    /** A comment.created event for this task. */
    added: (comment) => add([comment]),
  };
}
