// Every chart's numbers as a CSV file. A cell that a spreadsheet would run as a formula (it starts
// with = + - @, or a tab or return) is prefixed with ' — task titles are untrusted text.
import { downloadText } from '../shell/download.js';

function cell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCSV(headers, rows) {
  return [headers, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function downloadCSV(filename, headers, rows) {
  downloadText(filename, toCSV(headers, rows), 'text/csv;charset=utf-8');
}
