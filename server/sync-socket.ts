import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { RelayDatabase } from './db/open.js';
import { authenticate, bindDevice, requireMember, spacesOf, type Authed } from './accounts.js';
import { backfillFor, pushEvents, readSpace, sharesOf, validateWire, type Committed, type PushHooks, type Row } from './events.js';
import { authorsOf } from './authors.js';
import { RelayError, protocolCode } from './errors.js';
import type { RateLimiter } from './rate-limit.js';
import type { FrameBudget } from './frame-budget.js';
import type { SyncMetrics } from './metrics.js';
import {
  BATCH_EVENTS,
  PROTOCOL_VERSIONS,
  decodeFrame,
  encodeFrame,
  type Author,
  type ClientFrame,
  type ErrorFrame,
  type RelayFrame,
  type WireEvent,
} from '../engine/index.js';

/** Batches sent but not yet acknowledged per subscription: the pull side's back-pressure window. */
const PULL_WINDOW = 2;
const HELLO_TIMEOUT_MS = 10_000;

interface Parsed {
  frame?: ClientFrame;
  error?: Error;
  /** For a push: its events checked by validateWire, or what it threw. */
  rows?: Row[] | Error;
  /** The frame's size on the wire. */
  bytes?: number;
}

interface Sub {
  spaceId: string;
  cursor: number;
  inflight: number;
  reading: boolean;
  wanted: boolean;
  /**
   * The last frame sent said `tail`. Until one has, an empty read is still sent (as an empty
   * tail frame), so the client learns it is caught up — also after a full batch that happened
   * to end exactly at the end of the space.
   */
  toldTail: boolean;
  /**
   * Batches this process committed into the space lately, each numbered right after the one
   * before (see Committed): sent from memory when the reader's cursor reaches the first, rather
   * than read back from the database once the pull window opens again.
   */
  ready: Committed[];
}
/** Committed batches a subscription keeps for when its window opens (each at most one push, so a few MiB). */
const READY_BATCHES = 4;
/** Adjacent kept batches are merged into one frame up to BATCH_EVENTS events and this many bytes of bodies. */
const READY_FRAME_BYTES = 2 * 1024 * 1024;

function wireBytes(events: WireEvent[]): number {
  let n = 0;
  for (const e of events) n += 64 + (e[6]?.byteLength ?? 0);
  return n;
}

export interface SocketDeps {
  rdb: RelayDatabase;
  log: FastifyBaseLogger;
  limiter: RateLimiter;
  hub: Hub;
  hooks?: PushHooks;
  /** Body bytes an account's pushes may store (see pushEvents). */
  quotaBytes?: number;
  /** Received frame bytes the process holds before sockets stop reading (frame-budget.ts). */
  frames?: FrameBudget;
  metrics?: SyncMetrics;
}

/** How long a revocation is remembered for sockets still in their handshake. */
const REVOKED_MEMORY_MS = 60_000;

/** Which connections follow which space (woken by NOTIFY from any relay process) and which token each holds. */
export class Hub {
  private readonly bySpace = new Map<string, Set<Connection>>();
  private readonly byToken = new Map<string, Set<Connection>>();
  /** Tokens revoked lately: a socket whose handshake read its token just before the revocation committed is closed when it registers. */
  private readonly recentlyRevoked = new Map<string, number>();

  /** @param maxPerToken sync sockets one token may hold open at once (a leaked or looping client cannot take the process's sockets). */
  constructor(readonly maxPerToken = 16) {}

