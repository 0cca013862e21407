import { hostname } from 'node:os';
import type WebSocket from 'ws';
import type { EventLog, ForeignEvent } from '../log/event-log.js';
import type { AnyStoredEvent } from '../model/events.js';
import { redactValue, scanValue, type Finding } from '../dlp/scan.js';
import { storedBodyBytes } from '../log/event-codec.js';
import { SfsError } from '../errors.js';
import { clientCodeOf } from './relay-codes.js';
import { unreachable } from './api.js';
import { ACCOUNT_CURSOR, attribute } from './attribute.js';
import {
  BATCH_EVENTS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSIONS,
  decodeFrame,
  encodeFrame,
  fromWire,
  strictestPolicy,
  toWire,
  type ClientFrame,
  type DlpPolicy,
  type ErrorFrame,
  type Events,
  type Pushed,
  type RelayFrame,
  type SpaceInfo,
  type Welcome,
  type WireEvent,
} from './protocol.js';

/** Pushes sent but not yet acknowledged: the push side's back-pressure window. */
const PUSH_WINDOW = 4;
/**
 * Events per live push, and the body bytes after which a push is cut short. Each push is one
 * relay transaction (about ten round trips and a commit), so fewer, larger pushes move more
 * events per second; the byte cap keeps a push of large events well under MAX_FRAME_BYTES.
 */
const PUSH_BATCH_EVENTS = 2000;
const PUSH_BATCH_BYTES = 2 * 1024 * 1024;
/**
 * Events in the first push of a run of pushes; each next one doubles up to PUSH_BATCH_EVENTS. The
 * relay, the database and the pulling clients start on a small first push while this side reads,
 * scans and encodes the next, instead of all waiting for a full one.
 */
const FIRST_PUSH_EVENTS = 250;

export interface ConnectionOptions {
  relay: string;
  token: string;
  /** Which of this store's sessions may leave the machine (autosync mode / watch list). */
  filter: (session: string | null) => boolean;
  device?: string;
  /** How often to look for new local events while idle (default 10 ms: a cheap seek in the log, and half of it is the typical capture-to-push delay). */
  pollMs?: number;
  onLog?: (line: string, fields?: Record<string, unknown>) => void;
  onActivity?: (what: 'pushed' | 'pulled', n: number) => void;
}

/**
 * Why a connection ended: the caller decides whether to reconnect. `relayCode` is the relay's code when it
 * refused something; `code` is the client code it maps to (relay-codes.ts), IO when the connection just failed.
 */
export class SyncClosed extends SfsError {
  constructor(
    message: string,
    readonly fatal: boolean,
    readonly relayCode?: string,
  ) {
    super(relayCode ? clientCodeOf(relayCode) : 'IO', message, relayCode ? { relay_code: relayCode } : undefined);
    this.name = 'SyncClosed';
  }
}

export function cursorKey(relay: string, space: string): string {
  return `sync:${relay}:space:${space}`;
}
export function pushedKey(relay: string, space: string): string {
  return `sync:${relay}:pushed:${space}`;
}
export const BLOCKED_KEY = 'sync:dlp:blocked';

/**
 * One WebSocket session with the relay. Pushes this store's own events into the personal
 * space from the relay's frontier, and pulls every space it belongs to from the cursors
 * stored in the log (written in the same batch as the pulled events). Ends by throwing
 * SyncClosed; everything it did before is durable on both sides.
 */
export class SyncConnection {
  private ws!: WebSocket;
  welcome!: Welcome;
  private personal!: SpaceInfo;
  /** The account's spaces and where each shared session is routed: what DLP scrubs for. */
  private spaces = new Map<string, SpaceInfo>();
  /**
   * The account's own shares (session → team space ids), as the relay lists them in the welcome
   * and in STALE answers: the relay lists only the shares this account made, from any of its
   * machines. Nothing of a session goes into a team space unless it is listed here.
   */
  private shares: Record<string, string[]> = {};
  private stopped = false;
  private closedWith: SyncClosed | undefined;
  private waiters: Array<() => void> = [];
  private pending = new Map<number, { resolve: (p: Pushed) => void; reject: (e: ErrorFrame) => void }>();
  private nextId = 1;
  private ingestQueue: Promise<void> = Promise.resolve();
  /** Spaces whose pull has reached the relay's tail at least once. */
  readonly caughtUp = new Set<string>();
  frontier = 0;
  pushedCount = 0;
  pulledCount = 0;
  findings: Finding[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly origin: string,
    private readonly opts: ConnectionOptions,
  ) {}

