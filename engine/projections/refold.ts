import type { EventLog } from '../log/event-log.js';
import type { AnyStoredEvent } from '../model/events.js';
import { readPosition } from './db.js';
import { Folder } from './fold.js';
import { isKnowledgeEvent } from './knowledge-fold.js';
import type { Projections } from './projections.js';

/**
 * Folds one session again from the log. Needed when the log changed the session's stored
 * events in place (eviction dropped their bodies, `sfs pull` put them back): catch-up reads
 * only new positions and would never see it. A session's rows depend on its own events
 * alone, so deleting them and folding its events again in position order leaves exactly
 * what a full rebuild would.
 */
export async function refoldSession(projections: Projections, log: EventLog, session: string): Promise<void> {
  const db = projections.db;
  for (;;) {
    await projections.catchUp();
    const head = await log.head();
    const events = await sessionEvents(log, session);
    const done = db
      .transaction(() => {
        const current = readPosition(db);
        // Another process caught up past what we read: read again rather than miss an event.
        if (current > head) return false;
        const row = db.prepare('SELECT rowid FROM sessions WHERE id = ?').get(session) as { rowid: number } | undefined;
        if (row) {
          const del = db.prepare('DELETE FROM search WHERE rowid = ?');
          for (const m of db.prepare('SELECT rowid FROM messages WHERE session_id = ?').all(session) as Array<{ rowid: number }>) del.run(m.rowid);
          del.run(-row.rowid);
          db.prepare('DELETE FROM messages WHERE session_id = ?').run(session);
          db.prepare('DELETE FROM checkpoints WHERE session_id = ?').run(session);
          db.prepare('DELETE FROM sessions WHERE id = ?').run(session);
        }
        const folder = new Folder(db);
        // Knowledge rows are not the session's and were not deleted: their events are left alone.
        for (const ev of events) if (ev.pos <= current && !isKnowledgeEvent(ev)) folder.apply(ev);
        return true;
      })
      .immediate();
    if (done) return;
  }
}

async function sessionEvents(log: EventLog, session: string): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = await log.readSession(session, after, 1000);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1]!.pos;
  }
}
