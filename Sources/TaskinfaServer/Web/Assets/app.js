// The page's entry: who is signed in, which view the address asks for, and the workspace's
// shell (top bar, live events, board with its task panel, projects, settings).
import { whenSignedOut, whenTwoFactorEnrolmentNeeded } from './api.js';
import { analyticsPage } from './analytics/analytics.js';
import { onboardingPage } from './auth/onboarding.js';
import { invitePage } from './auth/invite.js';
import { forgotPasswordPage, resetPasswordPage } from './auth/password-reset.js';
import { signInPage, signUpPage, singleSignOnCallbackPage } from './auth/signin.js';
import { mountBoard } from './board/board.js';
import { prefetchBoard } from './board/board-data.js';
import { columnName, columns } from './board/columns.js';
import { apiFilter, filterFromQuery } from './board/filters.js';
import { Directory } from './directory.js';
import { h, isTyping, replace } from './dom.js';
import { followWorkspace } from './events.js';
import { t } from './i18n.js';
import { overviewPage } from './overview/overview.js';
import { openPalette } from './palette/palette.js';
import { projectsPage } from './projects/projects.js';
import { accountPages, navigate, onNavigate, parse, paths } from './router.js';
import { currentUser, forgetSession, loadSession, signOut, workspace, workspaces } from './session.js';
import { settingsPage } from './settings/settings.js';
import { twoFactorRequiredPage } from './settings/two-factor.js';
import { dialogOpen } from './shell/dialog.js';
import { showShortcuts } from './shell/shortcuts.js';
import { applyTheme, cycleTheme } from './shell/theme.js';
import { toast, toastError } from './shell/toast.js';
import { topbar } from './shell/topbar.js';
import { openCreateTask } from './task-create/create-dialog.js';
import { openTaskPanel } from './task-panel/panel.js';
import { workerDetail } from './workers/worker-detail.js';
import { workerWizard } from './workers/worker-wizard.js';
import { workersPage } from './workers/workers.js';

applyTheme();
const root = document.getElementById('app');
const lastWorkspaceKey = 'taskinfa.workspace';

/** The open workspace: its directory, event stream, top bar and current page. */
let current = null;

function signInAgain() {
  if (accountPages.includes(parse().name)) return;
  forgetSession();
  closeWorkspace();
  const here = location.pathname + location.search;
  navigate(`/signin${here !== '/' ? `?next=${encodeURIComponent(here)}` : ''}`, { replace: true });
}
whenSignedOut(signInAgain);

/** A workspace that requires two-factor sign-in sends a member without it to turn it on first. */
function enrolFirst() {
  if (parse().name === 'two-factor-required') return;
  closeWorkspace();
  const here = location.pathname + location.search;
  navigate(`/two-factor-required?next=${encodeURIComponent(here)}`, { replace: true });
}
whenTwoFactorEnrolmentNeeded(enrolFirst);

function closeWorkspace() {
  current?.view?.close();
  current?.panel?.close?.();
  current?.events.close();
  current = null;
}

function setTitle(...parts) {
  document.title = [...parts.filter(Boolean), 'Taskinfa'].join(' · ');
}

async function openWorkspace(workspaceID) {
  if (current?.workspaceID === workspaceID) return current;
  closeWorkspace();
  const directory = new Directory(workspaceID);
  // Not awaited: the board reads its columns at the same time (pages that need the directory
  // first wait for directory.ready).
  directory.load().catch(() => {});
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const panelHost = h('div', { class: 'panel-host' });
  const workspaceState = { workspaceID, directory, main, panelHost, board: null, panel: null, view: null, page: null, bar: null, events: null };
  workspaceState.events = followWorkspace(workspaceID, {
    onEvent: (event) => {
      const directoryChanged = directory.apply(event);
      if (directoryChanged && event.type.startsWith('project.')) workspaceState.board?.refreshDirectory();
      else if (directoryChanged) workspaceState.board?.applyEvent({ type: 'directory' });
      workspaceState.board?.applyEvent(event);
      workspaceState.panel?.applyEvent(event);
      workspaceState.view?.applyEvent(event);
    },
    onStatus: (state) => workspaceState.bar?.setStatus(state),
    onReset: () => {
      directory.load().catch(() => {});
      workspaceState.board?.reload();
      workspaceState.panel?.reload?.();
    },
    onSignedOut: signInAgain,
  });
  current = workspaceState;
  localStorage.setItem(lastWorkspaceKey, workspaceID);
  return workspaceState;
}

