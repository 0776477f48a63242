// Analytics (plan §5.9): throughput, burndown, where tasks are, cycle time by priority, and what
// the agents did — runs, success, loops, duration, retries, tokens and cost per worker and per
// agent CLI, why runs stopped, and the tasks stuck far longer than their column's median. The
// server computes every figure; the page draws them and keeps the period and project in the URL.
import { api } from '../api.js';
import { columnName, columns, priorities, priorityName } from '../board/columns.js';
import { h, replace } from '../dom.js';
import { field } from '../forms.js';
import { formatDuration, t } from '../i18n.js';
import { paths, updateQuery } from '../router.js';
import { chart } from './charts.js';
import { downloadCSV } from './csv.js';

export function analyticsPage(container, { workspaceID, directory, query }) {
  const period = field({
    label: t('analytics.period'), name: 'period', type: 'select', value: query.get('period') ?? 'week',
    options: ['day', 'week', 'month'].map((value) => ({ value, label: t(`analytics.period.${value}`) })),
  });
  const project = field({ label: t('analytics.project'), name: 'project_id', type: 'select', value: query.get('project_id') ?? '', options: [{ value: '', label: t('analytics.allProjects') }] });
  const content = h('div', { class: 'analytics-content', 'aria-live': 'polite', 'aria-busy': 'true' });
  replace(container, h('div', { class: 'page analytics' },
    h('div', { class: 'page-head' }, h('h1', { text: t('analytics.title') }),
      h('form', { class: 'analytics-filters', onsubmit: (event) => event.preventDefault() }, period, project)),
    content));

  directory.ready.then(() => {
    const chosen = query.get('project_id') ?? '';
    for (const item of directory.projects()) project.control.append(h('option', { value: item.id, selected: item.id === chosen }, item.name));
  });

  const bucketLabel = (bucket, kind) => {
    const start = new Date(bucket.start);
    const options = kind === 'month' ? { month: 'short', year: '2-digit', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' };
    return new Intl.DateTimeFormat(undefined, options).format(start);
  };

  const agentTable = (id, title, rows) => {
    const headers = ['analytics.agent', 'analytics.runs', 'analytics.successRate', 'analytics.meanLoops', 'analytics.meanDuration', 'analytics.retries', 'analytics.tokens', 'analytics.cost'];
    const values = rows.map((row) => [row.name, row.runs, `${Math.round(row.success_rate * 100)} %`, row.mean_loops.toFixed(1), formatDuration(row.mean_duration_seconds), row.retries,
      `${row.input_tokens} / ${row.output_tokens}`, `$${row.cost_usd.toFixed(2)}`]);
    return h('section', { class: 'analytics-section', 'aria-labelledby': id },
      h('div', { class: 'section-head' }, h('h3', { id, text: title }),
        rows.length ? h('button', {
          type: 'button', class: 'secondary small', 'aria-label': t('analytics.csvNamed', { title }),
          onclick: () => downloadCSV(`${id}.csv`, ['name', 'runs', 'succeeded', 'success_rate', 'mean_loops', 'mean_duration_seconds', 'retries', 'input_tokens', 'output_tokens', 'cost_usd'],
            rows.map((row) => [row.name, row.runs, row.succeeded, row.success_rate, row.mean_loops, row.mean_duration_seconds, row.retries, row.input_tokens, row.output_tokens, row.cost_usd])),
        }, t('analytics.csv')) : null),
      rows.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'table', dataset: { figures: id } },
        h('caption', { class: 'visually-hidden', text: title }),
        h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col', text: t(key) })))),
        h('tbody', {}, values.map((cells, index) => h('tr', { dataset: { id: rows[index].id } },
          h('th', { scope: 'row', text: cells[0] }),
          cells.slice(1).map((value) => h('td', { text: String(value) })))))))
        : h('p', { class: 'hint', text: t('analytics.noRuns') }));
  };

  const render = (report) => {
    content.removeAttribute('aria-busy');
    const labels = report.buckets.map((bucket) => bucketLabel(bucket, report.period));
    const bucketRows = report.buckets.map((bucket) => [bucket.start, bucket.end, bucket.done, bucket.created, bucket.remaining]);
    const bucketCSV = (name) => ({ filename: `${name}-${report.period}.csv`, headers: ['start', 'end', 'done', 'created', 'remaining'], rows: bucketRows });
    const hours = (seconds) => seconds / 3600;
    const cycle = priorities.map((priority) => report.cycle_times.find((item) => item.priority === priority) ?? { priority, count: 0, p50_seconds: 0, p90_seconds: 0 });
    replace(content,
      h('div', { class: 'analytics-grid' },
        chart({
          id: 'chart-throughput', title: t('analytics.throughput'), labels,
          series: [{ name: t('analytics.done'), values: report.buckets.map((bucket) => bucket.done), className: 'series-done' }],
          csv: bucketCSV('throughput'),
        }),
        chart({
          id: 'chart-burndown', title: t('analytics.burndown'), kind: 'line', labels,
          series: [{ name: t('analytics.remaining'), values: report.buckets.map((bucket) => bucket.remaining), className: 'series-remaining' }],
          csv: bucketCSV('burndown'),
        }),
        chart({
          id: 'chart-status', title: t('analytics.status'), labels: columns.map(columnName),
          series: [{ name: t('analytics.tasks'), values: columns.map((status) => report.status_counts[status] ?? 0), className: 'series-status' }],
          csv: { filename: 'status.csv', headers: ['status', 'tasks'], rows: columns.map((status) => [status, report.status_counts[status] ?? 0]) },
        }),
        chart({
          id: 'chart-cycle', title: t('analytics.cycleTime'), labels: cycle.map((item) => priorityName(item.priority)),
          format: (value) => formatDuration(value * 3600),
          series: [
            { name: 'p50', values: cycle.map((item) => hours(item.p50_seconds)), className: 'series-p50' },
            { name: 'p90', values: cycle.map((item) => hours(item.p90_seconds)), className: 'series-p90' },
          ],
          csv: { filename: 'cycle-time.csv', headers: ['priority', 'tasks', 'p50_seconds', 'p90_seconds'], rows: cycle.map((item) => [item.priority, item.count, item.p50_seconds, item.p90_seconds]) },
        })),
      h('h2', { class: 'analytics-heading', text: t('analytics.agents') }),
      agentTable('figures-workers', t('analytics.byWorker'), report.workers),
      agentTable('figures-executors', t('analytics.byExecutor'), report.executors),
      h('section', { class: 'analytics-section', 'aria-labelledby': 'stop-reasons' },
        h('h3', { id: 'stop-reasons', text: t('analytics.stopReasons') }),
        report.stop_reasons.length ? h('table', { class: 'table' },
          h('caption', { class: 'visually-hidden', text: t('analytics.stopReasons') }),
          h('thead', {}, h('tr', {}, ['analytics.outcome', 'analytics.reason', 'analytics.count'].map((key) => h('th', { scope: 'col', text: t(key) })))),
          h('tbody', {}, report.stop_reasons.map((item) => h('tr', {},
            h('td', { text: t(`executions.status.${item.outcome}`) }), h('td', { text: item.reason || '—' }), h('td', { text: String(item.count) })))))
          : h('p', { class: 'hint', text: t('analytics.noStops') })),
      h('section', { class: 'analytics-section', 'aria-labelledby': 'bottlenecks' },
        h('h3', { id: 'bottlenecks', text: t('analytics.bottlenecks') }),
        h('p', { class: 'hint', text: t('analytics.bottlenecksHint') }),
        report.bottlenecks.length ? h('table', { class: 'table' },
          h('caption', { class: 'visually-hidden', text: t('analytics.bottlenecks') }),
          h('thead', {}, h('tr', {}, ['analytics.task', 'analytics.column', 'analytics.waiting', 'analytics.median'].map((key) => h('th', { scope: 'col', text: t(key) })))),
          h('tbody', {}, report.bottlenecks.map((item) => h('tr', {},
            h('td', {}, h('a', { href: paths.task(workspaceID, item.key) }, item.key), ' ', h('span', { text: item.title })),
            h('td', { text: columnName(item.status) }), h('td', { text: formatDuration(item.age_seconds) }), h('td', { text: formatDuration(item.column_median_seconds) })))))
          : h('p', { class: 'hint', text: t('analytics.noBottlenecks') })));
  };

  const load = async () => {
    content.setAttribute('aria-busy', 'true');
    const parameters = { period: period.control.value, project_id: project.control.value || undefined };
    const search = new URLSearchParams();
    if (parameters.period !== 'week') search.set('period', parameters.period);
    if (parameters.project_id) search.set('project_id', parameters.project_id);
    updateQuery(search);
    render(await api.get(`/workspaces/${encodeURIComponent(workspaceID)}/analytics`, parameters));
  };
  const reload = () => load().catch((error) => replace(content, h('p', { class: 'form-error', role: 'alert', text: error.message })));
  period.control.addEventListener('change', reload);
  project.control.addEventListener('change', reload);
  reload();
  return { applyEvent() {}, close() {} };
}
