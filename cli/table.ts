import { color } from './output.js';

// The only escapes in a cell are the color codes picocolors writes (SGR, ESC [ … m); node:util's
// stripVTControlCharacters compiles a regular expression for every kind, which costs `sfs list` milliseconds.
const SGR = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(SGR, '').length;

/**
 * A borderless table that lines up columns (colors are not counted as width). Small on
 * purpose: table libraries cost more start-up time than `sfs list` may spend. Put
 * free-text columns last so wide characters cannot push later columns out of line.
 */
export function renderTable(head: string[], rows: string[][]): string {
  const all = [head.map((h) => color.bold(h)), ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ''))));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
