import type { ProjectionDb } from '../projections/db.js';
import { orderedRefs } from './messages.js';

/** Resume lineage (DESIGN §9): which session a resumed one continues, and where it was resumed. */
export interface ResumeLineage {
  from: string;
  at_msg: string | null;
}

export function resumedFrom(db: ProjectionDb, id: string): ResumeLineage | null {
  const row = db.prepare('SELECT resumed_from, resumed_at_msg FROM sessions WHERE id = ?').get(id) as
    { resumed_from: string | null; resumed_at_msg: string | null } | undefined;
  return row?.resumed_from ? { from: row.resumed_from, at_msg: row.resumed_at_msg } : null;
}

/** Sessions written from `id` by `sfs resume` / native export, oldest first. */
export function resumedInto(db: ProjectionDb, id: string): Array<{ id: string; tool: string | null }> {
  return db.prepare('SELECT id, tool FROM sessions WHERE resumed_from = ? AND purged = 0 ORDER BY resumed_stamp, id').all(id) as Array<{
    id: string;
    tool: string | null;
  }>;
}

/** What `show` says of a resumed session: the source, its tool, and the message number it was resumed at. */
export function resumeOf(db: ProjectionDb, id: string): { from: string; tool: string | null; at_msg: string | null; at_message: number | null } | null {
  const link = resumedFrom(db, id);
  if (!link) return null;
  const source = db.prepare('SELECT tool FROM sessions WHERE id = ? AND purged = 0').get(link.from) as { tool: string | null } | undefined;
  const index = link.at_msg && source ? orderedRefs(db, link.from).findIndex((r) => r.msg_id === link.at_msg) : -1;
  return { from: link.from, tool: source?.tool ?? null, at_msg: link.at_msg, at_message: index >= 0 ? index + 1 : null };
}
