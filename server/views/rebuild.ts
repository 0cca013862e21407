import { sql, type Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { insertLimitsOf } from '../db/open.js';
import { allSpaces, applyBatch } from './apply.js';

export interface RebuildResult {
  spaces: number;
  events: number;
}

/**
 * Rebuilds the views of every space (or of `only`) from the events table: per space, one
 * transaction that locks its position row (relay processes applying meanwhile wait for it),
 * empties its views, folds all its events and sets the position. Readers see the old views
 * until it commits, never a half-built one.
 */
export async function rebuildViews(
  db: Kysely<RelayDb>,
  opts: { only?: string[]; batch?: number; onSpace?: (space: string, events: number) => void } = {},
): Promise<RebuildResult> {
  const spaces = opts.only ?? (await allSpaces(db));
  const limits = insertLimitsOf(db);
  const batch = opts.batch ?? limits.foldEvents;
  let events = 0;
  for (const space of spaces) {
    await sql`insert into view_positions (space_id, rseq) values (${space}, 0) on conflict (space_id) do nothing`.execute(db);
    const n = await db.transaction().execute(async (tx) => {
      const pos = await sql`select rseq from view_positions where space_id = ${space} for update`.execute(tx);
      if (!pos.rows.length) return 0;
      await sql`delete from view_sessions where space_id = ${space}`.execute(tx); // messages and checkpoints follow (on delete cascade)
      await sql`delete from view_knowledge where space_id = ${space}`.execute(tx);
      await sql`delete from view_knowledge_removed where space_id = ${space}`.execute(tx);
      let cursor = 0;
      let count = 0;
      for (;;) {
        const r = await applyBatch(tx, space, cursor, batch, limits);
        if (!r.applied) break;
        cursor = r.cursor;
        count += r.applied;
      }
      await sql`update view_positions set rseq = ${cursor}, updated_at = now() where space_id = ${space}`.execute(tx);
      return count;
    });
    events += n;
    opts.onSpace?.(space, n);
  }
  // A rebuild replaces every row: the old versions are reclaimed now (a list's count and a search's
  // recheck would otherwise read through them until autovacuum comes), and fresh statistics keep the
  // planner on the views' indexes. VACUUM runs outside a transaction, on a connection of its own.
  await sql`vacuum (analyze) view_sessions, view_messages, view_checkpoints, view_knowledge, view_knowledge_removed, view_positions`.execute(db);
  return { spaces: spaces.length, events };
}
