// Tables for the bench's output: aligned text that wraps to fit the terminal,
// and Markdown for report.md and the README.

/** The terminal width every table and line the bench prints keeps within. */
export const TERMINAL_COLUMNS = 120;
/** A wrapped text column keeps at least this width: narrower, its words break mid-word. */
const MIN_WRAP = 16;

/**
 * `text` as lines of at most `width`: broken after a space or a '/' (ids
 * and routes), mid-word only when a word alone is wider.
 */
export function wrapCell(text: string, width: number, afterComma = false): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    // In a cell, after a comma first: 'native-inline 100%,' keeps a share with its name.
    let at = afterComma ? rest.lastIndexOf(', ', width - 1) + 1 : 0;
    for (let j = width; j > 0 && at <= 0; j--) if (rest[j] === ' ' || rest[j - 1] === '/') at = j;
    if (at <= 0) at = width;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return [...out, rest];
}

/** Prose lines wrapped to `max`, continuation lines indented. */
export function wrapLines(lines: string[], max = TERMINAL_COLUMNS, indent = '    '): string[] {
  return lines.flatMap((l) => {
    if (l.length <= max) return [l];
    const [first, ...more] = wrapCell(l, max);
    return [first, ...wrapCell(more.join(' '), max - indent.length).map((x) => indent + x)];
  });
}

/** A header on two lines, split at the space that makes the wider half narrowest ('loop CPU ms/task' -> 'loop CPU', 'ms/task'). */
function splitHeader(h: string): string[] {
  let best = [h];
  for (let i = h.indexOf(' '); i > 0; i = h.indexOf(' ', i + 1)) {
    const pair = [h.slice(0, i), h.slice(i + 1)];
    if (Math.max(...pair.map((x) => x.length)) < Math.max(...best.map((x) => x.length))) best = pair;
  }
  return best;
}

export interface TableOptions {
  /** Columns aligned left (text); the others are numbers, aligned right. Default: the first. */
  left?: (i: number) => boolean;
  max?: number;
}

/**
 * An aligned text table no wider than `max` where it can be: past it, the
 * headers go on two lines, then the text columns (the widest first) wrap
 * their cells onto continuation lines.
 */
export function textTable(header: string[], rows: string[][], o: TableOptions = {}): string {
  const max = o.max ?? TERMINAL_COLUMNS;
  const left = o.left ?? ((i: number) => i === 0);
  const total = (w: number[]) => w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1);
  const cellWidths = header.map((_, i) => Math.max(0, ...rows.map((r) => r[i].length)));
  let heads = header.map((h) => [h]);
  let widths = header.map((h, i) => Math.max(h.length, cellWidths[i]));
  if (total(widths) > max) {
    heads = header.map((h) => splitHeader(h));
    widths = heads.map((hs, i) => Math.max(cellWidths[i], ...hs.map((x) => x.length)));
  }
  while (total(widths) > max) {
    const text = widths.map((w, i) => ({ w, i })).filter(({ w, i }) => left(i) && w > MIN_WRAP);
    if (text.length === 0) break;
    const widest = text.reduce((a, b) => (b.w > a.w ? b : a));
    widths[widest.i] = Math.max(MIN_WRAP, widest.w - (total(widths) - max));
    heads[widest.i] = heads[widest.i].flatMap((h) => wrapCell(h, widths[widest.i]));
  }
  const pad = (c: string, i: number) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]));
  // A row of cells, each a list of lines, as its text lines; `bottom` aligns short cells to the last line (headers).
  const block = (cells: string[][], bottom = false) => {
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => cells.map((c, i) => pad((bottom ? c[k - (height - c.length)] : c[k]) ?? '', i)).join('  ').trimEnd());
  };
  return [...block(heads, true), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.flatMap((r) => block(r.map((c, i) => wrapCell(c, widths[i], true))))].join('\n');
}

/** The width `textTable` gives these columns before it wraps any cell. */
export function unwrappedWidth(header: string[], rows: string[][]): number {
  const w = header.map((h, i) => Math.max(...splitHeader(h).map((x) => x.length), ...rows.map((r) => r[i].length)));
  return w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1);
}

export function mdTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
