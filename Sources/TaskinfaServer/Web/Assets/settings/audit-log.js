// The workspace's audit log (admins): who did what, when and from where, filtered, a page at a
// time, exported as CSV or JSON; and the workspace's security settings above it (require
// two-factor sign-in, how long entries are kept).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { field, showErrors, whileBusy } from '../forms.js';
import { formatDateTime, formatRelative, t } from '../i18n.js';
import { currentUser, loadSession, workspace } from '../session.js';
import { downloadText } from '../shell/download.js';
import { toast, toastError } from '../shell/toast.js';

export function outcomeBadge(outcome) {
  const kind = { success: 'ok', denied: 'danger', failure: 'warn' }[outcome] ?? '';
  return h('span', { class: ['badge', kind], text: t(`audit.outcome.${outcome}`) });
}

function securityForm(workspaceID) {
  const current = workspace(workspaceID);
  const enrolled = Boolean(currentUser()?.two_factor_enabled);
  // Turning it on takes one's own second factor (the server says so too); turning it off never does.
  const require = h('input', {
    type: 'checkbox', id: 'require-two-factor', name: 'require_two_factor', checked: Boolean(current?.require_two_factor),
    disabled: !enrolled && !current?.require_two_factor, 'aria-describedby': 'require-two-factor-hint',
  });
  const retention = field({
    label: t('audit.retention'), name: 'audit_retention_days', type: 'number', min: 7, max: 3650,
    value: String(current?.audit_retention_days ?? 365), hint: t('audit.retentionHint'),
  });
  const domains = field({
    label: t('sso.domains'), name: 'sso_domains', value: (current?.sso_domains ?? []).join(', '), placeholder: 'example.com', hint: t('sso.domainsHint'),
  });
  const joinRole = field({
    label: t('sso.role'), name: 'sso_role', type: 'select', value: current?.sso_role ?? 'member',
    options: ['viewer', 'member', 'admin'].map((value) => ({ value, label: t(`role.${value}`) })),
  });
  const form = h('form', { class: 'form security-form', novalidate: true },
    h('div', { class: 'field checkbox-field', dataset: { field: 'require_two_factor' } },
      h('label', { for: 'require-two-factor' }, require, ' ', t('audit.requireTwoFactor')),
      h('p', { class: 'hint', id: 'require-two-factor-hint', text: enrolled ? t('audit.requireHint') : t('audit.requireNeedsYours') }),
      h('p', { class: 'field-error', hidden: true })),
    retention, domains, joinRole,
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('action.save'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(form, async () => {
      try {
        await api.patch(`/workspaces/${encodeURIComponent(workspaceID)}`, {
          require_two_factor: require.checked, audit_retention_days: Number(retention.control.value),
          sso_domains: domains.control.value.split(',').map((domain) => domain.trim()).filter(Boolean), sso_role: joinRole.control.value,
        });
        await loadSession();
        toast(t('audit.securitySaved'));
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return form;
}

function detailsCell(details = {}) {
  const { fields, status, ...values } = details;
  const parts = Object.entries(values).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : value}`);
  if (fields?.length) parts.unshift(`${t('audit.fields')}: ${fields.join(', ')}`);
  if (!parts.length) return h('td', { text: status ? `HTTP ${status}` : '—' });
  const summary = parts.join(' · ');
  return h('td', { class: 'wrap audit-details' }, summary.length > 140
    ? h('details', {}, h('summary', { text: `${summary.slice(0, 120)}…` }), h('p', { text: summary }))
    : summary);
}

export function auditLogSection(body, { workspaceID }) {
  const path = `/workspaces/${encodeURIComponent(workspaceID)}/audit-log`;
  const action = field({ label: t('audit.action'), name: 'action', list: 'audit-actions', placeholder: 'task.', 'aria-describedby': 'audit-filter-hint' });
  const outcome = field({
    label: t('audit.outcome'), name: 'outcome', type: 'select', value: '',
    options: [{ value: '', label: t('audit.anyOutcome') }, ...['success', 'denied', 'failure'].map((value) => ({ value, label: t(`audit.outcome.${value}`) }))],
  });
  const actor = field({ label: t('audit.actor'), name: 'actor_id', type: 'select', value: '', options: [{ value: '', label: t('audit.anyone') }] });
  const since = field({ label: t('audit.since'), name: 'since', type: 'date' });
  const until = field({ label: t('audit.until'), name: 'until', type: 'date' });
  const datalist = h('datalist', { id: 'audit-actions' },
    ['auth.', 'member.', 'invitation.', 'api_key.', 'workspace.', 'project.', 'task.', 'worker.', 'execution.', 'two_factor.'].map((value) => h('option', { value })));
  const filters = h('form', { class: 'form audit-filters', novalidate: true, role: 'search', 'aria-label': t('audit.filters') },
    action, datalist, actor, outcome, since, until,
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('audit.apply'))));
  const table = h('tbody');
  const status = h('p', { class: 'hint', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('audit.more'));
  let cursor = null;

  api.get(`/workspaces/${encodeURIComponent(workspaceID)}/members`).then((result) => {
    for (const member of result.members) actor.control.append(h('option', { value: member.user.id }, member.user.name));
  }).catch(() => {});

  const parameters = () => ({
    action: action.control.value.trim(), outcome: outcome.control.value, actor_id: actor.control.value,
    since: since.control.value ? new Date(`${since.control.value}T00:00:00`).toISOString() : '',
    until: until.control.value ? new Date(new Date(`${until.control.value}T00:00:00`).getTime() + 86_400_000).toISOString() : '',
  });
  const row = (entry) => h('tr', {},
    h('td', {}, h('time', { datetime: entry.created_at, title: formatDateTime(entry.created_at), text: formatRelative(entry.created_at) })),
    h('td', {}, h('span', { text: entry.actor_name }), h('span', { class: 'hint block', text: t(`audit.actorType.${entry.actor_type}`) })),
    h('td', {}, h('code', { text: entry.action })),
    h('td', { class: 'wrap', text: entry.resource_id ?? '—' }),
    h('td', {}, outcomeBadge(entry.outcome)),
    h('td', { text: entry.ip_address ?? '—' }),
    detailsCell(entry.details));
  const load = async ({ append = false } = {}) => {
    const result = await api.get(path, { ...parameters(), limit: 50, cursor: append ? cursor : undefined });
    if (!append) table.replaceChildren();
    table.append(...result.entries.map(row));
    cursor = result.next_cursor ?? null;
    more.hidden = !cursor;
    status.textContent = table.children.length ? t('audit.shown', { count: table.children.length }) : t('audit.empty');
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(filters, async () => {
      try {
        await load();
      } catch (error) {
        showErrors(filters, error);
      }
    });
  });
  more.addEventListener('click', () => load({ append: true }).catch((error) => toastError(error)));
  const exportAs = (format) => async () => {
    try {
      const text = await api.text(path, { ...parameters(), format }, format === 'csv' ? 'text/csv' : 'application/json');
      downloadText(`audit-log.${format}`, text, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
    } catch (error) {
      toastError(error);
    }
  };

  replace(body, h('section', { 'aria-labelledby': 'audit-heading' },
    h('h2', { id: 'audit-heading', text: t('settings.audit-log') }),
    h('h3', { text: t('audit.security') }),
    securityForm(workspaceID),
    h('h3', { text: t('audit.entries') }),
    h('p', { class: 'hint', text: t('audit.explain') }),
    h('p', { class: 'hint', id: 'audit-filter-hint', text: t('audit.actionHint') }),
    filters,
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: exportAs('csv') }, t('audit.exportCSV')),
      h('button', { type: 'button', class: 'secondary', onclick: exportAs('json') }, t('audit.exportJSON'))),
    status,
    h('div', { class: 'table-scroll' }, h('table', { class: 'table audit-table' },
      h('caption', { class: 'visually-hidden', text: t('settings.audit-log') }),
      h('thead', {}, h('tr', {}, ['audit.when', 'audit.actor', 'audit.action', 'audit.resource', 'audit.outcome', 'sessions.address', 'audit.details'].map((key) => h('th', { scope: 'col', text: t(key) })))),
      table)),
    more));
  load().catch((error) => toastError(error, () => load()));
}
