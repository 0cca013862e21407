import type { ProjectionDb } from '../../../engine/projections/db.js';
import { orderedRefs } from '../../../engine/queries/messages.js';

/** Everything a projection holds, in a stable order and without physical rowids. */
export function dumpProjections(db: ProjectionDb): unknown {
  const sessions = db.prepare('SELECT * FROM sessions ORDER BY id').all() as Array<Record<string, unknown>>;
  return {
    sessions,
    // Bodies decoded (which chunk holds a body depends on the order events were folded in).
    messages: (
      db
        .prepare(
          `SELECT se.id AS session_id, m.*, sfs_message_json(b.data, m.body_idx, m.msg_id, m.parent_msg_id, m.ts) AS body
           FROM messages m JOIN message_bodies b ON b.id = m.body_id JOIN sessions se ON se.rowid = m.session ORDER BY session_id, msg_id`,
        )
        .all() as Array<Record<string, unknown>>
    ).map(({ session: _s, body_id: _id, body_idx: _idx, ...m }) => m),
    // Every chunk is used by some message, and counts the messages that use it.
    bodyRefs: db
      .prepare('SELECT b.id, b.refs, (SELECT COUNT(*) FROM messages m WHERE m.body_id = b.id) AS used FROM message_bodies b WHERE b.refs != used OR used = 0')
      .all(),
    checkpoints: db.prepare('SELECT * FROM checkpoints ORDER BY session_id, name').all(),
    shares: db.prepare('SELECT * FROM shares ORDER BY session_id, space').all(),
    searchMessages: db
      .prepare('SELECT se.id, m.msg_id, s.text FROM search s JOIN messages m ON m.rowid = s.rowid JOIN sessions se ON se.rowid = m.session ORDER BY 1, 2')
      .all(),
    searchSessions: db.prepare('SELECT se.id, s.text FROM search s JOIN sessions se ON se.rowid = -s.rowid ORDER BY 1').all(),
    searchCount: (db.prepare('SELECT COUNT(*) AS n FROM search').get() as { n: number }).n,
    // The index holds exactly the text of its source (no content of its own: deletes must give the indexed text).
    searchIntact: (db.prepare("INSERT INTO search(search, rank) VALUES ('integrity-check', 1)").run(), true),
    projectContext: db.prepare('SELECT * FROM project_context ORDER BY project').all(),
    projectRules: db.prepare('SELECT * FROM project_rules ORDER BY project').all(),
    knowledge: db.prepare('SELECT * FROM knowledge ORDER BY project, entry_id').all(),
    knowledgeRemoved: db.prepare('SELECT * FROM knowledge_removed ORDER BY project, entry_id').all(),
    knowledgeSearch: db.prepare('SELECT k.project, k.entry_id, s.text FROM knowledge_search s JOIN knowledge k ON k.rowid = s.rowid ORDER BY 1, 2').all(),
    knowledgeSearchCount: (db.prepare('SELECT COUNT(*) AS n FROM knowledge_search').get() as { n: number }).n,
    order: Object.fromEntries(sessions.map((s) => [s.id, orderedRefs(db, s.id as string)])),
  };
}
