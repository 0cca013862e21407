import { sql, type Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';

/** How far the server-side views trail the events table, over every space of the database. */
export interface ViewLag {
  /** Events committed but not folded yet (sum over spaces of the last rseq minus the view position). */
  events: number;
  /** Spaces with such events. */
  spaces: number;
  /** When a fold last moved a position (ms since the epoch), or null before the first fold. */
  lastFoldAt: number | null;
}

/**
 * Read at scrape time, so it must stay cheap: one index probe per space (the last rseq, by the
 * events primary key read backwards) against its view_positions row — never a count of events.
 * The last rseq, not spaces.next_rseq: duplicates leave numbers unused (events.ts), and a fold's
 * position is the last event it read, so a caught-up space reads 0.
 */
export async function viewLag(db: Kysely<RelayDb>): Promise<ViewLag> {
  const r = await sql<{ events: string | number | null; spaces: string | number; last_fold: Date | string | null }>`
    select coalesce(sum(greatest(l.last - coalesce(p.rseq, 0), 0)), 0) as events,
           count(*) filter (where l.last > coalesce(p.rseq, 0)) as spaces,
           max(p.updated_at) filter (where p.rseq > 0) as last_fold
    from spaces s
    left join view_positions p on p.space_id = s.id
    cross join lateral (select coalesce(max(e.rseq), 0) as last from events e where e.space_id = s.id) l`.execute(db);
  const row = r.rows[0]!;
  return {
    events: Number(row.events ?? 0),
    spaces: Number(row.spaces),
    lastFoldAt: row.last_fold === null ? null : new Date(row.last_fold).getTime(),
  };
}