function renderShell(state, page) {
  if (state.page === page && state.bar) return;
  state.page = page;
  state.bar = topbar({
    workspaceID: state.workspaceID, page,
    onPalette: () => palette(),
    onShortcuts: showShortcuts,
    onSignOut: async () => {
      try {
        await signOut();
      } finally {
        closeWorkspace();
        navigate('/signin', { replace: true });
      }
    },
  });
  replace(root,
    h('a', { class: 'skip-link', href: '#main' }, t('nav.skip')),
    state.bar.element,
    h('div', { class: 'workspace-body' }, state.main, state.panelHost));
}

function createTask(status) {
  if (!current) return;
  const projectID = current.board ? current.board.data.filter.project_id : undefined;
  openCreateTask({ workspaceID: current.workspaceID, directory: current.directory, status, projectID }).then((task) => {
    if (!task) return;
    toast(t('create.created', { key: task.key, column: columnName(task.status) }));
    current?.board?.applyEvent({ type: 'task.created', data: { task } });
  });
}

function openTask(key, options = {}) {
  if (!current) return;
  current.editNext = Boolean(options.edit);
  navigate(paths.task(current.workspaceID, key, location.search));
}

function closePanel() {
  if (!current?.panel) return;
  current.panel.close?.();
  current.panel = null;
  current.panelHost.replaceChildren();
  document.body.classList.remove('panel-open');
  navigate(paths.board(current.workspaceID, location.search));
  current.board?.restoreFocus();
}

function palette() {
  const state = current;
  const commands = [];
  if (state) {
    const ws = state.workspaceID;
    commands.push(
      { id: 'nav-board', label: t('palette.goBoard'), run: () => navigate(paths.board(ws)) },
      { id: 'nav-overview', label: t('palette.goOverview'), run: () => navigate(paths.overview(ws)) },
      { id: 'nav-workers', label: t('palette.goWorkers'), run: () => navigate(paths.workers(ws)) },
      { id: 'nav-add-worker', label: t('palette.addWorker'), run: () => navigate(paths.newWorker(ws)) },
      { id: 'nav-analytics', label: t('palette.goAnalytics'), run: () => navigate(paths.analytics(ws)) },
      { id: 'nav-projects', label: t('palette.goProjects'), run: () => navigate(paths.projects(ws)) },
      { id: 'nav-settings', label: t('palette.goSettings'), run: () => navigate(paths.settings(ws)) },
      { id: 'nav-sessions', label: t('palette.goSessions'), run: () => navigate(paths.settings(ws, 'sessions')) },
      { id: 'nav-keys', label: t('palette.goKeys'), run: () => navigate(paths.settings(ws, 'api-keys')) },
      { id: 'nav-members', label: t('palette.goMembers'), run: () => navigate(paths.settings(ws, 'members')) },
      { id: 'new-task', label: t('palette.newTask'), hint: 'c', run: () => createTask('backlog') },
      ...columns.map((status) => ({ id: `new-${status}`, label: t('palette.newTaskIn', { column: columnName(status) }), run: () => createTask(status) })),
      ...columns.map((status) => ({ id: `filter-${status}`, label: t('palette.showColumn', { column: columnName(status) }), run: () => navigate(paths.board(ws, `?status=${status}`)) })),
      ...state.directory.projects().map((project) => ({ id: `project-${project.id}`, label: t('palette.showProject', { name: project.name }), run: () => navigate(paths.board(ws, `?project_id=${encodeURIComponent(project.id)}`)) })),
      { id: 'mine', label: t('palette.myTasks'), run: () => navigate(paths.board(ws, '?assignee=me')) },
      ...workspaces().filter((item) => item.id !== ws).map((item) => ({ id: `ws-${item.id}`, label: t('palette.switchTo', { name: item.name }), run: () => navigate(paths.board(item.id)) })),
      { id: 'new-workspace', label: t('nav.newWorkspace'), run: () => navigate('/new-workspace') },
    );
  }
  commands.push(
    { id: 'theme', label: t('palette.toggleTheme'), run: () => cycleTheme() },
    { id: 'shortcuts', label: t('shortcuts.title'), hint: '?', run: showShortcuts },
    { id: 'signout', label: t('nav.signOut'), run: async () => { await signOut(); closeWorkspace(); navigate('/signin'); } },
  );
  openPalette({ commands, workspaceID: state?.workspaceID, openTask: (key) => openTask(key) });
}

