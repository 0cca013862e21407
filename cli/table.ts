import { stripVTControlCharacters } from 'node:util';
import { color } from './output.js';

/**
 * A borderless table that lines up columns (colors are not counted as width). Small on
 * purpose: table libraries cost more start-up time than `sfs list` may spend. Put
 * free-text columns last so wide characters cannot push later columns out of line.
 */
export function renderTable(head: string[], rows: string[][]): string {
  const all = [head.map((h) => color.bold(h)), ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => stripVTControlCharacters(r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - stripVTControlCharacters(cell).length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
