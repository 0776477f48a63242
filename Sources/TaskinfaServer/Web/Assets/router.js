// Addresses of the page. Each view has its own URL (a task panel too), so any view can be
// linked, reloaded and reached with Back.

const patterns = [
  ['signin', /^\/signin$/],
  ['signup', /^\/signup$/],
  ['invite', /^\/invite$/],
  ['forgot-password', /^\/forgot-password$/],
  ['reset-password', /^\/reset-password$/],
  ['onboarding', /^\/onboarding$/],
  ['new-workspace', /^\/new-workspace$/],
  ['two-factor-required', /^\/two-factor-required$/],
  ['sso-callback', /^\/sso\/callback$/],
  ['board', /^\/w\/([^/]+)\/?(?:board)?$/],
  ['task', /^\/w\/([^/]+)\/tasks\/([^/]+)$/],
  ['projects', /^\/w\/([^/]+)\/projects$/],
  ['overview', /^\/w\/([^/]+)\/overview$/],
  ['analytics', /^\/w\/([^/]+)\/analytics$/],
  ['worker-new', /^\/w\/([^/]+)\/workers\/new$/],
  ['worker', /^\/w\/([^/]+)\/workers\/([^/]+)$/],
  ['workers', /^\/w\/([^/]+)\/workers$/],
  ['settings', /^\/w\/([^/]+)\/settings(?:\/([a-z-]+))?$/],
  ['home', /^\/$/],
];

/** Pages outside any workspace that a person may open signed out. */
export const accountPages = ['signin', 'signup', 'invite', 'forgot-password', 'reset-password', 'sso-callback'];

/** {name, workspaceID, taskKey, section, query} for a URL. */
export function parse(url = location) {
  const path = url.pathname;
  for (const [name, pattern] of patterns) {
    const match = path.match(pattern);
    if (!match) continue;
    const route = { name, query: new URLSearchParams(url.search) };
    if (!accountPages.includes(name) && !['onboarding', 'new-workspace', 'two-factor-required', 'home'].includes(name)) route.workspaceID = decodeURIComponent(match[1]);
    if (name === 'task') route.taskKey = decodeURIComponent(match[2]);
    if (name === 'worker') route.workerID = decodeURIComponent(match[2]);
    if (name === 'settings') route.section = match[2] ?? 'profile';
    return route;
  }
  return { name: 'not-found', query: new URLSearchParams(url.search) };
}

const listeners = new Set();
/** Calls handler(route) after every navigation (links, Back, Forward). */
export function onNavigate(handler) {
  listeners.add(handler);
  return () => listeners.delete(handler);
}

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search + location.hash) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  const route = parse();
  for (const listener of listeners) listener(route);
}

/** Updates the address without a new view (filters typed into the board). */
export function updateQuery(parameters) {
  const search = parameters.toString();
  history.replaceState(null, '', location.pathname + (search ? `?${search}` : ''));
}

window.addEventListener('popstate', () => {
  const route = parse();
  for (const listener of listeners) listener(route);
});

/** Same-origin links with a plain click navigate inside the page. */
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || link.target || link.hasAttribute('download') || event.defaultPrevented) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

export const paths = {
  board: (workspaceID, search = '') => `/w/${encodeURIComponent(workspaceID)}${search}`,
  task: (workspaceID, key, search = '') => `/w/${encodeURIComponent(workspaceID)}/tasks/${encodeURIComponent(key)}${search}`,
  projects: (workspaceID) => `/w/${encodeURIComponent(workspaceID)}/projects`,
  overview: (workspaceID) => `/w/${encodeURIComponent(workspaceID)}/overview`,
  analytics: (workspaceID, search = '') => `/w/${encodeURIComponent(workspaceID)}/analytics${search}`,
  workers: (workspaceID) => `/w/${encodeURIComponent(workspaceID)}/workers`,
  newWorker: (workspaceID) => `/w/${encodeURIComponent(workspaceID)}/workers/new`,
  worker: (workspaceID, workerID) => `/w/${encodeURIComponent(workspaceID)}/workers/${encodeURIComponent(workerID)}`,
  settings: (workspaceID, section = '') => `/w/${encodeURIComponent(workspaceID)}/settings${section ? `/${section}` : ''}`,
};
