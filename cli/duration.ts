import { SfsError } from '../engine/index.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** "90m", "12h", "7d", "2w" → milliseconds, for flags that take a length of time. */
export function parseDurationMs(v: string, flag: string): number {
  const m = /^(\d+)\s*(m|h|d|w)$/.exec(String(v).trim());
  if (!m || Number(m[1]) === 0) throw new SfsError('USAGE', `${flag}: "${v}" is not a length of time (use 90m, 12h, 7d or 2w)`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