  /** A connection authenticated with a token: refused if that token was revoked meanwhile or already holds its share of sockets. */
  register(tokenId: string, c: Connection): 'ok' | 'revoked' | 'full' {
    if (this.recentlyRevoked.has(tokenId)) return 'revoked';
    let set = this.byToken.get(tokenId);
    if (!set) this.byToken.set(tokenId, (set = new Set()));
    if (set.size >= this.maxPerToken) return 'full';
    set.add(c);
    return 'ok';
  }
  /** A token was revoked (NOTIFY from any relay process): its sockets end now. */
  revoked(tokenId: string): void {
    const now = Date.now();
    for (const [id, at] of this.recentlyRevoked) if (now - at > REVOKED_MEMORY_MS) this.recentlyRevoked.delete(id);
    this.recentlyRevoked.set(tokenId, now);
    for (const c of this.byToken.get(tokenId) ?? []) c.revoke();
    this.byToken.delete(tokenId);
  }
  /** Token ids with open sockets (to re-check when notifications may have been lost). */
  tokens(): string[] {
    return [...this.byToken.keys()];
  }
  add(space: string, c: Connection): void {
    let set = this.bySpace.get(space);
    if (!set) this.bySpace.set(space, (set = new Set()));
    set.add(c);
  }
  remove(c: Connection, tokenId?: string): void {
    for (const set of this.bySpace.values()) set.delete(c);
    if (tokenId) {
      const set = this.byToken.get(tokenId);
      set?.delete(c);
      if (set && !set.size) this.byToken.delete(tokenId);
    }
  }
  /** Hands a push committed by this process to its live readers (see Committed); the NOTIFY still follows. */
  publish(c: Committed): void {
    for (const conn of this.bySpace.get(c.space) ?? []) conn.offer(c);
  }
  wake(space: string): void {
    if (space === '*') {
      for (const [s, set] of this.bySpace) for (const c of set) c.wake(s);
      return;
    }
    for (const c of this.bySpace.get(space) ?? []) c.wake(space);
  }
  get connections(): number {
    const all = new Set<Connection>();
    for (const set of this.bySpace.values()) for (const c of set) all.add(c);
    return all.size;
  }
}

