import { existsSync, statSync } from 'node:fs';
import { SfsError } from '../errors.js';
import { diskFullError, freeBytes, isDiskFull, rethrowDiskFull } from '../disk-full.js';
import type { EventLog } from '../log/event-log.js';
import type { AnyStoredEvent } from '../model/events.js';
import { foreignViewId } from '../ids.js';
import {
  BUSY_TIMEOUT_MS,
  isCorruptDb,
  openProjectionDb,
  openProjectionDbWithoutSharedMemory,
  readPosition,
  removeProjectionFiles,
  resetSchema,
  type ProjectionDb,
  PROJECTION_VERSION,
} from './db.js';
import { Folder, needsReplay } from './fold.js';

const CHUNK = 2000;
/**
 * A transaction's pages sit in the WAL until a checkpoint copies them into the file, so
 * on a nearly full disk (less free than TIGHT_BYTES) transactions are small and the WAL
 * is cut back after each one: a rebuild then needs about one copy of the projections,
 * not two. With room to spare, larger transactions are faster (fewer commits, no forced
 * checkpoints).
 */
const TIGHT_BYTES = 256 * 1024 * 1024;
const TIGHT = { messagesPerTransaction: 200, walCheckpointBytes: 1024 * 1024 };
const ROOMY = { messagesPerTransaction: 5000, walCheckpointBytes: Infinity };

export interface ProjectionsOptions {
  /** One-line notes about repairs (a damaged file rebuilt from the log); the CLI prints them on stderr. */
  onNote?: (line: string) => void;
  /**
   * On a full disk, open existing projections for reading without SQLite's shared-memory
   * file (see openProjectionDbWithoutSharedMemory) instead of failing. Not for the daemon:
   * that connection keeps other processes out while it is open.
   */
  readWhenFull?: boolean;
}

/**
 * Keeps the SQLite projections caught up with the log. Any process may call catchUp():
 * each transaction is applied IMMEDIATE together with the new read position, and events
 * at or below the position found inside the transaction are skipped, so two processes
 * catching up at once never apply an event twice.
 *
 * The projections are a cache of the log: a damaged file (not a database, corrupt pages)
 * is deleted and rebuilt from the log, with a note, instead of failing every command.
 */
export class Projections {
  private current: ProjectionDb;
  /** Made at the first event to fold: preparing its statements is a good part of opening for a read. */
  private folded: Folder | undefined;
  /** The file's inode when it was opened: tells our damaged file from one another process already replaced. */
  private inode: number | undefined;

  constructor(
    readonly file: string,
    private readonly log: EventLog,
    private readonly opts: ProjectionsOptions = {},
  ) {
    this.current = this.open();
  }

  private get folder(): Folder {
    return (this.folded ??= new Folder(this.current));
  }

  /**
   * The open connection. When another process has deleted or replaced the file (a damaged
   * one rebuilt, `rm projections.sqlite`), this one reopens it instead of reading a
   * file that is gone; catchUp then fills a new one from the log.
   */
  get db(): ProjectionDb {
    if (this.inode !== undefined && inodeOf(this.file) !== this.inode) {
      if (this.current.open) this.current.close();
      this.current = this.open();
      this.folded = undefined;
    }
    return this.current;
  }

  private open(): ProjectionDb {
    const before = inodeOf(this.file);
    try {
      return this.openFile();
    } catch (err) {
      if (isCorruptDb(err)) {
        this.discardDamaged(err, before);
        return this.openFile();
      }
      if (isDiskFull(err, this.file)) {
        if (this.opts.readWhenFull && existsSync(this.file)) {
          try {
            this.inode = undefined; // not watched for replacement: this connection is for one read
            return openProjectionDbWithoutSharedMemory(this.file);
          } catch {
            // not readable this way either: report the full disk
          }
        }
        throw diskFullError(this.file, err, 'open the projections at');
      }
      throw err;
    }
  }

  private openFile(): ProjectionDb {
    const db = openProjectionDb(this.file);
    this.inode = inodeOf(this.file);
    return db;
  }

  /** Deletes the damaged file, unless another process has already put a new one in its place. */
  private discardDamaged(err: unknown, openedInode: number | undefined): void {
    if (inodeOf(this.file) === openedInode) removeProjectionFiles(this.file);
    this.opts.onNote?.(`the projections file ${this.file} was damaged (${(err as Error).message}); rebuilding it from the log`);
  }

  /** Closes the damaged connection and opens a fresh file in its place. */
  private replaceDamaged(err: unknown): void {
    if (this.current.open) this.current.close();
    this.discardDamaged(err, this.inode);
    this.current = this.openFile();
    this.folded = undefined;
  }

  /**
   * For a damage found by a query after catch-up (a page no earlier read touched): drops
   * the file so the next command rebuilds it, and returns the error to report now.
   */
  discardAfterDamage(err: unknown): SfsError {
    if (this.current.open) this.current.close();
    if (inodeOf(this.file) === this.inode) removeProjectionFiles(this.file);
    return new SfsError(
      'STORE_CORRUPT',
      `the projections file ${this.file} was damaged (${(err as Error).message}); it was deleted and the next command rebuilds it from the log`,
      { path: this.file },
      { cause: err },
    );
  }

