/**
 * Key layout of the LevelDB log. One flat keyspace with short prefixes keeps batches
 * small and range scans simple.
 *
 *   e!<pos>                 event envelope, by local position (arrival order)
 *   o!<origin>!<firstSeq>   → [firstPos, count]: runs of identities (see batch-index.ts)
 *   s!<session>!<firstPos>  → [pos, …]: the session's events per batch (purge, per-session reads)
 *   d!<session>             the session has a session.discovered event
 *   k!<session>!<msg_id>    content hash of the newest revision of a captured message
 *   p!<session>             the session was purged (later events arrive as tombstones)
 *   p!<session>!<account>   another account purged its events of the session (only those are tombstoned)
 *   x!<session>             the session was evicted here (storage prune): local only, never replicated
 *   r!<request id>          result of an append request (makes retries idempotent)
 *   c!<name>                cursors written atomically with events (capture, replication)
 *   m!origin  m!head  m!seq!<origin>   counters
 */
const WIDTH = 12;

export function padNum(n: number): string {
  return n.toString(16).padStart(WIDTH, '0');
}

export function parseNum(s: string): number {
  return parseInt(s, 16);
}

export const K = {
  event: (pos: number) => `e!${padNum(pos)}`,
  eventPrefix: 'e!',
  identity: (origin: string, seq: number) => `o!${origin}!${padNum(seq)}`,
  sessionEvent: (session: string, pos: number) => `s!${session}!${padNum(pos)}`,
  sessionEventPrefix: (session: string) => `s!${session}!`,
  discovered: (session: string) => `d!${session}`,
  knownMessage: (session: string, msgId: string) => `k!${session}!${msgId}`,
  purged: (session: string) => `p!${session}`,
  evicted: (session: string) => `x!${session}`,
  evictedPrefix: 'x!',
  request: (id: string) => `r!${id}`,
  cursor: (name: string) => `c!${name}`,
  cursorPrefix: 'c!',
  origin: 'm!origin',
  head: 'm!head',
  seq: (origin: string) => `m!seq!${origin}`,
} as const;

/** Upper bound for a prefix range scan. */
export function prefixEnd(prefix: string): string {
  return prefix + '\xff';
}
