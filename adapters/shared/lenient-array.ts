import { parseJsonBounded } from '../../engine/adapter-kit.js';
/**
 * Parses a top-level JSON array element by element, so one broken element or a file
 * cut off mid-write loses only what is broken. Used only after JSON.parse has failed.
 */
export interface LenientArray {
  items: unknown[];
  /** 0-based indexes of elements that did not parse. */
  bad: number[];
  truncated: boolean;
}

export function parseArrayLeniently(text: string): LenientArray | null {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== '[') return null;
  i++;
  const out: LenientArray = { items: [], bad: [], truncated: true };
  let depth = 0;
  let inString = false;
  let start = i;
  const flush = (end: number): void => {
    const slice = text.slice(start, end).trim();
    if (slice === '') return;
    try {
      out.items.push(parseJsonBounded(slice));
    } catch {
      out.bad.push(out.items.length + out.bad.length);
    }
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) {
        flush(i);
        out.truncated = false;
        return out;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      flush(i);
      start = i + 1;
    }
  }
  // Cut off: the last element is incomplete and dropped.
  return out;
}
