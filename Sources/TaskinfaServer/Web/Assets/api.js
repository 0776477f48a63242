// The page's only way to the server: /api/v1, JSON in and out, errors as problem+json. The
// session cookie authenticates (same origin), so nothing here holds a secret.
import { t } from './i18n.js';

const base = '/api/v1';

/** An answer that wasn't a success: the problem's status, title, detail and field errors. */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || t('error.generic'));
    this.status = status;
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? '';
    /** The problem's kind: the last part of its `type` (`two-factor-required`). */
    this.kind = String(problem.type ?? '').split('#problem-').pop();
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }

  /** The server couldn't be reached at all (offline, server down). */
  get isNetwork() {
    return this.status === 0;
  }

  /** The message for one field, if the server named it. */
  fieldMessage(field) {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

let onSignedOut = () => {};
/** What to do when a request finds the session gone (the app sends the person to sign-in). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

let onEnrolmentNeeded = () => {};
/** What to do when a workspace demands two-factor sign-in the person hasn't turned on yet. */
export function whenTwoFactorEnrolmentNeeded(handler) {
  onEnrolmentNeeded = handler;
}

/** Query string from an object; arrays repeat the name, empty values are left out. */
export function query(parameters = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The session's anti-CSRF token (from /auth/me), sent with every write. */
let csrfToken = null;
export function setCSRFToken(token) {
  csrfToken = token ?? null;
}

/**
 * request('PATCH', '/tasks/WEB-1', {body, ifMatch: 3}) → {data, etag, status}.
 * Throws ApiError; a 401 outside sign-in also tells the app the session is gone.
 */
export async function request(method, path, { body, ifMatch, signal, keepSession = false, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(base + path, {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: t('error.network'), detail: t('error.network') });
  }
  const text = await response.text();
  let data = null;
  if (text && (response.headers.get('Content-Type') ?? '').includes('json')) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !keepSession) onSignedOut();
    const error = new ApiError(response.status, data ?? { title: response.statusText });
    if (error.kind === 'two-factor-enrolment-required') onEnrolmentNeeded();
    throw error;
  }
  const etag = response.headers.get('ETag');
  return { data, text, status: response.status, etag: etag ? Number(etag.replaceAll('"', '')) : undefined };
}

export const api = {
  get: async (path, parameters, options) => (await request('GET', path + query(parameters), options)).data,
  post: async (path, body, options) => (await request('POST', path, { ...options, body })).data,
  patch: async (path, body, options) => (await request('PATCH', path, { ...options, body })).data,
  put: async (path, body, options) => (await request('PUT', path, { ...options, body })).data,
  delete: async (path, options) => (await request('DELETE', path, options)).data,
  /** The answer as text, for downloads (`text/csv`). */
  text: async (path, parameters, accept) => (await request('GET', path + query(parameters), { accept })).text,
};

/** Rendered, sanitised HTML for each markdown text, in order. */
export async function renderMarkdown(texts) {
  if (texts.length === 0) return [];
  const result = await api.post('/markdown', { texts });
  return result.html;
}
