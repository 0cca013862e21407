import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SfsError } from '../errors.js';
import { randomRequestId } from '../ids.js';
import type { AnyStoredEvent } from '../model/events.js';
import type { AppendRequest, AppendResult, EventLog, EvictResult, ForeignEvent, IngestOptions, IngestResult, LogInfo } from './event-log.js';
import { readHeadMarker } from './head-marker.js';
import { LocalLog, StoreLockedError } from './local-log.js';
import { LogServer } from './log-server.js';
import { OwnerGoneError, RemoteLog } from './remote-log.js';

export interface OpenLogOptions {
  /** How long to keep trying to become owner or reach the owner before STORE_BUSY. */
  timeoutMs?: number;
  /** Called when this process takes or loses ownership (the daemon logs it). */
  onRoleChange?: (role: 'owner' | 'guest') => void;
  /**
   * LevelDB cannot open on a full disk (it must first write out its write-ahead file).
   * With this set, open() still succeeds and each operation tries again, failing with
   * DISK_FULL until space is freed, so readers can fall back on the projections.
   */
  openWhenFull?: boolean;
  /**
   * Reach the log (take it, or connect to its owner) only at the first operation, not at open:
   * a command whose projections are already up to date (headHint) then never loads LevelDB.
   */
  lazy?: boolean;
}

/**
 * One store, many processes (DESIGN §6). LevelDB lets one process open the files; that
 * process is the owner and serves the log on a unix socket. Everyone else is a guest.
 * When the owner exits, a guest's next request finds the socket gone, takes the lock
 * itself (or reaches whoever did) and retries. Appends carry a request id, so a retry
 * after a lost answer never appends twice.
 *
 * Why not many-level (DESIGN §6 names it as the way to share a database over a socket):
 * it exposes get/put/batch/iterators, but gap-free per-origin seqs, positions and the
 * capture de-duplication are read-modify-write steps that must run in the owner, in
 * one queue. So the owner serves these log operations instead of raw key/value access.
 */
export class SharedLog implements EventLog {
  private backend: LocalLog | RemoteLog | undefined;
  private server: LogServer | undefined;
  private acquiring: Promise<LocalLog | RemoteLog> | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly opts: OpenLogOptions,
  ) {}

  static async open(dir: string, opts: OpenLogOptions = {}): Promise<SharedLog> {
    const log = new SharedLog(dir, opts);
    if (opts.lazy) return log;
    try {
      await log.current();
    } catch (err) {
      if (!(opts.openWhenFull && err instanceof SfsError && err.code === 'DISK_FULL')) throw err;
    }
    return log;
  }

  /** How far the log reaches at most, from its marker file, without reaching the log (see head-marker.ts). */
  headHint(): number | undefined {
    return readHeadMarker(this.dir);
  }

  get role(): 'owner' | 'guest' {
    return this.backend?.role ?? 'guest';
  }

  /** The socket path; long data paths fall back to a hashed name in the temp directory. */
  get socketPath(): string {
    const p = join(this.dir, 'owner.sock');
    if (Buffer.byteLength(p) < 100) return p;
    return join(tmpdir(), `sfs-${createHash('sha256').update(this.dir).digest('hex').slice(0, 16)}.sock`);
  }

  private current(): Promise<LocalLog | RemoteLog> {
    if (this.closed) return Promise.reject(new SfsError('INTERNAL', 'store is closed'));
    if (this.backend) return Promise.resolve(this.backend);
    this.acquiring ??= this.acquire().finally(() => (this.acquiring = undefined));
    return this.acquiring;
  }

  private async acquire(): Promise<LocalLog | RemoteLog> {
    const deadline = Date.now() + (this.opts.timeoutMs ?? 20_000);
    let delay = 5;
    let lastErr: unknown;
    while (Date.now() < deadline) {
      // An owner is likely serving (the daemon, usually): ask it first, so a guest command
      // neither loads nor tries to open LevelDB. A socket left by an owner that died refuses
      // the connection, and this process goes on to take the store itself.
      if (existsSync(this.socketPath)) {
        try {
          return this.becomeGuest(await RemoteLog.connect(this.socketPath));
        } catch (err) {
          if (err instanceof SfsError && !(err instanceof OwnerGoneError)) throw err;
          lastErr = err;
        }
      }
      try {
        const local = await LocalLog.open(this.dir);
        try {
          this.server = await LogServer.listen(local, this.socketPath);
        } catch (err) {
          await local.close();
          throw err;
        }
        this.backend = local;
        this.opts.onRoleChange?.('owner');
        return local;
      } catch (err) {
        if (!(err instanceof StoreLockedError)) throw err;
        lastErr = err;
      }
      try {
        return this.becomeGuest(await RemoteLog.connect(this.socketPath));
      } catch (err) {
        if (err instanceof SfsError && !(err instanceof OwnerGoneError)) throw err;
        lastErr = err; // the owner is starting or stopping: try again shortly
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 200);
    }
    throw new SfsError(
      'STORE_BUSY',
      `could not open the store at ${this.dir}: another process holds it and does not answer (${(lastErr as Error)?.message ?? 'timeout'})`,
    );
  }

  private becomeGuest(remote: RemoteLog): RemoteLog {
    this.backend = remote;
    this.opts.onRoleChange?.('guest');
    return remote;
  }

  private async run<T>(fn: (log: EventLog) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const b = await this.current();
      try {
        return await fn(b);
      } catch (err) {
        if (!(err instanceof OwnerGoneError) || attempt > 20) throw err;
        if (this.backend === b) this.backend = undefined;
        await b.close().catch(() => undefined);
      }
    }
  }

  info(): Promise<LogInfo> {
    return this.run((l) => l.info());
  }
  head(): Promise<number> {
    return this.run((l) => l.head());
  }
  append(req: AppendRequest): Promise<AppendResult> {
    const withId = req.requestId ? req : { ...req, requestId: randomRequestId() };
    return this.run((l) => l.append(withId));
  }
  ingest(events: ForeignEvent[], cursors?: Record<string, unknown>, opts?: IngestOptions): Promise<IngestResult> {
    return this.run((l) => l.ingest(events, cursors, opts)); // duplicates are skipped by identity
  }
  read(after: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.run((l) => l.read(after, limit));
  }
  readOrigin(origin: string, afterSeq: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.run((l) => l.readOrigin(origin, afterSeq, limit));
  }
  readSession(session: string, after: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.run((l) => l.readSession(session, after, limit));
  }
  hasSession(session: string): Promise<boolean> {
    return this.run((l) => l.hasSession(session));
  }
  getCursor<T = unknown>(name: string): Promise<T | undefined> {
    return this.run((l) => l.getCursor<T>(name));
  }
  getCursors<T = unknown>(prefix: string): Promise<Record<string, T>> {
    return this.run((l) => l.getCursors<T>(prefix));
  }
  purge(session: string): Promise<AppendResult> {
    return this.run((l) => l.purge(session));
  }
  evict(sessions: string[]): Promise<EvictResult> {
    return this.run((l) => l.evict(sessions)); // idempotent: a retry skips what is already evicted
  }
  evictedSessions(): Promise<string[]> {
    return this.run((l) => l.evictedSessions());
  }

  /** Hands the store over: guests waiting on this owner reconnect to the next one. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.acquiring) await this.acquiring.catch(() => undefined);
    this.closed = true;
    const server = this.server;
    this.server = undefined;
    if (server) await server.close();
    await this.backend?.close();
    this.backend = undefined;
  }
}
