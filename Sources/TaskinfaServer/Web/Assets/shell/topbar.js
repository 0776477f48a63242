// The bar above every workspace page: workspace switcher, navigation, live status, palette,
// shortcuts, theme and sign-out.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { currentUser, workspaces } from '../session.js';
import { cycleTheme, currentTheme } from './theme.js';

export function topbar({ workspaceID, page, onPalette, onShortcuts, onSignOut }) {
  const switcher = h('select', { id: 'workspace-switcher', 'aria-label': t('nav.workspace') },
    workspaces().map((item) => h('option', { value: item.id, selected: item.id === workspaceID }, item.name)),
    h('option', { value: '__new' }, t('nav.newWorkspace')));
  switcher.addEventListener('change', () => {
    if (switcher.value === '__new') navigate('/new-workspace');
    else navigate(paths.board(switcher.value));
  });
  const link = (name, href, label) => h('a', { href, class: 'nav-link', 'aria-current': page === name ? 'page' : undefined }, label);
  const status = h('span', { class: 'live-status', role: 'status', dataset: { state: 'connecting' } }, t('live.connecting'));
  const themeButton = h('button', { type: 'button', class: 'icon theme-button', 'aria-label': t('theme.toggle', { theme: t(`theme.${currentTheme()}`) }) }, '◐');
  themeButton.addEventListener('click', () => {
    const next = cycleTheme();
    themeButton.setAttribute('aria-label', t('theme.toggle', { theme: t(`theme.${next}`) }));
  });
  const user = currentUser();
  const element = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: paths.board(workspaceID), 'aria-label': t('nav.home') }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name', text: 'Taskinfa' })),
    switcher,
    h('nav', { class: 'nav', 'aria-label': t('nav.main') },
      link('board', paths.board(workspaceID), t('nav.board')),
      link('overview', paths.overview(workspaceID), t('nav.overview')),
      link('workers', paths.workers(workspaceID), t('nav.workers')),
      link('analytics', paths.analytics(workspaceID), t('nav.analytics')),
      link('projects', paths.projects(workspaceID), t('nav.projects')),
      link('settings', paths.settings(workspaceID), t('nav.settings'))),
    h('div', { class: 'topbar-end' },
      status,
      h('button', { type: 'button', class: 'secondary small palette-button', 'aria-keyshortcuts': 'Control+K Meta+K', onclick: onPalette }, t('nav.palette'), h('kbd', { text: 'Ctrl K' })),
      h('button', { type: 'button', class: 'icon help-button', 'aria-label': t('shortcuts.title'), 'aria-keyshortcuts': '?', onclick: onShortcuts }, '?'),
      themeButton,
      h('button', { type: 'button', class: 'secondary small', onclick: onSignOut, title: user?.email }, t('nav.signOut'))));
  return {
    element,
    setStatus(state) {
      status.dataset.state = state;
      status.textContent = t(`live.${state}`);
    },
  };
}
