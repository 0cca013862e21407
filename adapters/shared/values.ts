/**
 * Value helpers for reading untrusted records (JSON lines, JSON files, SQLite values): type
 * guards and string, number and time helpers. One contract per name: where the adapters read
 * a value in different ways, the ways have different names, so a call site says which it means.
 */
export type Raw = Record<string, unknown>;

export const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string, or '' for anything else. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A string (even ''), or null for anything else: `strOrNull(a) ?? strOrNull(b)` keeps a present ''. */
export const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** A non-empty string, or null: '' counts as absent. */
export const optStr = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A finite number, or undefined (a field set to it is left out of JSON). */
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** A finite number, or null. */
export const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/**
 * An RFC 3339 time (kept as written) or any other date string Date.parse reads (normalised),
 * else null: a malformed time would make the engine refuse the message or the whole session.
 */
export function isoTime(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  if (RFC3339.test(v)) return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * An ISO-8601 string (starting `YYYY-MM-DDT`) or epoch seconds/milliseconds, always
 * normalised to `toISOString()`; null when not a time. Unlike isoTime it reads numbers and
 * rewrites every string (the Claude Code, Codex and Cursor transcript adapters store this form).
 */
export function isoTimeOrEpoch(v: unknown): string | null {
  let d: Date | null = null;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) d = new Date(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0) d = new Date(v < 1e12 ? v * 1000 : v);
  if (!d || Number.isNaN(d.getTime())) return null;
  return d.toISOString();
}

/** A native id usable as msg_id (the schema caps ids at 512 characters). */
export function usableId(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : null;
}

/** Shortens a prompt for use as a title. */
export function titleText(s: string, max = 200): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** ES2024 String method, not yet in the ES2022 lib this project compiles against. */
type WellFormed = { isWellFormed(): boolean };

/**
 * Replaces lone surrogates (legal in JSON escapes, not in UTF-8) so captured text can be stored.
 * Copy on write: a value without any comes back as it is (nearly every record; copying each one
 * was most of the garbage an import made while reading), and only the objects and arrays on the
 * way to a replaced string are new.
 */
export function cleanStrings<T>(value: T): T {
  // isWellFormed (native, Node 20) skips the regex for the usual string that has none.
  if (typeof value === 'string') return ((value as unknown as WellFormed).isWellFormed() ? value : value.replace(LONE_SURROGATE, '\uFFFD')) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = cleanStrings(v);
      if (c !== v && !out) out = value.slice(0, i);
      out?.push(c);
    }
    return (out ?? value) as T;
  }
  if (isObj(value)) {
    let out: Raw | null = null;
    const entries = Object.entries(value);
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i]!;
      const ck = cleanStrings(k);
      const cv = cleanStrings(v);
      if (!out && (ck !== k || cv !== v)) {
        out = {};
        for (let j = 0; j < i; j++) out[entries[j]![0]] = entries[j]![1];
      }
      if (out) out[ck] = cv;
    }
    return (out ?? value) as T;
  }
  return value;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
