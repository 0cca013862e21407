import { parse, stringify, TomlError } from 'smol-toml';
import { isDeepStrictEqual } from 'node:util';
import { SfsError } from '../../../engine/index.js';

/**
 * Codex's config.toml: our `[mcp_servers.<name>]` section is replaced as text so the
 * rest of the file (comments, order) stays as it was. The result is parsed back and
 * checked; when the entry was written some other way (inline table, dotted keys) the
 * whole document is re-serialised instead, which keeps every value but not comments.
 */
export function parseTomlConfig(file: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    const where = err instanceof TomlError ? ` at line ${err.line}, column ${err.column}` : '';
    const what = (err as Error).message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    throw new SfsError('INVALID_INPUT', `${file} is not valid TOML (${what}${where}); fix it first — nothing was changed`);
  }
}

function headerNames(line: string): string[] | null {
  const m = /^\s*\[\s*([^[\]]+?)\s*\]\s*(#.*)?$/.exec(line);
  if (!m) return null;
  return m[1]!.split('.').map((p) =>
    p
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/^'(.*)'$/, '$1'),
  );
}

/** Removes `[table.name]` and its sub-tables from the text. */
function dropSection(text: string, table: string, name: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const h = /^\s*\[\[?/.test(line) ? headerNames(line.replace(/^\s*\[\[/, '[').replace(/\]\]\s*$/, ']')) : null;
    if (h) skipping = h[0] === table && h[1] === name;
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

function without(doc: Record<string, unknown>, table: string, name: string): Record<string, unknown> {
  const copy = structuredClone(doc);
  const t = copy[table] as Record<string, unknown> | undefined;
  if (t && typeof t === 'object') {
    delete t[name];
    if (!Object.keys(t).length) delete copy[table];
  }
  return copy;
}

export function setTomlEntry(text: string, doc: Record<string, unknown>, table: string, name: string, entry: Record<string, unknown> | undefined): string {
  let out = dropSection(text, table, name)
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\s*$/, '\n');
  if (entry) out += `${out.trim() ? '\n' : ''}${stringify({ [table]: { [name]: entry } })}\n`;
  if (!out.trim()) out = '';
  const expected = entry ? { ...without(doc, table, name), [table]: { ...((doc[table] as object) ?? {}), [name]: entry } } : without(doc, table, name);
  let check: unknown;
  try {
    check = parse(out);
  } catch {
    check = undefined;
  }
  if (isDeepStrictEqual(normalize(check), normalize(expected))) return out;
  return stringify(expected) + '\n';
}

/** Key order does not matter to TOML readers. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, normalize((v as Record<string, unknown>)[k])]),
    );
  return v;
}
