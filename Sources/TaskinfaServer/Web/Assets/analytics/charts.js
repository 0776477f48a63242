// Charts drawn as SVG by the page itself: bars and a line, scaled to their data, coloured by CSS
// classes (so both themes apply), drawn in a viewBox so they shrink to a phone's width. A chart is
// a picture of a table: each one comes with that table (read by screen readers, shown on request)
// and its CSV.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { downloadCSV } from './csv.js';

const ns = 'http://www.w3.org/2000/svg';
// About the width a chart is shown at, so that its 11 px text stays 11 px.
const width = 400;
const height = 210;
const margin = { top: 10, right: 8, bottom: 26, left: 52 };

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(ns, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

function text(x, y, value, attributes = {}) {
  const element = svg('text', { x, y, ...attributes });
  element.textContent = value;
  return element;
}

/** A round maximum and ticks for an axis from 0 to at least `max`. */
export function niceScale(max, count = 4, { integers = false } = {}) {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough);
  // Counts have no quarter tasks.
  if (integers) step = Math.max(1, Math.ceil(step));
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(Number(value.toPrecision(12)));
  return { top, ticks };
}

function frame(ticks, top, format) {
  const plotHeight = height - margin.top - margin.bottom;
  const group = svg('g', { class: 'chart-axis' });
  for (const tick of ticks) {
    const y = margin.top + plotHeight - (tick / top) * plotHeight;
    group.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y, class: 'chart-grid' }));
    group.append(text(margin.left - 6, y + 4, format(tick), { 'text-anchor': 'end' }));
  }
  return group;
}

function labelsAxis(labels, x, band) {
  const group = svg('g', { class: 'chart-axis' });
  // At most ~6 labels fit under a chart: every n-th, counted from the newest so that it shows.
  const every = Math.max(1, Math.ceil(labels.length / 6));
  labels.forEach((label, index) => {
    if ((labels.length - 1 - index) % every !== 0) return;
    group.append(text(x(index) + band / 2, height - margin.bottom + 15, label, { 'text-anchor': 'middle' }));
  });
  return group;
}

/**
 * chart({id, title, kind: 'bar'|'line', labels, series: [{name, values, className}], format (counts without one),
 *        csv: {filename, headers, rows}})
 */
export function chart({ id, title, kind = 'bar', labels, series, format = String, csv }) {
  const max = Math.max(0, ...series.flatMap((item) => item.values));
  // Without a format of its own a chart counts things.
  const { top, ticks } = niceScale(max, 4, { integers: format === String });
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const band = plotWidth / Math.max(1, labels.length);
  const x = (index) => margin.left + index * band;
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;
  const picture = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title` },
    svg('title', { id: `${id}-title` }), frame(ticks, top, format), labelsAxis(labels, x, band));
  picture.querySelector('title').textContent = title;
  series.forEach((item, seriesIndex) => {
    if (kind === 'line') {
      const points = item.values.map((value, index) => `${x(index) + band / 2},${y(value)}`).join(' ');
      picture.append(svg('polyline', { points, class: ['chart-line', item.className].join(' '), fill: 'none' }));
      item.values.forEach((value, index) => picture.append(svg('circle', { cx: x(index) + band / 2, cy: y(value), r: 2.5, class: ['chart-dot', item.className].join(' ') })));
    } else {
      const inner = (band * 0.75) / series.length;
      item.values.forEach((value, index) => {
        const barHeight = Math.max(value > 0 ? 1 : 0, plotHeight - (y(value) - margin.top));
        const bar = svg('rect', {
          x: x(index) + band * 0.125 + seriesIndex * inner, y: margin.top + plotHeight - barHeight,
          width: Math.max(1, inner - 1), height: barHeight, class: ['chart-bar', item.className].join(' '),
        });
        bar.append(svg('title'));
        bar.firstChild.textContent = `${labels[index]}: ${item.name} ${format(value)}`;
        picture.append(bar);
      });
    }
  });
  const legend = series.length > 1 ? h('ul', { class: 'chart-legend', 'aria-hidden': 'true' },
    series.map((item) => h('li', {}, h('span', { class: ['legend-swatch', item.className] }), item.name))) : null;
  const table = h('table', { class: 'table chart-table', id: `${id}-table` },
    h('caption', { text: title }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('analytics.label') }), series.map((item) => h('th', { scope: 'col', text: item.name })))),
    h('tbody', {}, labels.map((label, index) => h('tr', {}, h('th', { scope: 'row', text: label }), series.map((item) => h('td', { text: format(item.values[index]) }))))));
  const tableWrap = h('div', { class: 'visually-hidden chart-table-wrap' }, table);
  const showTable = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': `${id}-table` }, t('analytics.showTable'));
  showTable.addEventListener('click', () => {
    const open = tableWrap.classList.toggle('visually-hidden') === false;
    showTable.setAttribute('aria-expanded', String(open));
    showTable.textContent = open ? t('analytics.hideTable') : t('analytics.showTable');
  });
  return h('figure', { class: 'chart-figure', id },
    h('figcaption', {}, h('h3', { text: title }),
      h('span', { class: 'chart-actions' }, showTable,
        csv ? h('button', { type: 'button', class: 'secondary small', 'aria-label': t('analytics.csvNamed', { title }), onclick: () => downloadCSV(csv.filename, csv.headers, csv.rows) }, t('analytics.csv')) : null)),
    picture, legend, tableWrap);
}
