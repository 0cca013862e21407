import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { SfsError } from '../../../engine/index.js';

/**
 * JSON / JSONC config edits that keep everything else in the file as it was: other
 * keys, their order, comments and indentation. Only the one entry changes.
 */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

export function parseJsonConfig(file: string, text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (errors.length) {
    const e = errors[0]!;
    throw new SfsError(
      'INVALID_INPUT',
      `${file} is not valid JSON (${printParseErrorCode(e.error)} at ${lineCol(text, e.offset)}); fix it first — nothing was changed`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SfsError('INVALID_INPUT', `${file} does not hold a JSON object at the top; nothing was changed`);
  }
  return value as Record<string, unknown>;
}

function formatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** The object at `path`, or undefined; anything else there is refused. */
export function mapAt(file: string, doc: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let cur: unknown = doc;
  for (const k of path) {
    if (cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[k];
    if (cur !== undefined && (cur === null || typeof cur !== 'object' || Array.isArray(cur))) {
      throw new SfsError('INVALID_INPUT', `${file}: "${path.join('.')}" is not an object; nothing was changed`);
    }
  }
  return cur as Record<string, unknown> | undefined;
}

/** Sets (or with undefined, removes) `path` in the text. */
export function editJson(text: string, path: string[], value: unknown): string {
  const base = text.trim() ? text : '{}\n';
  const edits = modify(base, path, value, { formattingOptions: formatting(text) });
  let out = applyEdits(base, edits);
  if (!out.endsWith('\n')) out += '\n';
  return out;
}
