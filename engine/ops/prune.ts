import type { ProjectionDb } from '../projections/db.js';
import { titleOf } from '../queries/sessions.js';
import type { Store } from '../store.js';

export interface PruneOptions {
  /** Also prune sessions whose last activity is older than this many days (deleted ones always qualify). */
  olderThanDays?: number;
  dryRun?: boolean;
  now?: Date;
}

export interface PruneCandidate {
  id: string;
  title: string;
  reason: 'deleted' | 'old';
  updated_at: string | null;
  message_count: number;
}

/**
 * Which sessions `storage prune` purges: those in the trash, and with --older-than those
 * inactive for longer. Kept always: aliased sessions, checkpointed ones, and sessions
 * that forks or sub-agents still build on.
 */
export function pruneCandidates(db: ProjectionDb, o: PruneOptions = {}): PruneCandidate[] {
  const cutoff = o.olderThanDays !== undefined ? new Date((o.now ?? new Date()).getTime() - o.olderThanDays * 86_400_000).toISOString() : null;
  const rows = db
    .prepare(
      `SELECT s.* FROM sessions s
       WHERE s.purged = 0 AND s.tool IS NOT NULL AND s.alias IS NULL
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
  }));
}

export async function prune(store: Store, o: PruneOptions = {}): Promise<{ purged: PruneCandidate[]; dryRun: boolean }> {
  const candidates = pruneCandidates(await store.view(), o);
  if (!o.dryRun) for (const c of candidates) await store.log.purge(c.id);
  return { purged: candidates, dryRun: !!o.dryRun };
}
