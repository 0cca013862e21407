/**
 * Stands in for the `entities` package in the browser bundle (its full table is 77 KB of the
 * 150 KB budget): markdown-it only decodes one `&name;` or `&#n;` at a time. Names beyond these
 * stay as written, which only shows them literally; the result is escaped again when rendered.
 */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  middot: '·',
  bull: '•',
  deg: '°',
  times: '×',
  divide: '÷',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  euro: '€',
  pound: '£',
  yen: '¥',
  sect: '§',
  para: '¶',
  check: '✓',
};

export function decodeHTMLStrict(s: string): string {
  const m = /^&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});$/i.exec(s);
  if (!m) return s;
  const body = m[1]!;
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code);
  }
  return NAMED[body] ?? s;
}

export const decodeHTML = decodeHTMLStrict;
