// Labelled fields and the API's field errors next to the field they name.
import { h, uid } from './dom.js';
import { t } from './i18n.js';

/**
 * field({label, name, type, value, required, hint, options, autocomplete}) → the wrapper; its
 * control is wrapper.control. `name` is the API's field name, so errors find their field.
 */
export function field({ label, name, type = 'text', value = '', hint, options, rows, ...attributes }) {
  const id = uid(`field-${name}`);
  const errorID = `${id}-error`;
  const hintID = hint ? `${id}-hint` : undefined;
  let control;
  if (type === 'select') {
    control = h('select', { id, name, ...attributes },
      options.map((option) => h('option', { value: option.value, selected: option.value === value }, option.label)));
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, rows: rows ?? 6, ...attributes });
    control.value = value ?? '';
  } else {
    control = h('input', { id, name, type, value: value ?? '', ...attributes });
  }
  if (hintID) control.setAttribute('aria-describedby', hintID);
  const wrapper = h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id, text: label }),
    control,
    hint && h('p', { class: 'hint', id: hintID, text: hint }),
    h('p', { class: 'field-error', id: errorID, hidden: true }));
  wrapper.control = control;
  return wrapper;
}

/** Clears every error shown in the form. */
export function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error')) {
    error.hidden = true;
    error.textContent = '';
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.endsWith('-error'));
    if (described.length) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
  }
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.hidden = true;
    summary.textContent = '';
  }
}

/**
 * Shows an ApiError in the form: each `errors[]` entry beside its field (`labels[2]` finds
 * `labels`), anything else in the form's summary line. Focuses the first bad field.
 */
export function showErrors(form, error) {
  clearErrors(form);
  let first = null;
  const unplaced = [];
  for (const { field: name, message } of error.errors ?? []) {
    const base = String(name).replace(/\[\d+\]$/, '').split('.')[0];
    const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`) ?? form.querySelector(`[data-field="${CSS.escape(base)}"]`);
    if (!wrapper) {
      unplaced.push(`${name}: ${message}`);
      continue;
    }
    const slot = wrapper.querySelector('.field-error');
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    slot.hidden = false;
    const control = wrapper.control ?? wrapper.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), slot.id].filter(Boolean).join(' '));
      first ??= control;
    }
  }
  if (unplaced.length || !(error.errors ?? []).length) {
    let summary = form.querySelector('.form-error');
    if (!summary) {
      summary = h('p', { class: 'form-error', role: 'alert' });
      form.prepend(summary);
    }
    summary.textContent = unplaced.length ? unplaced.join(' · ') : (error.isNetwork ? t('error.network') : error.message);
    summary.hidden = false;
  }
  first?.focus();
}

/** The form's submit button shows it is busy and can't be pressed twice. */
export async function whileBusy(form, work) {
  const button = form.querySelector('[type=submit]');
  if (button?.disabled) return undefined;
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    return await work();
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}
