// Agent CLIs colour their output with ANSI escape sequences. They become styles on text spans —
// never markup: the text itself only ever reaches the page through textContent. SGR (colour,
// bold, italic, underline, dim) is kept; every other control sequence (cursor moves, titles,
// hyperlinks) is dropped.

// CSI … final byte, OSC … BEL/ST, and lone two-byte escapes.
const sequence = /\u001b\[([0-9;?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

const basic = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

function colour256(n) {
  if (n < 8) return { name: basic[n] };
  if (n < 16) return { name: `bright-${basic[n - 8]}` };
  if (n < 232) {
    const value = n - 16;
    const level = (c) => (c === 0 ? 0 : 55 + c * 40);
    return { rgb: `rgb(${level(Math.floor(value / 36))} ${level(Math.floor(value / 6) % 6)} ${level(value % 6)})` };
  }
  const grey = 8 + (n - 232) * 10;
  return { rgb: `rgb(${grey} ${grey} ${grey})` };
}

/** Applies one SGR parameter list to a style. */
function apply(style, parameters) {
  const codes = parameters === '' ? [0] : parameters.split(';').map((code) => Number(code) || 0);
  for (let index = 0; index < codes.length; index += 1) {
    const code = codes[index];
    if (code === 0) Object.assign(style, { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) { style.bold = false; style.dim = false; }
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code >= 30 && code <= 37) style.fg = { name: basic[code - 30] };
    else if (code >= 90 && code <= 97) style.fg = { name: `bright-${basic[code - 90]}` };
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = { name: basic[code - 40] };
    else if (code >= 100 && code <= 107) style.bg = { name: `bright-${basic[code - 100]}` };
    else if (code === 49) style.bg = null;
    else if (code === 38 || code === 48) {
      const target = code === 38 ? 'fg' : 'bg';
      if (codes[index + 1] === 5) {
        style[target] = colour256(codes[index + 2] ?? 0);
        index += 2;
      } else if (codes[index + 1] === 2) {
        const [r, g, b] = codes.slice(index + 2, index + 5).map((c) => Math.min(255, c ?? 0));
        style[target] = { rgb: `rgb(${r} ${g} ${b})` };
        index += 4;
      }
    }
  }
}

/** [{text, style}] for a line; `style` carries over from the previous line (colour can span lines). */
export function parseANSI(line, carried = {}) {
  const style = { ...carried };
  const segments = [];
  let last = 0;
  for (const match of line.matchAll(sequence)) {
    if (match.index > last) segments.push({ text: line.slice(last, match.index), style: { ...style } });
    if (match[2] === 'm') apply(style, match[1]);
    last = match.index + match[0].length;
  }
  if (last < line.length) segments.push({ text: line.slice(last), style: { ...style } });
  return { segments, style };
}

/** The line without escape sequences (for search and copy). */
export function stripANSI(line) {
  return line.replace(sequence, '');
}

/** A span per segment: classes for the 16 theme colours (readable in both themes), CSSOM for others. */
export function renderSegments(segments) {
  return segments.map(({ text, style }) => {
    const span = document.createElement('span');
    span.textContent = text;
    const classes = [];
    if (style.fg?.name) classes.push(`ansi-fg-${style.fg.name}`);
    if (style.bg?.name) classes.push(`ansi-bg-${style.bg.name}`);
    if (style.bold) classes.push('ansi-bold');
    if (style.dim) classes.push('ansi-dim');
    if (style.italic) classes.push('ansi-italic');
    if (style.underline) classes.push('ansi-underline');
    if (classes.length) span.className = classes.join(' ');
    if (style.fg?.rgb) span.style.color = style.fg.rgb;
    if (style.bg?.rgb) span.style.backgroundColor = style.bg.rgb;
    return span;
  });
}
