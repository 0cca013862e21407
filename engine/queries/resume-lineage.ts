import type { ProjectionDb } from '../projections/db.js';

/** Resume lineage (DESIGN §9): which session a resumed one continues, and where it was resumed. */
export interface ResumeLineage {
  from: string;
  at_msg: string | null;
}

export function resumedFrom(db: ProjectionDb, id: string): ResumeLineage | null {
  const row = db.prepare('SELECT resumed_from, resumed_at_msg FROM sessions WHERE id = ?').get(id) as
    | { resumed_from: string | null; resumed_at_msg: string | null }
    | undefined;
  return row?.resumed_from ? { from: row.resumed_from, at_msg: row.resumed_at_msg } : null;
}

/** Sessions written from `id` by `sfs resume` / native export, oldest first. */
export function resumedInto(db: ProjectionDb, id: string): Array<{ id: string; tool: string | null }> {
  return db
    .prepare('SELECT id, tool FROM sessions WHERE resumed_from = ? AND purged = 0 ORDER BY resumed_stamp, id')
    .all(id) as Array<{ id: string; tool: string | null }>;
}
