import { SfsError } from '../engine/index.js';

/** Accepts ISO dates/times or a relative age like 30m, 12h, 7d, 2w; returns ISO-8601 UTC. */
export function parseDateArg(v: string | undefined, flag: string, now = Date.now()): string | undefined {
  if (v === undefined) return undefined;
  const rel = /^(\d+)\s*(m|h|d|w)$/.exec(v.trim());
  if (rel) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[2] as 'm' | 'h' | 'd' | 'w'];
    return new Date(now - Number(rel[1]) * unit).toISOString();
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new SfsError('USAGE', `${flag}: "${v}" is not a date (use 2026-11-01, 2026-11-01T10:00Z, or 30m / 12h / 7d / 2w)`);
  return new Date(t).toISOString();
}

/** "30d" → 30, for --older-than. */
export function parseDays(v: string, flag: string): number {
  const m = /^(\d+)\s*(d|w)?$/.exec(v.trim());
  if (!m) throw new SfsError('USAGE', `${flag}: "${v}" is not an age (use 30d or 4w)`);
  return Number(m[1]) * (m[2] === 'w' ? 7 : 1);
}
