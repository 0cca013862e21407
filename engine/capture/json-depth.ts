/**
 * A bound on JSON nesting (DESIGN §11.8). JSON.parse copes with any depth, but nearly
 * everything after it recurses — schema validation, msgpackr, structuredClone,
 * JSON.stringify, the adapters' walks — and a 100,000-deep document overflows the stack
 * ("Maximum call stack size exceeded"). Input nested deeper than MAX_JSON_DEPTH is refused
 * before any of that runs; the checks themselves are iterative. No real session nests
 * anywhere near 512 levels.
 */
export const MAX_JSON_DEPTH = 512;

export const tooDeepMessage = (max = MAX_JSON_DEPTH) => `JSON nested deeper than ${max} levels`;

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;

/** Whether `text` (JSON, valid or not) nests brackets deeper than `max`, brackets inside strings aside. */
export function jsonTextTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  // Fewer opening brackets than the limit cannot nest deeper than it: the usual line is
  // settled by two native searches, without a loop over its characters.
  let opens = 0;
  for (const ch of ['[', '{']) {
    for (let i = text.indexOf(ch); i !== -1 && opens <= max; i = text.indexOf(ch, i + 1)) opens++;
  }
  if (opens <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote (one not escaped by an odd run of backslashes).
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j === -1) return false; // unterminated string: JSON.parse will say so
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = j;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** JSON.parse that refuses input nested deeper than `max` (a SyntaxError, like any other bad JSON). */
export function parseJsonBounded(text: string, max = MAX_JSON_DEPTH): unknown {
  if (jsonTextTooDeep(text, max)) throw new SyntaxError(tooDeepMessage(max));
  return JSON.parse(text);
}

/** Whether a parsed value nests arrays and objects deeper than `max` (iterative: safe on any depth). */
export function valueTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}