  position(): number {
    return readPosition(this.db);
  }

  /**
   * Applies every event the log holds beyond our position. Returns how many were applied.
   * `leave`: stop once fewer events than that are left (a process that keeps appending catches
   * up in large steps and comes back for the rest, instead of one small transaction per append).
   */
  async catchUp(onProgress?: (done: number, head: number) => void, leave = 0): Promise<number> {
    try {
      return await this.catchUpNow(onProgress, leave);
    } catch (err) {
      if (!isCorruptDb(err)) rethrowDiskFull(err, this.file, 'update the projections at');
      this.replaceDamaged(err);
      return this.catchUpNow(onProgress, leave);
    }
  }

  private async catchUpNow(onProgress: ((done: number, head: number) => void) | undefined, leave: number): Promise<number> {
    let applied = 0;
    // Already there by the log's own marker: nothing to fold, and the log need not be reached at all.
    const hint = this.log.headHint?.();
    if (hint !== undefined) {
      const from = this.position();
      if (from >= hint || hint - from < leave) return applied;
    }
    for (;;) {
      const from = this.position();
      const head = await this.log.head();
      if (from >= head || head - from < leave) return applied;
      const events = await this.log.read(from, CHUNK);
      if (!events.length) return applied;
      // Sessions an event of this chunk replays are read once, before any transaction.
      const replays = await this.replaySources(events);
      const limits = freeBytes(this.file) < TIGHT_BYTES ? TIGHT : ROOMY;
      for (const part of transactions(events, limits.messagesPerTransaction)) {
        applied += this.applyInTransaction(part, replays);
        if (fileSize(`${this.file}-wal`) > limits.walCheckpointBytes) this.trimWal();
      }
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
      out.set(
        ev.session!,
        list.sort((a, b) => a.pos - b.pos),
      );
    }
    return out;
  }

  private async readAll(session: string): Promise<AnyStoredEvent[]> {
    const list: AnyStoredEvent[] = [];
    for (let after = 0; ;) {
      const page = await this.log.readSession(session, after, CHUNK);
      if (!page.length) return list;
      list.push(...page);
      after = page[page.length - 1]!.pos;
    }
  }

  private applyInTransaction(events: AnyStoredEvent[], replays: Map<string, AnyStoredEvent[]>): number {
    const db = this.current;
    let applied = 0;
    db.transaction(() => {
      const current = readPosition(db);
      for (const ev of events) {
        if (ev.pos <= current) continue;
        const all = needsReplay(ev) ? replays.get(ev.session!) : undefined;
        this.folder.apply(
          ev,
          all?.filter((e) => e.pos < ev.pos),
        );
        applied++;
      }
      this.folder.indexDueDocs();
      const last = events[events.length - 1]!.pos;
      if (last > current) db.prepare("UPDATE meta SET value = ? WHERE key = 'position'").run(String(last));
    }).immediate();
    return applied;
  }

  /** Copies the WAL into the file and cuts it to nothing once it has grown (a reader may keep part of it: that is fine). */
  private trimWal(): void {
    // A TRUNCATE checkpoint waits for readers through the busy handler: wait briefly, not 30 s.
    this.current.pragma('busy_timeout = 200');
    try {
      this.current.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.current.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /**
   * Empties every projection and replays the whole log, in place: the dropped tables'
   * pages are reused by the new rows, so a rebuild needs about one copy of the
   * projections on disk (plus a bounded WAL), not two. A damaged file is replaced.
   */
  async rebuild(onProgress?: (done: number, head: number) => void): Promise<number> {
    // The log must answer before anything is dropped (on a full disk it may not even open).
    await this.log.head();
    try {
      this.current.transaction(() => resetSchema(this.current)).immediate();
      this.trimWal();
      this.folded = undefined;
    } catch (err) {
      if (!isCorruptDb(err)) rethrowDiskFull(err, this.file, 'rebuild the projections at');
      this.replaceDamaged(err);
    }
    return this.catchUp(onProgress);
  }

  close(): void {
    if (this.current.open) this.current.close();
  }
}

/** Splits a chunk of events into transactions of at most `most` messages (an event is never split). */
function* transactions(events: AnyStoredEvent[], most: number): Generator<AnyStoredEvent[]> {
  let part: AnyStoredEvent[] = [];
  let weight = 0;
  for (const ev of events) {
    const w = ev.type === 'messages.captured' ? ((ev.body as { messages?: unknown[] } | null)?.messages?.length ?? 1) : 1;
    if (part.length && weight + w > most) {
      yield part;
      part = [];
      weight = 0;
    }
    part.push(ev);
    weight += w;
  }
  if (part.length) yield part;
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export { PROJECTION_VERSION };
