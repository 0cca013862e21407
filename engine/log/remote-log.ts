import { connect, type Socket } from 'node:net';
import { SfsError, type ErrorCode } from '../errors.js';
import type { AnyStoredEvent } from '../model/events.js';
import type { AppendRequest, AppendResult, EventLog, EvictResult, ForeignEvent, IngestOptions, IngestResult, LogInfo } from './event-log.js';
import { readFrames, writeFrame } from './frames.js';
import { LOG_PROTOCOL_VERSION, type Response } from './log-server.js';

/** The owner went away (or is closing) while a request was under way; the caller retries. */
export class OwnerGoneError extends SfsError {
  constructor(reason: string) {
    super('STORE_BUSY', `store owner went away: ${reason}`);
    this.name = 'OwnerGoneError';
  }
}

const REQUEST_TIMEOUT_MS = 120_000;

/** A guest's view of the log, through the owner's socket. */
export class RemoteLog implements EventLog {
  readonly role = 'guest' as const;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private gone: Error | undefined;

  private constructor(private readonly socket: Socket) {}

  static connect(path: string, timeoutMs = 2000): Promise<RemoteLog> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), timeoutMs);
      let log: RemoteLog | undefined;
      // Rejecting after the greeting resolved is a no-op; before it, the caller retries.
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        log = new RemoteLog(socket);
        readFrames(socket, (frame) => {
          const f = frame as Response & { hello?: number };
          if (f.hello !== undefined) {
            clearTimeout(timer);
            if (f.hello !== LOG_PROTOCOL_VERSION) {
              socket.destroy();
              reject(new SfsError('STORE_BUSY', `the store's owner speaks protocol ${f.hello}, this sfs speaks ${LOG_PROTOCOL_VERSION}; restart the daemon`));
            } else resolve(log!);
            return;
          }
          log!.settle(f);
        });
        socket.on('close', () => {
          // An owner that is closing drops new connections without a greeting.
          clearTimeout(timer);
          reject(new Error('the owner closed the connection before greeting'));
          log!.fail(new OwnerGoneError('connection closed'));
        });
        socket.on('error', (err) => log!.fail(new OwnerGoneError(err.message)));
      });
    });
  }

  private settle(res: Response): void {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    clearTimeout(p.timer);
    if (res.ok) p.resolve(res.result);
    else if (res.error?.code === 'STORE_BUSY') p.reject(new OwnerGoneError(res.error.message));
    else p.reject(new SfsError((res.error?.code ?? 'INTERNAL') as ErrorCode, res.error?.message ?? 'request failed', res.error?.details));
  }

  private fail(err: Error): void {
    this.gone ??= err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  private call<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SfsError('STORE_BUSY', `the store's owner did not answer ${op} within ${REQUEST_TIMEOUT_MS / 1000}s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      writeFrame(this.socket, { id, op, args });
    });
  }

  info(): Promise<LogInfo> {
    return this.call('info');
  }
  head(): Promise<number> {
    return this.call('head');
  }
  append(req: AppendRequest): Promise<AppendResult> {
    return this.call('append', req);
  }
  ingest(events: ForeignEvent[], cursors?: Record<string, unknown>, opts?: IngestOptions): Promise<IngestResult> {
    return this.call('ingest', events, cursors, opts);
  }
  read(after: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.call('read', after, limit);
  }
  readOrigin(origin: string, afterSeq: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.call('readOrigin', origin, afterSeq, limit);
  }
  readSession(session: string, after: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.call('readSession', session, after, limit);
  }
  hasSession(session: string): Promise<boolean> {
    return this.call('hasSession', session);
  }
  getCursor<T = unknown>(name: string): Promise<T | undefined> {
    return this.call('getCursor', name);
  }
  getCursors<T = unknown>(prefix: string): Promise<Record<string, T>> {
    return this.call('getCursors', prefix);
  }
  purge(session: string): Promise<AppendResult> {
    return this.call('purge', session);
  }
  evict(sessions: string[]): Promise<EvictResult> {
    return this.call('evict', sessions);
  }
  evictedSessions(): Promise<string[]> {
    return this.call('evictedSessions');
  }
  async close(): Promise<void> {
    this.gone ??= new OwnerGoneError('closed');
    this.socket.end();
    this.socket.destroy();
  }
}
