import { createHash } from 'node:crypto';

/** Small helpers shared by the capture adapters: type guards, derived ids, string clean-up, platform paths. */
import path from 'node:path';

export type Raw = Record<string, unknown>;

export const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/** An RFC 3339 time or null: a malformed one would make the engine refuse the message or the whole session. */
export function isoTime(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  if (RFC3339.test(v)) return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Deterministic id for records without a native id: the session plus the record's stable key. */
export function derivedId(sessionId: string, key: string): string {
  return 'msg_' + createHash('sha256').update(`${sessionId}\0${key}`).digest('hex').slice(0, 24);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** ES2024 String method, not yet in the ES2022 lib this project compiles against. */
type WellFormed = { isWellFormed(): boolean };

/** Replaces lone surrogates (legal in JSON escapes, not in UTF-8) so captured text can be stored. */
export function cleanStrings<T>(value: T): T {
  // isWellFormed (native, Node 20) skips the regex for the usual string that has none.
  if (typeof value === 'string') return ((value as unknown as WellFormed).isWellFormed() ? value : value.replace(LONE_SURROGATE, '\uFFFD')) as T;
  if (Array.isArray(value)) return value.map(cleanStrings) as T;
  if (isObj(value)) {
    const out: Raw = {};
    for (const [k, v] of Object.entries(value)) out[cleanStrings(k)] = cleanStrings(v);
    return out as T;
  }
  return value;
}

/** Path functions of the platform the store lives on (tests run Windows layouts on Linux). */
export const pathFor = (platform: NodeJS.Platform): path.PlatformPath => (platform === 'win32' ? path.win32 : path.posix);

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
