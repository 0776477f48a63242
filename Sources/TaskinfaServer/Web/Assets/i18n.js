// Every string the page shows comes from one catalogue; a translation is one more file beside
// en.js with the same keys.
import { messages as en } from './i18n/en.js';

const catalogues = { en };
const language = (document.documentElement.lang || 'en').split('-')[0];
const catalogue = catalogues[language] ?? en;

/** t('board.moved', {key: 'WEB-3', column: 'Review'}) → the message with {key} and {column} filled. */
export function t(key, values = {}) {
  const template = catalogue[key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** The message for a count: key.one or key.other. */
export function tn(key, count, values = {}) {
  const rule = new Intl.PluralRules(language).select(count);
  const chosen = `${key}.${rule}` in catalogue ? `${key}.${rule}` : `${key}.other`;
  return t(chosen, { count, ...values });
}

const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });

export function formatDate(text) {
  if (!text) return '';
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  return dateFormat.format(new Date(year, month - 1, day));
}

export function formatDateTime(text) {
  return text ? dateTimeFormat.format(new Date(text)) : '';
}

export function formatRelative(text) {
  if (!text) return '';
  const seconds = (new Date(text).getTime() - Date.now()) / 1000;
  const units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds), 'second');
}

/** 42 s, 7 min, 3.5 h, 2.1 d. */
export function formatDuration(seconds) {
  const value = Math.max(0, seconds);
  if (value < 90) return t('duration.seconds', { n: Math.round(value) });
  if (value < 5400) return t('duration.minutes', { n: Math.round(value / 60) });
  if (value < 172800) return t('duration.hours', { n: (value / 3600).toFixed(1) });
  return t('duration.days', { n: (value / 86400).toFixed(1) });
}
