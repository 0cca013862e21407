import { createHash } from 'node:crypto';

/** Small helpers for reading untrusted JSON records. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** ISO-8601 time from an ISO string or epoch seconds/milliseconds; null when not a time. */
export function isoTime(v: unknown): string | null {
  let d: Date | null = null;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) d = new Date(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0) d = new Date(v < 1e12 ? v * 1000 : v);
  if (!d || Number.isNaN(d.getTime())) return null;
  return d.toISOString();
}

/** Deterministic id for a record without a native id: session id + the record's stable key. */
export function derivedId(prefix: string, sessionId: string, key: string): string {
  return `${prefix}_${createHash('sha256').update(`${sessionId}\0${key}`).digest('hex').slice(0, 32)}`;
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
