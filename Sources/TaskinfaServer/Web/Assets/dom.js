// Building DOM without ever parsing a string as HTML: text goes in through textContent, so a task
// titled `<img src=x onerror=…>` stays text everywhere. The one exception, the server's sanitised
// markdown, goes through insertSanitisedHTML and nowhere else.

/** h('button', {class: 'primary', onclick: fn, 'aria-label': 'Close'}, 'text', childNode, …) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'text') {
      element.textContent = value;
    } else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'disabled' || name === 'hidden') {
      element[name] = value;
    } else if (name === 'href' || name === 'src') {
      element.setAttribute(name, safeURL(String(value)));
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces the element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** Only same-site paths and http(s)/mailto leave through a link the page builds. */
export function safeURL(url) {
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url, location.origin);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : '#';
  } catch {
    return '#';
  }
}

/** The one place HTML from outside enters the page: markdown the server rendered and sanitised
 *  (`POST /api/v1/markdown` rebuilds every tag from an allowlist). */
export function insertSanitisedHTML(element, html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const link of template.content.querySelectorAll('a')) {
    link.setAttribute('rel', 'noopener noreferrer nofollow');
    link.setAttribute('target', '_blank');
  }
  element.replaceChildren(template.content);
}

let counter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Is the key press meant for a text field rather than for a shortcut? */
export function isTyping(event) {
  const target = event.target;
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}
