import type { EventLog } from '../log/event-log.js';
import { openProjectionDb, readPosition, resetSchema, type ProjectionDb, PROJECTION_VERSION } from './db.js';
import type { AnyStoredEvent } from '../model/events.js';
import { foreignViewId } from '../ids.js';
import { Folder, needsReplay } from './fold.js';

const CHUNK = 2000;

/**
 * Keeps the SQLite projections caught up with the log. Any process may call catchUp():
 * each chunk is applied in one IMMEDIATE transaction together with the new read
 * position, and events at or below the position found inside the transaction are
 * skipped, so two processes catching up at once never apply an event twice.
 */
export class Projections {
  readonly db: ProjectionDb;
  private folder: Folder;

  constructor(
    file: string,
    private readonly log: EventLog,
  ) {
    this.db = openProjectionDb(file);
    this.folder = new Folder(this.db);
  }

  position(): number {
    return readPosition(this.db);
  }

  /** Applies every event the log holds beyond our position. Returns how many were applied. */
  async catchUp(onProgress?: (done: number, head: number) => void): Promise<number> {
    let applied = 0;
    const setPos = this.db.prepare("UPDATE meta SET value = ? WHERE key = 'position'");
    for (;;) {
      const from = this.position();
      const head = await this.log.head();
      if (from >= head) return applied;
      const events = await this.log.read(from, CHUNK);
      if (!events.length) return applied;
      const replays = await this.replaySources(events);
      this.db
        .transaction(() => {
          const current = readPosition(this.db);
          for (const ev of events) {
            if (ev.pos <= current) continue;
            const all = needsReplay(ev) ? replays.get(ev.session!) : undefined;
            this.folder.apply(ev, all?.filter((e) => e.pos < ev.pos));
            applied++;
          }
          const last = events[events.length - 1]!.pos;
          if (last > current) setPos.run(String(last));
        })
        .immediate();
      onProgress?.(this.position(), head);
    }
  }

  /**
   * Every event of each session that an event of the chunk replays (see needsReplay), read before
   * the transaction: the session's own, and the user's own events on other accounts' views of it
   * (an alias or a delete she gave their copy), in position order.
   */
  private async replaySources(events: AnyStoredEvent[]): Promise<Map<string, AnyStoredEvent[]>> {
    const out = new Map<string, AnyStoredEvent[]>();
    for (const ev of events) {
      if (!needsReplay(ev) || out.has(ev.session!)) continue;
      const list = await this.readAll(ev.session!);
      const accounts = new Set(list.map((e) => e.attr?.account).filter((a): a is string => a !== undefined));
      for (const account of accounts) list.push(...(await this.readAll(foreignViewId(ev.session!, account))).filter((e) => !e.attr));
      out.set(ev.session!, list.sort((a, b) => a.pos - b.pos));
    }
    return out;
  }

  private async readAll(session: string): Promise<AnyStoredEvent[]> {
    const list: AnyStoredEvent[] = [];
    for (let after = 0; ; ) {
      const page = await this.log.readSession(session, after, CHUNK);
      if (!page.length) return list;
      list.push(...page);
      after = page[page.length - 1]!.pos;
    }
  }

  /** Empties every projection and replays the whole log. */
  async rebuild(onProgress?: (done: number, head: number) => void): Promise<number> {
    this.db.transaction(() => resetSchema(this.db)).immediate();
    this.folder = new Folder(this.db);
    return this.catchUp(onProgress);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export { PROJECTION_VERSION };