document.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
    event.preventDefault();
    if (!dialogOpen()) palette();
    return;
  }
  if (dialogOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === 'Escape' && current?.panel && !isTyping(event)) {
    event.preventDefault();
    closePanel();
    return;
  }
  if (isTyping(event)) return;
  if (event.key === '?') {
    event.preventDefault();
    showShortcuts();
  } else if (event.key === 'c' && current) {
    event.preventDefault();
    createTask('backlog');
  } else if (event.key === '/' && current?.board) {
    event.preventDefault();
    current.board.focusSearch();
  }
});

async function show(route) {
  const user = currentUser();
  if (route.name === 'signin' || route.name === 'signup') {
    if (user) {
      navigate('/', { replace: true });
      return;
    }
    closeWorkspace();
    setTitle(t(route.name === 'signin' ? 'auth.signIn' : 'auth.createAccount'));
    replace(root, route.name === 'signin' ? signInPage(route) : signUpPage(route));
    root.querySelector('[autofocus]')?.focus();
    return;
  }
  if (['invite', 'forgot-password', 'reset-password', 'sso-callback'].includes(route.name)) {
    closeWorkspace();
    const pages = { invite: invitePage, 'forgot-password': forgotPasswordPage, 'reset-password': resetPasswordPage, 'sso-callback': singleSignOnCallbackPage };
    setTitle(t(`title.${route.name}`));
    replace(root, pages[route.name](route));
    root.querySelector('[autofocus]')?.focus();
    return;
  }
  if (!user) {
    signInAgain();
    return;
  }
  if (route.name === 'home' || route.name === 'not-found') {
    const remembered = localStorage.getItem(lastWorkspaceKey);
    const target = workspace(remembered) ?? workspaces()[0];
    if (route.name === 'not-found') toast(t('error.notFoundPage'));
    if (target) navigate(paths.board(target.id), { replace: true });
    else navigate('/new-workspace', { replace: true });
    return;
  }
  if (route.name === 'two-factor-required') {
    closeWorkspace();
    setTitle(t('twoFactor.requiredTitle'));
    replace(root, twoFactorRequiredPage(route));
    return;
  }
  if (route.name === 'onboarding' || route.name === 'new-workspace') {
    closeWorkspace();
    setTitle(t('onboarding.title'));
    replace(root, onboardingPage(route, { creating: route.name === 'new-workspace' }));
    return;
  }
  if (!workspace(route.workspaceID)) {
    closeWorkspace();
    replace(root, h('main', { class: 'auth-page', id: 'main' }, h('div', { class: 'auth-card' },
      h('h1', { text: t('error.noWorkspace') }), h('p', { text: t('error.noWorkspaceDetail') }), h('a', { href: '/', class: 'button primary' }, t('nav.home')))));
    return;
  }
  if (workspace(route.workspaceID).require_two_factor && !user.two_factor_enabled) {
    enrolFirst();
    return;
  }
  let state;
  try {
    state = await openWorkspace(route.workspaceID);
  } catch (error) {
    replace(root, h('main', { class: 'auth-page', id: 'main' }, h('div', { class: 'auth-card', role: 'alert' },
      h('p', { text: error.isNetwork ? t('error.network') : error.message }),
      h('button', { type: 'button', class: 'primary', onclick: () => show(parse()) }, t('action.retry')))));
    return;
  }
  const wsName = workspace(route.workspaceID).name;
  const page = route.name === 'task' ? 'board' : ['worker', 'worker-new'].includes(route.name) ? 'workers' : route.name;
  renderShell(state, page);
  if (state.view && (state.viewRoute !== route.name + (route.workerID ?? '') || page === 'board')) {
    state.view.close();
    state.view = null;
  }
  if (page === 'board') {
    if (!state.board) {
      state.board = mountBoard(state.main, {
        workspaceID: state.workspaceID, route, directory: state.directory,
        onOpenTask: (task, options) => openTask(task.key, options),
        onCreate: (status) => createTask(status),
      });
    }
    setTitle(t('board.title'), wsName);
  } else {
    state.board = null;
    const key = route.name + (route.workerID ?? '');
    const views = {
      overview: () => overviewPage(state.main, { workspaceID: state.workspaceID }),
      workers: () => workersPage(state.main, { workspaceID: state.workspaceID }),
      'worker-new': () => workerWizard(state.main, { workspaceID: state.workspaceID, directory: state.directory }),
      worker: () => workerDetail(state.main, { workspaceID: state.workspaceID, workerID: route.workerID, directory: state.directory }),
      analytics: () => analyticsPage(state.main, { workspaceID: state.workspaceID, directory: state.directory, query: route.query }),
    };
    if (views[route.name]) {
      setTitle(t(`title.${route.name}`), wsName);
      if (state.viewRoute !== key || !state.view) {
        state.view = views[route.name]();
        state.viewRoute = key;
      }
    } else if (page === 'projects') {
      setTitle(t('projects.title'), wsName);
      projectsPage(state.main, { workspaceID: state.workspaceID, directory: state.directory });
    } else if (page === 'settings') {
      setTitle(t('settings.title'), wsName);
      settingsPage(state.main, { workspaceID: state.workspaceID, section: route.section });
    }
  }
  if (route.name === 'task') {
    if (state.panel?.taskKey !== route.taskKey && state.panel?.taskID !== route.taskKey) {
      const edit = state.editNext;
      state.editNext = false;
      state.panel?.close?.();
      document.body.classList.add('panel-open');
      state.panel = openTaskPanel(state.panelHost, {
        workspaceID: state.workspaceID, taskRef: route.taskKey, directory: state.directory, edit,
        onClose: () => closePanel(),
        onChanged: (task) => {
          setTitle(`${task.key} ${task.title}`, wsName);
          state.board?.applyEvent({ type: 'task.updated', data: { task } });
        },
      });
    }
  } else if (state.panel) {
    state.panel.close?.();
    state.panel = null;
    state.panelHost.replaceChildren();
    document.body.classList.remove('panel-open');
  }
}

onNavigate((route) => show(route).catch((error) => toastError(error)));

(async () => {
  const first = parse();
  if (first.name === 'board' || first.name === 'task') prefetchBoard(first.workspaceID, apiFilter(filterFromQuery(first.query)));
  try {
    await loadSession();
  } catch (error) {
    replace(root, h('main', { class: 'auth-page', id: 'main' }, h('div', { class: 'auth-card', role: 'alert' },
      h('h1', { text: t('error.unreachable') }), h('p', { text: error.message }),
      h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, t('action.retry')))));
    root.removeAttribute('aria-busy');
    return;
  }
  root.removeAttribute('aria-busy');
  await show(parse());
})();
