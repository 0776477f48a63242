// Light, dark, or whatever the system prefers (the default); the choice is kept in this browser.
const key = 'taskinfa.theme';
const choices = ['system', 'light', 'dark'];

export function currentTheme() {
  const stored = localStorage.getItem(key);
  return choices.includes(stored) ? stored : 'system';
}

const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

/** The page's theme is always an attribute (the stylesheets hold the dark tokens once); with
 *  'system' it follows the system's preference, also when that changes. */
export function applyTheme(choice = currentTheme()) {
  const theme = choice === 'system' ? (systemDark.matches ? 'dark' : 'light') : choice;
  document.documentElement.dataset.theme = theme;
}

systemDark.addEventListener('change', () => {
  if (currentTheme() === 'system') applyTheme('system');
});

/** Next choice in the cycle system → light → dark; returns it. */
export function cycleTheme() {
  const next = choices[(choices.indexOf(currentTheme()) + 1) % choices.length];
  localStorage.setItem(key, next);
  applyTheme(next);
  return next;
}
