import { sql, type Kysely, type Transaction } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { insertLimitsOf, type InsertLimits } from '../db/open.js';
import { clearSession, foldEvent, messageIdsOf, newState, type ViewEvent } from './fold-rules.js';
import { applyKnowledge, isKnowledgeEvent } from './knowledge-apply.js';
import { loadState, personalOwnerOf, readEvents, readSessionEvents, writeState } from './view-store.js';

type Db = Kysely<RelayDb>;
type Tx = Transaction<RelayDb>;

export interface ApplyOptions {
  /** Events folded per transaction (default: the database's foldEvents, db/open.ts). */
  batch?: number;
  /** Asked after each committed batch: true stops the catch-up there (the rest waits for the next one). */
  stopAfterBatch?: () => boolean;
  /** Test seam: runs inside each applying transaction just before it commits, with the events (after, cursor] it folded. */
  beforeCommit?: (tx: Tx, space: string, after: number, cursor: number) => Promise<void>;
}

/**
 * Folds the events of `space` after `after` (at most `limit`) into its views, in the caller's
 * transaction; returns the new read position (unchanged when there was nothing to fold).
 * A batch holding a purge folds that session again from all its events (whose bodies the relay
 * erased), exactly as a rebuild would.
 */
export async function applyBatch(
  tx: Tx | Db,
  space: string,
  after: number,
  limit: number,
  limits?: InsertLimits,
): Promise<{ cursor: number; applied: number }> {
  const events = await readEvents(tx, space, after, limit);
  if (!events.length) return { cursor: after, applied: 0 };
  const cursor = events[events.length - 1]!.rseq;
  const st = newState(space, await personalOwnerOf(tx, space));
  const replayed = [...new Set(events.filter((e) => e.type === 'session.purged' && e.session).map((e) => e.session!))];
  const replay = new Set(replayed);
  const sessions = new Set<string>();
  const messages = new Map<string, [string, string]>();
  for (const e of events) {
    if (!e.session || replay.has(e.session) || isKnowledgeEvent(e.type)) continue;
    sessions.add(e.session);
    for (const m of messageIdsOf(e)) messages.set(`${e.session}\0${m}`, [e.session, m]);
  }
  await loadState(tx, st, [...sessions], [...messages.values()]);
  for (const s of replayed) clearSession(st, s);
  const again: ViewEvent[] = replayed.length ? await readSessionEvents(tx, space, replayed, cursor) : [];
  for (const e of again) if (!isKnowledgeEvent(e.type)) foldEvent(st, e);
  for (const e of events) {
    if (isKnowledgeEvent(e.type)) await applyKnowledge(tx, space, e);
    else if (!e.session || !replay.has(e.session)) foldEvent(st, e);
  }
  await writeState(tx, st, limits);
  return { cursor, applied: events.length };
}

/**
 * Brings one space's views up to date, a transaction per batch. The space's position row is
 * locked (FOR UPDATE) for the whole transaction that reads from it, folds and moves it: with
 * several relay processes on one database, whoever holds the lock folds the next events and the
 * others, once it commits, read the moved position — no event is folded twice or skipped.
 */
export async function catchUpSpace(db: Db, space: string, opts: ApplyOptions = {}): Promise<number> {
  const limits = insertLimitsOf(db);
  const limit = opts.batch ?? limits.foldEvents;
  await sql`insert into view_positions (space_id, rseq) values (${space}, 0) on conflict (space_id) do nothing`.execute(db);
  let total = 0;
  for (;;) {
    const applied = await db.transaction().execute(async (tx) => {
      const pos = await sql<{ rseq: string }>`select rseq from view_positions where space_id = ${space} for update`.execute(tx);
      if (!pos.rows.length) return 0; // the space was deleted
      const after = Number(pos.rows[0]!.rseq);
      const r = await applyBatch(tx, space, after, limit, limits);
      if (!r.applied) return 0;
      await sql`update view_positions set rseq = ${r.cursor}, updated_at = now() where space_id = ${space}`.execute(tx);
      await opts.beforeCommit?.(tx, space, after, r.cursor);
      return r.applied;
    });
    if (!applied) return total;
    total += applied;
    if (opts.stopAfterBatch?.()) return total;
  }
}

/** The spaces holding events their views have not folded (what a catch-up on start or after a lost LISTEN connection walks). */
export async function laggingSpaces(db: Db): Promise<string[]> {
  const r = await sql<{ id: string }>`select s.id from spaces s left join view_positions p on p.space_id = s.id
    where exists (select 1 from events e where e.space_id = s.id and e.rseq > coalesce(p.rseq, 0)) order by s.id`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Every space id (what a rebuild walks). */
export async function allSpaces(db: Db): Promise<string[]> {
  return (await db.selectFrom('spaces').select('id').orderBy('id').execute()).map((r) => r.id);
}
