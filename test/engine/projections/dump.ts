import type { ProjectionDb } from '../../../engine/projections/db.js';
import { orderedRefs } from '../../../engine/queries/messages.js';

/** Everything a projection holds, in a stable order and without physical rowids. */
export function dumpProjections(db: ProjectionDb): unknown {
  const sessions = db.prepare('SELECT * FROM sessions ORDER BY id').all() as Array<Record<string, unknown>>;
  return {
    sessions,
    messages: db.prepare('SELECT * FROM messages ORDER BY session_id, msg_id').all(),
    checkpoints: db.prepare('SELECT * FROM checkpoints ORDER BY session_id, name').all(),
    shares: db.prepare('SELECT * FROM shares ORDER BY session_id, space').all(),
    searchMessages: db.prepare('SELECT m.session_id, m.msg_id, s.text FROM search s JOIN messages m ON m.rowid = s.rowid ORDER BY 1, 2').all(),
    searchSessions: db.prepare('SELECT se.id, s.text FROM search s JOIN sessions se ON se.rowid = -s.rowid ORDER BY 1').all(),
    searchCount: (db.prepare('SELECT COUNT(*) AS n FROM search').get() as { n: number }).n,
    projectContext: db.prepare('SELECT * FROM project_context ORDER BY project').all(),
    projectRules: db.prepare('SELECT * FROM project_rules ORDER BY project').all(),
    knowledge: db.prepare('SELECT * FROM knowledge ORDER BY project, entry_id').all(),
    knowledgeRemoved: db.prepare('SELECT * FROM knowledge_removed ORDER BY project, entry_id').all(),
    knowledgeSearch: db.prepare('SELECT k.project, k.entry_id, s.text FROM knowledge_search s JOIN knowledge k ON k.rowid = s.rowid ORDER BY 1, 2').all(),
    knowledgeSearchCount: (db.prepare('SELECT COUNT(*) AS n FROM knowledge_search').get() as { n: number }).n,
    order: Object.fromEntries(sessions.map((s) => [s.id, orderedRefs(db, s.id as string)])),
  };
}
