import type { ProjectionDb } from '../projections/db.js';
import { refoldSession } from '../projections/refold.js';
import { titleOf } from '../queries/sessions.js';
import type { Store } from '../store.js';
import { storeBytes } from './storage.js';

export interface PruneOptions {
  /** Also prune sessions whose last activity is older than this many days (deleted ones always qualify). */
  olderThanDays?: number;
  now?: Date;
}

export interface PruneCandidate {
  id: string;
  title: string;
  reason: 'deleted' | 'old';
  updated_at: string | null;
  message_count: number;
  /** Size of the session's messages as JSON text (the projections hold them compressed): what eviction drops. */
  message_bytes: number;
}

/**
 * Which sessions `storage prune` evicts: those in the trash, and with --older-than those
 * inactive for longer. Kept always: aliased sessions, checkpointed ones, sessions that
 * forks or sub-agents still build on, and sessions already evicted.
 */
export function pruneCandidates(db: ProjectionDb, o: PruneOptions = {}): PruneCandidate[] {
  const cutoff = o.olderThanDays !== undefined ? new Date((o.now ?? new Date()).getTime() - o.olderThanDays * 86_400_000).toISOString() : null;
  const rows = db
    .prepare(
      `SELECT s.*, (SELECT COALESCE(SUM(m.body_bytes), 0) FROM messages m WHERE m.session = s.rowid) AS message_bytes FROM sessions s
       WHERE s.purged = 0 AND s.evicted = 0 AND s.tool IS NOT NULL AND s.alias IS NULL
         AND NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.session_id = s.id)
         AND NOT EXISTS (SELECT 1 FROM sessions f WHERE f.fork_from = s.id AND f.purged = 0)
         AND NOT EXISTS (SELECT 1 FROM sessions k WHERE k.parent_session_id = s.id AND k.purged = 0 AND k.deleted = 0)
         AND (s.deleted = 1 OR (@cutoff IS NOT NULL AND COALESCE(s.updated_at, s.created_at) < @cutoff))
       ORDER BY COALESCE(s.updated_at, s.created_at), s.id`,
    )
    .all({ cutoff }) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: r.id as string,
    title: titleOf(r),
    reason: r.deleted === 1 ? 'deleted' : 'old',
    updated_at: (r.updated_at as string) ?? null,
    message_count: r.message_count as number,
    message_bytes: r.message_bytes as number,
  }));
}

export interface EvictionResult {
  evicted: string[];
  /** The store's size on disk (event log and projections) before and after, measured. */
  bytes_before: number;
  bytes_after: number;
}

/**
 * Drops this machine's copy of the sessions' messages (DESIGN §15): nothing is appended or
 * replicated, so every other machine and the relay keep theirs. The log compacts the freed
 * space; the projections forget the messages and give the pages back.
 */
export async function evictSessions(store: Store, ids: string[]): Promise<EvictionResult> {
  const bytes_before = storeBytes(store.paths);
  const { evicted } = await store.log.evict(ids);
  for (const id of evicted) await refoldSession(store.projections, store.log, id);
  const db = store.projections.db;
  if (evicted.length) {
    // Deleted rows only free pages inside the file: VACUUM hands them back to the disk. It needs
    // room for a copy and no other writer; when it cannot run, the pages are reused by later captures.
    try {
      db.exec('VACUUM');
    } catch {}
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {}
  }
  return { evicted, bytes_before, bytes_after: storeBytes(store.paths) };
}
