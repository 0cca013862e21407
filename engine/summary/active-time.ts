/**
 * Active time: how long someone was working in sessions, from message times alone.
 *
 * Two consecutive messages of a session at most IDLE_GAP_MS apart make the time between them
 * active; a longer gap (lunch, the night, a session left open for a week) counts nothing. Time
 * is clipped to the period asked about, so a day can never hold more than its own length, and
 * the wall-clock total of several sessions is the union of their active stretches: two
 * sessions running side by side count their shared hour once.
 */
export const IDLE_GAP_MS = 15 * 60_000;

export interface Interval {
  start: number;
  end: number;
}

/** A session's active stretches within [since, until), from its message times (ms, any order). */
export function activeIntervals(times: readonly number[], since: number, until: number, idleGapMs = IDLE_GAP_MS): Interval[] {
  const t = [...times].filter(Number.isFinite).sort((a, b) => a - b);
  const out: Interval[] = [];
  for (let i = 1; i < t.length; i++) {
    if (t[i]! - t[i - 1]! > idleGapMs) continue;
    const start = Math.max(t[i - 1]!, since);
    const end = Math.min(t[i]!, until);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** The length of the union of intervals: overlapping time counted once. */
export function unionMs(intervals: readonly Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const iv of sorted) {
    if (iv.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = iv.start;
      curEnd = iv.end;
    } else if (iv.end > curEnd) curEnd = iv.end;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}
