// Light, dark, or whatever the system prefers (the default); the choice is kept in this browser.
const key = 'taskinfa.theme';
const choices = ['system', 'light', 'dark'];

export function currentTheme() {
  const stored = localStorage.getItem(key);
  return choices.includes(stored) ? stored : 'system';
}

export function applyTheme(choice = currentTheme()) {
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.dataset.theme = choice;
}

/** Next choice in the cycle system → light → dark; returns it. */
export function cycleTheme() {
  const next = choices[(choices.indexOf(currentTheme()) + 1) % choices.length];
  localStorage.setItem(key, next);
  applyTheme(next);
  return next;
}