  /** Connects and handshakes; resolves with the relay's welcome. */
  async open(): Promise<Welcome> {
    const url = this.opts.relay.replace(/^http/, 'ws').replace(/\/$/, '') + '/v1/sync';
    // Frames keep ws's random masks (RFC 6455 §10.3): session text can hold bytes an attacker chose
    // (a fetched page in a tool result), and unmasked they could be misread by a proxy on the way.
    // ws (with http, tls and zlib) is loaded when a connection opens, not by every command that imports the engine.
    const { default: WebSocketClient } = await import('ws');
    this.ws = new WebSocketClient(url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: 10_000 });
    const welcome = new Promise<Welcome>((resolve, reject) => {
      this.ws.once('error', (err) => reject(new SyncClosed(unreachable(this.opts.relay, err), false)));
      this.ws.on('close', (code, reason) => {
        const e =
          this.closedWith ??
          new SyncClosed(
            `relay closed the connection (${code}${reason.length ? ' ' + reason.toString() : ''})`,
            code === 4401,
            code === 4401 ? 'AUTH' : undefined,
          );
        this.closedWith = e;
        reject(e);
        this.wakeAll();
        for (const p of this.pending.values()) p.reject({ t: 'error', code: 'INTERNAL', message: e.message });
        this.pending.clear();
      });
      this.ws.on('message', (data: Buffer) => {
        let f: RelayFrame;
        try {
          f = decodeFrame<RelayFrame>(data);
        } catch {
          return this.abort(new SyncClosed('relay sent a frame that is not msgpack', false));
        }
        if (f.t === 'welcome') return resolve(f);
        if (f.t === 'error' && f.id === undefined) {
          // QUOTA: retrying cannot help until the account frees space or the relay raises the quota.
          this.closedWith = new SyncClosed(
            `relay refused: ${f.message}`,
            f.code === 'AUTH' || f.code === 'VERSION' || f.code === 'FORBIDDEN' || f.code === 'QUOTA',
            f.code,
          );
          return;
        }
        this.onFrame(f);
      });
    });
    this.ws.once('open', () =>
      this.send({ t: 'hello', versions: [...PROTOCOL_VERSIONS], token: this.opts.token, origin: this.origin, device: this.opts.device ?? hostname() }),
    );
    this.welcome = await welcome;
    const personal = this.welcome.spaces.find((s) => s.kind === 'personal');
    if (!personal) throw new SyncClosed('the relay gave this account no personal space', true);
    this.personal = personal;
    this.learn(this.welcome.spaces, this.welcome.shares ?? {}, 'all');
    this.frontier = this.welcome.frontiers[personal.id] ?? 0;
    await this.log.append({ events: [], cursors: { [ACCOUNT_CURSOR]: this.welcome.account } });
    for (const s of this.welcome.spaces) {
      const after = (await this.log.getCursor<number>(cursorKey(this.opts.relay, s.id))) ?? 0;
      this.send({ t: 'sub', space: s.id, after });
    }
    return this.welcome;
  }

  private send(f: ClientFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeFrame(f));
  }

  private abort(err: SyncClosed): void {
    this.closedWith ??= err;
    this.ws.terminate();
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  private onFrame(f: RelayFrame): void {
    if (f.t === 'pushed') {
      this.pending.get(f.id)?.resolve(f);
      this.pending.delete(f.id);
    } else if (f.t === 'error') {
      this.pending.get(f.id!)?.reject(f);
      this.pending.delete(f.id!);
    } else if (f.t === 'events') {
      // Stored one batch after another, each with its cursor in the same log batch.
      this.ingestQueue = this.ingestQueue
        .then(() => this.store(f))
        .catch((err) => this.abort(new SyncClosed(`storing pulled events failed: ${(err as Error).message}`, false)));
    }
  }

  private async store(f: Events): Promise<void> {
    const space = this.spaces.get(f.space);
    const pulled = f.events.filter((w) => w[0] !== this.origin).map(fromWire);
    // Another account's events are stored with their author and the space they came through (the fold decides where they show).
    const events: ForeignEvent[] = attribute(pulled, f.authors, this.welcome.account.id, {
      space: f.space,
      space_name: space?.name ?? null,
      personal: f.space === this.personal.id,
    });
    const r = await this.log.ingest(events, { [cursorKey(this.opts.relay, f.space)]: f.cursor }, { sparse: true });
    this.pulledCount += r.written;
    if (r.written) this.opts.onActivity?.('pulled', r.written);
    if (f.tail) this.caughtUp.add(f.space);
    this.send({ t: 'ack', space: f.space, cursor: f.cursor });
    this.wakeAll();
  }

  /** Waits until something happens (a frame, a close) or ms pass. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /**
   * Takes the relay's current spaces and shares: all of them (welcome), or those of the sessions a
   * refused push carried (STALE), whose earlier entries it replaces — a withdrawn share is forgotten.
   */
  private learn(spaces: SpaceInfo[], shares: Record<string, string[]>, of: 'all' | Iterable<string | null>): void {
    this.spaces = new Map(spaces.map((s) => [s.id, s]));
    const personal = this.spaces.get(this.personal.id);
    if (personal) this.personal = personal;
    if (of === 'all') this.shares = {};
    else for (const session of of) if (session !== null) delete this.shares[session];
    Object.assign(this.shares, shares);
  }

  /** Whether this account shared the session into that team space (a space it still belongs to). */
  private sharedInto(session: string, space: string): boolean {
    return this.spaces.get(space)?.kind === 'team' && (this.shares[session] ?? []).includes(space);
  }

  /** The spaces a session's events will be readable in: the personal space and every team space the account shared it into. */
  private spacesFor(session: string | null): string[] {
    return [this.personal.id, ...(session ? (this.shares[session] ?? []).filter((id) => this.sharedInto(session, id)) : [])];
  }

  /** The DLP context a push declares to the relay (see Push.routes). */
  private context(events: WireEvent[], space = this.personal.id): { routes: Record<string, string[]>; policies: Record<string, DlpPolicy> } {
    const routes: Record<string, string[]> = {};
    const policies: Record<string, DlpPolicy> = { [this.personal.id]: this.personal.dlp_policy, [space]: this.policyOf(space) };
    for (const w of events) {
      const session = w[5];
      if (session === null || routes[session]) continue;
      routes[session] = this.spacesFor(session).slice(1);
      for (const id of routes[session]!) policies[id] = this.policyOf(id);
    }
    return { routes, policies };
  }

  /** A space this client does not know is treated as blocking: the relay then says what it is (STALE). */
  private policyOf(space: string): DlpPolicy {
    return this.spaces.get(space)?.dlp_policy ?? 'block';
  }

  /** Builds the next push from the frontier; undefined when nothing new. */
  private async nextPush(
    from: number,
    limit = PUSH_BATCH_EVENTS,
  ): Promise<
    { from: number; upTo: number; events: WireEvent[]; findings: number[]; routes: Record<string, string[]>; policies: Record<string, DlpPolicy> } | undefined
  > {
    const batch = await this.log.readOrigin(this.origin, from, limit);
    if (!batch.length) return undefined;
    let upTo = batch[batch.length - 1]!.seq;
    const evicted = await this.evictedAmong(batch);
    const events: WireEvent[] = [];
    const blocked: string[] = [];
    const findings: number[] = [];
    let bytes = 0;
    for (const e of batch) {
      // Cut the push short (it then ends at the previous event) rather than exceed the frame size.
      if (bytes >= PUSH_BATCH_BYTES) {
        upTo = e.seq - 1;
        break;
      }
      if (!this.opts.filter(e.session) || evicted.has(e)) continue;
      const out = this.scrub(e, findings);
      if (out === 'blocked') blocked.push(`${e.origin}:${e.seq}`);
      else {
        events.push(out);
        bytes += 64 + (out[6]?.byteLength ?? 0);
      }
    }
    await this.holdBack(blocked);
    return { from, upTo, events, findings, ...this.context(events) };
  }

  /**
   * Events whose body was evicted from this machine (storage prune): gone here, not erased, so
   * they are never sent as if empty were their content (the relay had them before eviction).
   */
  private async evictedAmong(events: AnyStoredEvent[]): Promise<Set<AnyStoredEvent>> {
    if (!events.some((e) => e.body === null)) return new Set();
    const sessions = new Set(await this.log.evictedSessions());
    return new Set(events.filter((e) => e.body === null && e.session !== null && sessions.has(e.session)));
  }

  /** Records events held back by a block policy (sfs sync status counts them). */
  private async holdBack(blocked: string[]): Promise<void> {
    if (!blocked.length) return;
    const prior = (await this.log.getCursor<string[]>(BLOCKED_KEY)) ?? [];
    await this.log.append({ events: [], cursors: { [BLOCKED_KEY]: [...new Set([...prior, ...blocked])].slice(-10_000) } });
    this.opts.onLog?.(`dlp: ${blocked.length} event(s) held back by the space's block policy`, { blocked });
  }

  /**
   * Applies DLP to one event before it leaves the machine: the strictest policy among the
   * spaces it will be readable in (personal, and every team space its session is shared into).
   * Events with findings that are still sent get their seq added to `findings` (Push.findings).
   */
  private scrub(e: AnyStoredEvent, findings: number[], into = this.personal.id): WireEvent | 'blocked' {
    if (e.body === null) return toWire(e);
    const found = scanValue(e.body);
    if (!found.length) return unchanged(e);
    this.findings.push(...found.slice(0, 20));
    findings.push(e.seq);
    const policy = strictestPolicy([...this.spacesFor(e.session), into].map((id) => this.policyOf(id)));
    if (policy === 'block') return 'blocked';
    if (policy === 'warn') {
      this.opts.onLog?.(`dlp: ${found.length} finding(s) in ${e.session ?? '-'} pushed as is (policy warn)`, { detectors: found.map((f) => f.detector) });
      return unchanged(e);
    }
    return toWire({ ...e, body: redactValue(e.body).value } as AnyStoredEvent);
  }

  /**
   * Runs until closed or stopped: keeps up to PUSH_WINDOW pushes in flight, waits for new
   * local events when idle. `untilIdle` returns once pushes are acknowledged up to the
   * local head and every space's pull has reached the tail (sync now).
   */
  async run(untilIdle = false): Promise<void> {
    await this.backfill();
    let sent = this.frontier;
    // Each push in flight with the sessions it carries (what a STALE answer's shares are about).
    const inflight: Array<{ p: Promise<Pushed>; sessions: string[] }> = [];
    let batch = FIRST_PUSH_EVENTS;
    while (!this.stopped && !this.closedWith) {
      while (inflight.length < PUSH_WINDOW) {
        const next = await this.nextPush(sent, batch);
        // Caught up with the log: the next run of pushes ramps up from a small first one again.
        if (!next) batch = FIRST_PUSH_EVENTS;
        if (!next || this.closedWith) break;
        batch = Math.min(PUSH_BATCH_EVENTS, batch * 2);
        const id = this.nextId++;
        const p = new Promise<Pushed>((resolve, reject) => this.pending.set(id, { resolve, reject }));
        p.catch(() => undefined);
        this.send({ t: 'push', id, space: this.personal.id, ...next });
        inflight.push({ p, sessions: Object.keys(next.routes) });
        sent = next.upTo;
      }
      if (inflight.length) {
        const head = inflight.shift()!;
        try {
          const r = await head.p;
          this.pushedCount += r.written;
          if (r.written) this.opts.onActivity?.('pushed', r.written);
          this.frontier = r.frontier;
          if (!inflight.length) await this.log.append({ events: [], cursors: { [pushedKey(this.opts.relay, this.personal.id)]: r.frontier } });
        } catch (e) {
          const err = e as ErrorFrame;
          if ((err.code === 'GAP' || err.code === 'STALE') && typeof err.frontier === 'number') {
            // GAP: the relay has less than we thought (e.g. restored from backup). STALE: a session was
            // shared or a policy tightened since we scrubbed. Either way: resend from its frontier.
            if (err.code === 'STALE') this.learn(err.spaces ?? [...this.spaces.values()], err.shares ?? {}, head.sessions);
            await Promise.allSettled(inflight.splice(0).map((x) => x.p));
            this.frontier = sent = err.frontier;
            continue;
          }
          if (this.closedWith) break;
          throw new SyncClosed(`push refused: ${err.message}`, err.code === 'FORBIDDEN' || err.code === 'INVALID' || err.code === 'QUOTA', err.code);
        }
        continue;
      }
      if (untilIdle && this.welcome.spaces.every((s) => this.caughtUp.has(s.id))) {
        await this.ingestQueue;
        return;
      }
      await this.idle(this.opts.pollMs ?? 10);
    }
    if (this.closedWith && !this.stopped) throw this.closedWith;
  }

  /**
   * Pushes one session's own events from seq 0 (idempotent on the relay) into a space (the
   * personal one by default), scrubbed for every space the session is readable in: used when a
   * session starts being shared, and for the relay's backfill requests. Into a team space only
   * when this account shared the session there (else nothing is pushed, and 0 returned).
   */
  async pushSession(session: string, space = this.personal.id): Promise<number> {
    if (!this.mayPushInto(session, space)) return 0;
    const mine = (await readAll(this.log, session)).filter((e) => e.origin === this.origin);
    const evicted = await this.evictedAmong(mine);
    const own = mine.filter((e) => !evicted.has(e));
    let written = 0;
    let prev = 0;
    for (let i = 0, stale = 0; i < own.length;) {
      const chunk = own.slice(i, i + BATCH_EVENTS);
      const findings: number[] = [];
      const events: WireEvent[] = [];
      const blocked: string[] = [];
      for (const e of chunk) {
        const out = this.scrub(e, findings, space);
        if (out === 'blocked') blocked.push(`${e.origin}:${e.seq}`);
        else events.push(out);
      }
      await this.holdBack(blocked);
      const id = this.nextId++;
      const p = new Promise<Pushed>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      // A lane of its own (space + session) so this never disturbs the live frontier.
      const upTo = chunk[chunk.length - 1]!.seq;
      this.send({ t: 'push', id, space, lane: session, from: prev, upTo, events, findings, ...this.context(events, space) });
      try {
        written += (await p).written;
        prev = upTo;
        i += BATCH_EVENTS;
      } catch (e) {
        const err = e as ErrorFrame;
        // Shared or tightened meanwhile: scrub this chunk again for what the relay has now (a few tries).
        if (err.code === 'STALE' && ++stale < 5) {
          this.learn(err.spaces ?? [...this.spaces.values()], err.shares ?? {}, [session]);
          if (!this.mayPushInto(session, space)) return written; // the share was withdrawn meanwhile
          continue;
        }
        throw new SyncClosed(`push of ${session} refused: ${err.message}`, true, err.code);
      }
    }
    return written;
  }

  /** The personal space takes any of this machine's sessions; a team space only those the account shared there. */
  private mayPushInto(session: string, space: string): boolean {
    if (space === this.personal.id || this.sharedInto(session, space)) return true;
    this.opts.onLog?.(`sync: not pushing ${session} into ${this.spaces.get(space)?.name ?? space}: this account did not share it there`, { space, session });
    return false;
  }

  /**
   * Pushes again, scrubbed for the target space, the shared sessions whose events the relay
   * would not copy there (Welcome.backfill): they went out under a looser policy. A request for
   * a session this account did not share into that space is ignored (see `shares`).
   */
  private async backfill(): Promise<void> {
    for (const b of this.welcome.backfill ?? []) {
      if (this.stopped || this.closedWith) return;
      if (b.space === this.personal.id || !this.mayPushInto(b.session, b.space)) continue;
      const n = await this.pushSession(b.session, b.space);
      this.pushedCount += n;
      this.opts.onLog?.(`sync: pushed ${n} event(s) of ${b.session} again, scrubbed for ${this.spaces.get(b.space)!.name}`, {
        space: b.space,
        session: b.session,
      });
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeAll();
    await this.ingestQueue;
    if (this.ws && this.ws.readyState !== this.ws.CLOSED) {
      await new Promise<void>((resolve) => {
        this.ws.once('close', () => resolve());
        this.ws.close(1000);
        setTimeout(() => {
          this.ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
  }
}

/** An event whose body DLP scanned and left as it is: its stored bytes when the log kept them (the bytes the scanned body was decoded from), else encoded again. */
function unchanged(e: AnyStoredEvent): WireEvent {
  const bytes = typeof e.body === 'object' && e.body !== null ? storedBodyBytes.get(e.body) : undefined;
  return bytes ? [e.origin, e.seq, e.type, e.v, e.ts, e.session, bytes] : toWire(e);
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
