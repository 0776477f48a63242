// How a session's or an audit entry's user agent reads to a person.
import { t } from '../i18n.js';

/** "Firefox on Windows" from a user agent; the full string stays in the cell's title. */
export function describeDevice(userAgent) {
  if (!userAgent) return t('sessions.unknownDevice');
  const browser = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari'], ['curl/', 'curl']]
    .find(([token]) => userAgent.includes(token))?.[1];
  const system = [['Android', 'Android'], ['iPhone', 'iOS'], ['iPad', 'iPadOS'], ['Windows', 'Windows'], ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux']]
    .find(([token]) => userAgent.includes(token))?.[1];
  if (browser && system) return t('sessions.deviceOn', { browser, system });
  return browser ?? system ?? userAgent.slice(0, 60);
}