/** One client's WebSocket: handshake, then pushes in order and live pulls per space. */
export class Connection {
  private who: Authed | undefined;
  private origin = '';
  private readonly subs = new Map<string, Sub>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly helloTimer: NodeJS.Timeout;
  /** Origins' authors looked up for this socket's pulls (an origin's account never changes). */
  private readonly authors = new Map<string, Author>();

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SocketDeps,
  ) {
    this.helloTimer = setTimeout(() => this.fail({ t: 'error', code: 'AUTH', message: 'no hello within 10 s' }), HELLO_TIMEOUT_MS);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Decoded and checked now, while an earlier push may still wait on the database;
      // handled one after another so pushes keep their order (errors surface in order too).
      const parsed = this.parse(data, isBinary);
      const size = data.length;
      parsed.bytes = size;
      this.deps.frames?.take(
        size,
        () => ws.pause(),
        () => ws.resume(),
      );
      this.queue = this.queue
        .then(() => this.onFrame(parsed))
        .catch((err) => this.onError(err))
        .finally(() => this.deps.frames?.release(size));
    });
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  private dispose(): void {
    this.closed = true;
    clearTimeout(this.helloTimer);
    this.deps.hub.remove(this, this.who?.tokenId);
  }

  /** The token this socket authenticated with was revoked: refuse everything from now on and close. */
  revoke(): void {
    if (this.closed) return;
    this.deps.log.info({ account: this.who?.username }, 'token revoked: closing its sync socket');
    this.fail({ t: 'error', code: 'AUTH', message: 'API token revoked' });
  }

  private send(frame: RelayFrame): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    const data = encodeFrame(frame);
    if (frame.t === 'events') this.deps.metrics?.pulled(data.byteLength);
    else if (frame.t === 'error') this.deps.metrics?.error(frame.code);
    this.ws.send(data);
  }

  private fail(frame: ErrorFrame): void {
    this.send(frame);
    this.ws.close(frame.code === 'AUTH' || frame.code === 'VERSION' ? 4401 : 4400, frame.code);
    this.dispose();
  }

  private onError(err: unknown): void {
    if (err instanceof RelayError) {
      if (err.code === 'FORBIDDEN' || err.code === 'AUTH' || err.code === 'RATE_LIMIT' || err.code === 'PROTOCOL') {
        this.deps.log.warn({ account: this.who?.username, code: err.code }, err.message);
      }
      return this.fail({ t: 'error', code: protocolCode(err.code), message: err.message });
    }
    this.deps.log.error({ err }, 'sync connection failed');
    this.fail({ t: 'error', code: 'INTERNAL', message: 'internal relay error' });
  }

  private parse(data: Buffer, isBinary: boolean): Parsed {
    if (!isBinary) return { error: new RelayError('PROTOCOL', 'frames are binary msgpack') };
    let f: ClientFrame;
    try {
      f = decodeFrame<ClientFrame>(data);
    } catch {
      return { error: new RelayError('PROTOCOL', 'frame is not msgpack') };
    }
    if (!f || typeof f !== 'object' || typeof (f as { t?: unknown }).t !== 'string') return { error: new RelayError('PROTOCOL', 'frame needs a type') };
    if (f.t !== 'push' || !this.who) return { frame: f };
    try {
      return { frame: f, rows: validateWire(this.origin, f) };
    } catch (err) {
      return { frame: f, rows: err as Error };
    }
  }

  private async onFrame(parsed: Parsed): Promise<void> {
    if (this.closed) return;
    if (parsed.error) throw parsed.error;
    const f = parsed.frame!;
    if (!this.who) {
      if (f.t !== 'hello') throw new RelayError('AUTH', 'the first frame must be hello');
      return this.hello(f);
    }
    if (!(await this.deps.limiter.take('ws:' + this.who.tokenId, f.t === 'push' ? Math.max(1, (f.events?.length ?? 0) / 50) : 1))) {
      throw new RelayError('RATE_LIMIT', 'too many requests for this token; slow down');
    }
    switch (f.t) {
      case 'push': {
        try {
          const r = await pushEvents(this.deps.rdb.db, this.who, this.origin, f, this.deps.hooks, parsed.rows, this.deps.quotaBytes);
          this.send({ t: 'pushed', id: f.id, space: f.space, frontier: r.frontier, written: r.written });
          this.deps.metrics?.pushed(r.written, parsed.bytes ?? 0);
          for (const c of r.committed) this.deps.hub.publish(c);
        } catch (err) {
          // A gap is not fatal: the client resumes from the frontier we report.
          if (err instanceof RelayError && err.code === 'GAP')
            this.send({ t: 'error', id: f.id, code: 'GAP', message: err.message, frontier: err.extra.frontier as number });
          else if (err instanceof RelayError && err.code === 'STALE')
            this.send({ t: 'error', id: f.id, code: 'STALE', message: err.message, ...(err.extra as Pick<ErrorFrame, 'frontier' | 'spaces' | 'shares'>) });
          else throw err;
        }
        return;
      }
      case 'sub': {
        const space = await requireMember(this.deps.rdb.db, this.who.id, String(f.space));
        const after = Number(f.after);
        if (!Number.isSafeInteger(after) || after < 0) throw new RelayError('INVALID', 'sub needs after >= 0');
        this.subs.set(space.id, { spaceId: space.id, cursor: after, inflight: 0, reading: false, wanted: true, toldTail: false, ready: [] });
        this.deps.hub.add(space.id, this);
        this.wake(space.id);
        return;
      }
      case 'ack': {
        const sub = this.subs.get(String(f.space));
        if (!sub) throw new RelayError('PROTOCOL', `ack for a space not subscribed: ${String(f.space)}`);
        sub.inflight = Math.max(0, sub.inflight - 1);
        this.wake(sub.spaceId);
        return;
      }
      case 'hello':
        throw new RelayError('PROTOCOL', 'hello sent twice');
      default:
        throw new RelayError('PROTOCOL', `unknown frame type ${String((f as { t: unknown }).t)}`);
    }
  }

  private async hello(f: ClientFrame & { t: 'hello' }): Promise<void> {
    const versions = Array.isArray(f.versions) ? f.versions : [];
    const version = Math.max(...versions.filter((v) => (PROTOCOL_VERSIONS as readonly number[]).includes(v)), -1);
    if (version < 0) return this.fail({ t: 'error', code: 'VERSION', message: `no common protocol version: relay speaks ${PROTOCOL_VERSIONS.join(',')}` });
    const who = await authenticate(this.deps.rdb.db, typeof f.token === 'string' ? f.token : undefined);
    if (this.closed) return;
    this.who = who; // from here on a revocation reaches this socket
    this.origin = String(f.origin);
    const registered = this.deps.hub.register(who.tokenId, this);
    if (registered === 'revoked') throw new RelayError('AUTH', 'API token revoked');
    if (registered === 'full')
      throw new RelayError('RATE_LIMIT', `too many sync sockets open with this token (at most ${this.deps.hub.maxPerToken}); close some`);
    if (!(await this.deps.limiter.take('ws:' + who.tokenId))) throw new RelayError('RATE_LIMIT', 'too many requests for this token; slow down');
    await bindDevice(this.deps.rdb.db, who, String(f.origin), typeof f.device === 'string' ? f.device.slice(0, 100) : undefined);
    clearTimeout(this.helloTimer);
    const spaces = await spacesOf(this.deps.rdb.db, who.id);
    const rows = await this.deps.rdb.db.selectFrom('streams').select(['space_id', 'frontier']).where('origin', '=', this.origin).execute();
    const frontiers: Record<string, number> = {};
    for (const s of spaces) frontiers[s.id] = 0;
    for (const r of rows) if (r.space_id in frontiers) frontiers[r.space_id] = Number(r.frontier);
    this.deps.log.info({ account: who.username, origin: this.origin }, 'sync connected');
    const shares = await sharesOf(this.deps.rdb.db, who.id);
    const backfill = await backfillFor(this.deps.rdb.db, who.id, this.origin);
    this.send({ t: 'welcome', version, account: { id: who.id, username: who.username }, spaces, frontiers, shares, backfill });
  }

  /** A batch committed by this process: kept, and sent as is once it is exactly what this reader needs next. */
  offer(c: Committed): void {
    const sub = this.subs.get(c.space);
    if (!sub || this.closed || c.cursor <= sub.cursor) return;
    const last = sub.ready[sub.ready.length - 1];
    // Only a chain of adjacent batches is kept; otherwise the NOTIFY of that commit wakes the reader, which reads from the database.
    if (last && last.cursor !== c.after) sub.ready.length = 0;
    sub.ready.push(c);
    if (sub.ready.length > READY_BATCHES) sub.ready.shift();
    this.wake(c.space);
  }

  /** Reads and sends the next batches of a subscription while the window allows. */
  wake(spaceId: string): void {
    const sub = this.subs.get(spaceId);
    if (!sub || this.closed) return;
    sub.wanted = true;
    if (sub.reading) return;
    void this.pump(sub);
  }

  private async pump(sub: Sub): Promise<void> {
    sub.reading = true;
    try {
      while (!this.closed && sub.wanted && sub.inflight < PULL_WINDOW) {
        sub.wanted = false;
        // Membership is checked on every read: a member removed from a team stops receiving at once.
        await requireMember(this.deps.rdb.db, this.who!.id, sub.spaceId);
        while (sub.ready.length && sub.ready[0]!.after < sub.cursor) sub.ready.shift(); // passed already (read from the database)
        if (sub.ready.length && sub.ready[0]!.after === sub.cursor) {
          // Committed by this process right after what the reader has: everything up to each batch's cursor is
          // committed. Adjacent batches go out as one frame (as a read from the database would), so many
          // small pushes do not become as many frames and acknowledgements.
          let c = sub.ready.shift()!;
          let events = c.events;
          let bytes = wireBytes(c.events);
          let cursor = c.cursor;
          while (
            sub.ready.length &&
            sub.ready[0]!.after === cursor &&
            events.length + sub.ready[0]!.events.length <= BATCH_EVENTS &&
            bytes + wireBytes(sub.ready[0]!.events) <= READY_FRAME_BYTES
          ) {
            c = sub.ready.shift()!;
            events = events.concat(c.events);
            bytes += wireBytes(c.events);
            cursor = c.cursor;
          }
          sub.toldTail = !sub.ready.length;
          sub.cursor = cursor;
          sub.inflight++;
          if (sub.ready.length) sub.wanted = true;
          const own = events.filter((e) => e[0] !== this.origin);
          this.send({
            t: 'events',
            space: sub.spaceId,
            cursor,
            events: own,
            tail: !sub.ready.length,
            authors: await authorsOf(this.deps.rdb.db, own, this.authors),
          });
          continue;
        }
        const r = await readSpace(this.deps.rdb.db, sub.spaceId, sub.cursor, BATCH_EVENTS, this.origin);
        const tail = r.rows < BATCH_EVENTS;
        if (r.cursor === sub.cursor && sub.toldTail) continue; // re-checks `wanted`: a NOTIFY may have come during the read
        sub.toldTail = tail;
        sub.cursor = r.cursor;
        sub.inflight++;
        if (!tail) sub.wanted = true;
        this.send({
          t: 'events',
          space: sub.spaceId,
          cursor: r.cursor,
          events: r.events,
          tail,
          authors: await authorsOf(this.deps.rdb.db, r.events, this.authors),
        });
      }
    } catch (err) {
      this.onError(err);
    } finally {
      sub.reading = false;
    }
  }
}
