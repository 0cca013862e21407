import type { EventLog } from '../log/event-log.js';
import type { AnyStoredEvent } from '../model/events.js';
import { foreignViewId } from '../ids.js';
import { readPosition } from './db.js';
import { Folder } from './fold.js';
import { isKnowledgeEvent } from './knowledge-fold.js';
import type { Projections } from './projections.js';

/**
 * Folds one session again from the log. Needed when the log changed the session's stored
 * events in place (eviction dropped their bodies, `sfs pull` put them back): catch-up reads
 * only new positions and would never see it. A session's rows depend on its own events
 * (and her own edits of other accounts' views of it) alone, so folding them again in position
 * order leaves exactly what a full rebuild would.
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
        // Emptied and folded again: her view of the session and other accounts' views of it (Folder.refold).
        // Knowledge rows are not the session's and are not deleted: their events are left alone.
        new Folder(db).refold(
          session,
          events.filter((ev) => ev.pos <= current && !isKnowledgeEvent(ev)),
        );
        return true;
      })
      .immediate();
    if (done) return;
  }
}

/** The session's events and the user's own events on other accounts' views of it (an alias or a delete she gave their copy), in position order. */
async function sessionEvents(log: EventLog, session: string): Promise<AnyStoredEvent[]> {
  const own = await readAll(log, session);
  const accounts = new Set(own.map((e) => e.attr?.account).filter((a): a is string => a !== undefined));
  for (const account of accounts) own.push(...(await readAll(log, foreignViewId(session, account))).filter((e) => !e.attr));
  return own.sort((a, b) => a.pos - b.pos);
}

async function readAll(log: EventLog, session: string): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await log.readSession(session, after, 1000);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1]!.pos;
  }
}
