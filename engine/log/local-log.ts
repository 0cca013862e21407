import type { ClassicLevel } from 'classic-level';
import { mkdirSync } from 'node:fs';
import { diskFullError, filesBytes, isDiskFull } from '../disk-full.js';
import { SfsError } from '../errors.js';
import { randomOriginId } from '../ids.js';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, type AnyStoredEvent, type Attribution, type NewEvent } from '../model/events.js';
import type { Message } from '../model/message.js';
import { assertValid, eventSchema } from '../schema/validator.js';
import { decode, encode } from './codec.js';
import { writeHeadMarker } from './head-marker.js';
import type { AppendRequest, AppendResult, EncodedEvents, EventLog, EvictResult, ForeignEvent, IngestOptions, IngestResult, LogInfo } from './event-log.js';
import { K, padNum, parseNum, prefixEnd } from './keys.js';
import { BatchIndex, type IdentityRun } from './batch-index.js';
import { decodeStoredEvent, encodeEvent, MessageEncodings, type Packed } from './event-codec.js';

type Db = ClassicLevel<string, Uint8Array>;
type BatchOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string };

const READ_HWM = 4 * 1024 * 1024;
/**
 * The head marker is written this many events ahead of the batch that reaches past it, and
 * exactly once the log has had no batch for MARK_EXACT_AFTER_MS (and on close): an import of
 * thousands of batches rewrites it a few times instead of before every batch (opening and
 * truncating a file cost more than a small batch). A marker above the head only sends
 * readers to the log, which is always right; one below it would not, and never happens.
 */
const MARK_AHEAD = 1000;
const MARK_EXACT_AFTER_MS = 100;
const KNOWN_TYPES = new Set<string>(EVENT_TYPES);
/** The events whose bodies eviction drops: the messages, nearly all of a session's bytes. */
const MESSAGE_TYPES = new Set<string>(['messages.captured', 'message.revised']);

/** Another process holds the LevelDB files (SharedLog then connects to it as a guest). */
export class StoreLockedError extends SfsError {
  constructor() {
    super('STORE_BUSY', 'store is locked by another process');
    this.name = 'StoreLockedError';
  }
}

/**
 * The log as its owner process sees it: the LevelDB files themselves. All writes go
 * through one in-process queue, which is what makes per-origin seq gap-free and
 * positions unique.
 */
export class LocalLog implements EventLog {
  readonly role = 'owner' as const;
  readonly origin: string;
  private headPos: number;
  /** What the head marker says: never below headPos. */
  private marked: number;
  private exactMark: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly seqs = new Map<string, number>();
  /** Purged sessions, kept in memory so staging an event needs no read. */
  private readonly purged = new Set<string>();
  /** Sessions evicted from this store (storage prune), kept in memory for the same reason. */
  private readonly evicted = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly db: Db,
    origin: string,
    head: number,
  ) {
    this.origin = origin;
    this.headPos = head;
    this.marked = head;
  }

  /** Opens the LevelDB files, or throws StoreLockedError when another process holds them. */
  static async open(dir: string): Promise<LocalLog> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Loaded here, not at import: a guest (the daemon owns the store) never opens LevelDB itself.
    const { ClassicLevel } = await import('classic-level');
    const db: Db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const e = err as { code?: string; cause?: { code?: string; message?: string } };
      if (e.cause?.code === 'LEVEL_LOCKED') throw new StoreLockedError();
      // Opening replays LevelDB's write-ahead files (*.log) into a new table file and writes a new
      // MANIFEST: it needs at least their size free.
      if (isDiskFull(err)) throw diskFullError(dir, err, 'open the event log at', filesBytes(dir, /\.log$|^MANIFEST-/));
      throw new SfsError('STORE_CORRUPT', `cannot open the event log at ${dir}: ${e.cause?.message ?? String(err)}`, undefined, { cause: err });
    }
    let origin: string;
    const o = await db.get(K.origin);
    if (o) origin = decode<string>(o);
    else {
      origin = randomOriginId();
      try {
        await db.put(K.origin, encode(origin), { sync: true });
      } catch (err) {
        await db.close().catch(() => undefined);
        if (isDiskFull(err)) throw diskFullError(dir, err, 'create the event log at');
        throw err;
      }
    }
    const h = await db.get(K.head);
    const log = new LocalLog(db, origin, h ? decode<number>(h) : 0);
    // A marker left above the head by a batch that failed is brought back to it.
    writeHeadMarker(dir, log.headPos);
    for await (const [key, value] of db.iterator({ gte: 'm!seq!', lt: prefixEnd('m!seq!') })) {
      log.seqs.set(key.slice('m!seq!'.length), decode<number>(value));
    }
    for await (const key of db.keys({ gte: 'p!', lt: prefixEnd('p!') })) log.purged.add(key.slice(2));
    for await (const key of db.keys({ gte: K.evictedPrefix, lt: prefixEnd(K.evictedPrefix) })) log.evicted.add(key.slice(K.evictedPrefix.length));
    return log;
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A chained batch: markedly faster than the array form for thousands of small ops. */
  /** Writes ops as one atomic batch; `head`: the head this batch moves the log to (marked first). */
  private async write(ops: BatchOp[], head?: number): Promise<void> {
    if (head !== undefined && head !== this.headPos) this.markAtLeast(head);
    const batch = this.db.batch();
    let bytes = 0;
    for (const op of ops) {
      if (op.type === 'put') {
        batch.put(op.key, op.value);
        bytes += op.key.length + op.value.byteLength;
      } else batch.del(op.key);
    }
    try {
      await batch.write();
    } catch (err) {
      // Nothing of this batch is stored (LevelDB batches are atomic); earlier batches stay.
      if (isDiskFull(err)) throw diskFullError(this.db.location, err, 'write to the event log at', bytes);
      throw err;
    }
  }

  /** Makes the head marker say at least `head` (see MARK_AHEAD), and exactly the head once the log is idle. */
  private markAtLeast(head: number): void {
    if (head > this.marked) {
      this.marked = head + MARK_AHEAD;
      writeHeadMarker(this.db.location, this.marked);
    }
    clearTimeout(this.exactMark);
    this.exactMark = setTimeout(() => void this.serialize(async () => this.markExactly()), MARK_EXACT_AFTER_MS);
    this.exactMark.unref();
  }

  private markExactly(): void {
    clearTimeout(this.exactMark);
    // Once closed, the files (and the marker) may belong to another process.
    if (this.closed || this.marked === this.headPos) return;
    writeHeadMarker(this.db.location, this.headPos);
    this.marked = this.headPos;
  }

  async info(): Promise<LogInfo> {
    return { origin: this.origin, head: this.headPos, origins: Object.fromEntries(this.seqs) };
  }

  async head(): Promise<number> {
    return this.headPos;
  }

  append(req: AppendRequest): Promise<AppendResult> {
    return this.serialize(() => this.appendNow(req));
  }

  private async appendNow(req: AppendRequest): Promise<AppendResult> {
    if (req.requestId) {
      const prior = await this.db.get(K.request(req.requestId));
      if (prior) return decode<AppendResult>(prior);
    }
    const result: AppendResult = { written: [], skippedMessages: 0, revisedMessages: 0 };
    const ops: BatchOp[] = [];
    const encodings = new MessageEncodings();
    let events: NewEvent[] = req.events;
    // The dedupe reads go out first so LevelDB looks them up while this thread validates and encodes.
    const keyList: string[] = [];
    if (req.dedupe) {
      const keys = new Set<string>();
      for (const ev of req.events) {
        if (ev.type === 'session.discovered') keys.add(K.discovered(ev.session!));
        else if (ev.type === 'messages.captured') {
          const msgs: unknown = (ev as NewEvent<'messages.captured'>).body?.messages;
          if (Array.isArray(msgs)) for (const m of msgs as Message[]) keys.add(K.knownMessage(ev.session!, m?.msg_id));
        }
      }
      keyList.push(...keys);
    }
    const reading = keyList.length ? this.db.getMany(keyList) : Promise.resolve([]);
    reading.catch(() => undefined); // awaited below unless validation throws first
    for (const ev of req.events) validateNew(ev);
    for (const ev of req.events) if (ev.type === 'messages.captured') for (const m of (ev as NewEvent<'messages.captured'>).body.messages) encodings.of(m);
    if (req.dedupe) {
      const values = await reading;
      const known = new Map<string, string | undefined>();
      keyList.forEach((k, i) => known.set(k, values[i] === undefined ? undefined : decode<string>(values[i]!)));
      events = [];
      for (const ev of req.events) {
        if (ev.type === 'session.discovered') {
          const key = K.discovered(ev.session!);
          if (known.get(key) !== undefined) continue;
          known.set(key, '');
          events.push(ev);
        } else if (ev.type === 'messages.captured') {
          const fresh: Message[] = [];
          for (const m of (ev as NewEvent<'messages.captured'>).body.messages) {
            const key = K.knownMessage(ev.session!, m.msg_id);
            const hash = encodings.of(m).hash;
            const prior = known.get(key);
            if (prior === hash) {
              result.skippedMessages++;
            } else if (prior === undefined) {
              fresh.push(m);
            } else {
              result.revisedMessages++;
              events.push({ type: 'message.revised', session: ev.session, body: { message: m }, ts: ev.ts });
            }
            known.set(key, hash);
          }
          if (fresh.length) events.push({ ...ev, body: { messages: fresh } });
        } else {
          events.push(ev);
        }
      }
    }
    let seq = this.seqs.get(this.origin) ?? 0;
    let pos = this.headPos;
    const purging = new Set<string>();
    const index = new BatchIndex();
    const reviving = new Set<string>();
    for (const ev of events) {
      seq++;
      pos++;
      // New messages captured here exist nowhere else: they are kept, and the session is live again.
      if (ev.session && this.evicted.has(ev.session) && MESSAGE_TYPES.has(ev.type) && !reviving.has(ev.session)) {
        reviving.add(ev.session);
        ops.push({ type: 'del', key: K.evicted(ev.session) });
      }
      await this.stage(
        ops,
        index,
        { origin: this.origin, seq, type: ev.type, v: EVENT_SCHEMA_VERSION, ts: ev.ts ?? Date.now(), session: ev.session, body: ev.body },
        pos,
        purging,
        encodings,
      );
      result.written.push({ pos, origin: this.origin, seq, type: ev.type });
    }
    if (events.length) {
      ops.push(...index.ops());
      ops.push({ type: 'put', key: K.head, value: encode(pos) });
      ops.push({ type: 'put', key: K.seq(this.origin), value: encode(seq) });
    }
    for (const [name, value] of Object.entries(req.cursors ?? {})) ops.push({ type: 'put', key: K.cursor(name), value: encode(value) });
    if (req.requestId) ops.push({ type: 'put', key: K.request(req.requestId), value: encode(result) });
    if (ops.length) await this.write(ops, pos);
    this.settle(purging, reviving);
    if (events.length) {
      this.headPos = pos;
      this.seqs.set(this.origin, seq);
    }
    return result;
  }

  /**
   * Adds the ops that store one event; `index` collects its identity and session entries
   * and `purging` the sessions purged in this batch (both committed by the caller).
   */
  private async stage(
    ops: BatchOp[],
    index: BatchIndex,
    e: ForeignEvent,
    pos: number,
    purging: Set<string>,
    encodings = new MessageEncodings(),
  ): Promise<void> {
    let body = e.body;
    // Another account's purge erases only that account's events of the session (its own right), never ours.
    const author = e.attr?.account;
    const purgedFor = (s: string, key: string) => this.purged.has(key) || purging.has(key) || this.purged.has(s) || purging.has(s);
    const isPurged = (s: string) => purgedFor(s, author === undefined ? s : purgeKey(s, author));
    if (e.session && isPurged(e.session)) body = null;
    if (e.type === 'session.purged' && e.session && !isPurged(e.session)) {
      const key = author === undefined ? e.session : purgeKey(e.session, author);
      ops.push({ type: 'put', key: K.purged(key), value: encode(1) });
      // Her own purge erases the session for good: nothing left to fetch back. Another account's purge erases only its events.
      if (author === undefined && this.evicted.has(e.session)) ops.push({ type: 'del', key: K.evicted(e.session) });
      await this.tombstone(ops, e.session, { account: author });
      purging.add(key);
    }
    const packed: Packed = [e.origin, e.seq, e.type, e.v, e.ts, e.session, body];
    if (e.attr) packed.push(e.attr);
    ops.push({ type: 'put', key: K.event(pos), value: encodeEvent(packed, encodings) });
    index.add(e.origin, e.seq, pos, e.session);
    // Capture's de-duplication marks are ours alone: another account's copy of a session must never make our own capture of it look done.
    if (e.session && !e.attr) {
      if (e.type === 'session.discovered') ops.push({ type: 'put', key: K.discovered(e.session), value: encode('') });
      if (body && (e.type === 'messages.captured' || e.type === 'message.revised')) {
        const msgs = e.type === 'messages.captured' ? (body as { messages: Message[] }).messages : [(body as { message: Message }).message];
        for (const m of msgs) ops.push({ type: 'put', key: K.knownMessage(e.session, m.msg_id), value: encode(encodings.of(m).hash) });
      }
    }
  }

  /** For each origin of the events, its stored identity runs [firstSeq, endSeq) that reach into the events' seq range, in order. */
  private async storedRuns(events: ForeignEvent[]): Promise<Map<string, Array<[number, number]>>> {
    const range = new Map<string, [number, number]>();
    for (const e of events) {
      const r = range.get(e.origin);
      if (!r) range.set(e.origin, [e.seq, e.seq]);
      else {
        if (e.seq < r[0]) r[0] = e.seq;
        if (e.seq > r[1]) r[1] = e.seq;
      }
    }
    const out = new Map<string, Array<[number, number]>>();
    for (const [origin, [min, max]] of range) {
      if (origin === this.origin) continue;
      const prefix = `o!${origin}!`;
      const before = await this.db.keys({ gte: prefix, lte: K.identity(origin, min), reverse: true, limit: 1 }).all();
      const runs: Array<[number, number]> = [];
      for await (const [key, value] of this.db.iterator({ gte: before[0] ?? prefix, lte: K.identity(origin, max) })) {
        const first = parseNum(key.slice(prefix.length));
        runs.push([first, first + decode<IdentityRun>(value)[1]]);
      }
      out.set(origin, runs);
    }
    return out;
  }

  /** Positions of the session's events after `after`, in order (at most `limit`). */
  private async sessionPositions(session: string, after: number, limit = Infinity): Promise<number[]> {
    const prefix = K.sessionEventPrefix(session);
    // The batch entry that starts at or before `after` may still hold later positions.
    const before = await this.db.keys({ gte: prefix, lte: prefix + padNum(after), reverse: true, limit: 1 }).all();
    const out: number[] = [];
    for await (const [, value] of this.db.iterator({ gte: before[0] ?? prefix, lt: prefixEnd(prefix) })) {
      for (const pos of decode<number[]>(value)) {
        if (pos <= after) continue;
        out.push(pos);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * Rewrites every stored event of the session without its body — only those of `account` when given
   * (another account's purge), only those of `types` when given (an eviction); returns their positions.
   */
  private async tombstone(ops: BatchOp[], session: string, only: { account?: string; types?: Set<string> } = {}): Promise<number[]> {
    const done: number[] = [];
    for (const pos of await this.sessionPositions(session, 0)) {
      const raw = await this.db.get(K.event(pos));
      if (!raw) continue;
      const p = decode<Packed>(raw);
      if (p[6] === null || (only.types && !only.types.has(p[2]))) continue;
      if (only.account !== undefined && (p[7] as Attribution | undefined)?.account !== only.account) continue;
      p[6] = null;
      ops.push({ type: 'put', key: K.event(pos), value: encode(p) });
      done.push(pos);
    }
    return done;
  }

  /** After a batch is written: purged sessions are no longer evicted, revived ones neither. */
  private settle(purging: Set<string>, reviving: Set<string>): void {
    for (const sid of purging) {
      this.purged.add(sid);
      this.evicted.delete(sid);
    }
    for (const sid of reviving) this.evicted.delete(sid);
  }

  /** Where the event with this identity is stored, if it is. */
  private async positionOf(origin: string, seq: number): Promise<number | undefined> {
    const prefix = `o!${origin}!`;
    const [entry] = await this.db.iterator({ gte: prefix, lte: K.identity(origin, seq), reverse: true, limit: 1 }).all();
    if (!entry) return undefined;
    const firstSeq = parseNum(entry[0].slice(prefix.length));
    const [firstPos, count] = decode<IdentityRun>(entry[1]);
    return seq < firstSeq + count ? firstPos + (seq - firstSeq) : undefined;
  }

  /** Puts an evicted event's body back (restore); false when it is not stored or still has one. */
  private async refill(ops: BatchOp[], e: ForeignEvent): Promise<boolean> {
    const pos = await this.positionOf(e.origin, e.seq);
    if (pos === undefined) return false;
    const raw = await this.db.get(K.event(pos));
    if (!raw) return false;
    const p = decode<Packed>(raw);
    if (p[6] !== null || p[5] !== e.session) return false;
    p[6] = e.body;
    ops.push({ type: 'put', key: K.event(pos), value: encodeEvent(p, new MessageEncodings()) });
    return true;
  }

  evict(sessions: string[]): Promise<EvictResult> {
    return this.serialize(async () => {
      const ops: BatchOp[] = [];
      const res: EvictResult = { evicted: [], bodies: 0 };
      let first = Infinity;
      let last = 0;
      for (const session of new Set(sessions)) {
        if (this.evicted.has(session) || this.purged.has(session)) continue;
        ops.push({ type: 'put', key: K.evicted(session), value: encode(Date.now()) });
        const positions = await this.tombstone(ops, session, { types: MESSAGE_TYPES });
        for (const pos of positions) {
          first = Math.min(first, pos);
          last = Math.max(last, pos);
        }
        res.bodies += positions.length;
        res.evicted.push(session);
      }
      if (!ops.length) return res;
      await this.write(ops);
      for (const s of res.evicted) this.evicted.add(s);
      // The old values stay in LevelDB's files until a compaction drops them: do it now, so the space comes back.
      if (res.bodies) await this.db.compactRange(K.event(first), K.event(last));
      return res;
    });
  }

  async evictedSessions(): Promise<string[]> {
    return [...this.evicted].sort();
  }

  ingest(events: ForeignEvent[], cursors?: Record<string, unknown>, opts: IngestOptions = {}): Promise<IngestResult> {
    return this.serialize(async () => {
      const ops: BatchOp[] = [];
      const res: IngestResult = { written: 0, duplicates: 0 };
      const restoring = new Set<string>();
      let pos = this.headPos;
      const seqs = new Map<string, number>();
      const purging = new Set<string>();
      const inBatch = new Set<string>();
      const index = new BatchIndex();
      // Sparse: which seqs are already stored, from one range scan per origin instead of a lookup per event.
      const stored = opts.sparse ? await this.storedRuns(events) : undefined;
      for (const e of events) {
        if (!KNOWN_TYPES.has(e.type)) throw new SfsError('INVALID_INPUT', `event ${e.origin}:${e.seq} has unknown type ${e.type}`);
        const last = seqs.get(e.origin) ?? this.seqs.get(e.origin) ?? 0;
        const evicted = e.session !== null && this.evicted.has(e.session);
        // An evicted session stays evicted until asked for (restore); a purge still erases it.
        if (evicted && !opts.restore && e.type !== 'session.purged') {
          res.evicted = (res.evicted ?? 0) + 1;
          continue;
        }
        if (evicted && opts.restore) restoring.add(e.session!);
        if (stored) {
          const id = `${e.origin}!${e.seq}`;
          // Our own events are never written by ingest: that would fork our seq line.
          if (e.origin === this.origin || inBatch.has(id) || covers(stored.get(e.origin), e.seq)) {
            if (evicted && opts.restore && e.body !== null && !inBatch.has(id)) {
              assertValid(eventSchema(e.type), e.body, `event ${e.origin}:${e.seq} (${e.type})`);
              if (await this.refill(ops, e)) res.restored = (res.restored ?? 0) + 1;
            }
            inBatch.add(id);
            res.duplicates++;
            continue;
          }
          inBatch.add(id);
        } else if (e.seq <= last) {
          res.duplicates++;
          continue;
        } else if (e.seq !== last + 1) throw new SfsError('INVALID_INPUT', `gap in events of origin ${e.origin}: expected seq ${last + 1}, got ${e.seq}`);
        if (e.body !== null) assertValid(eventSchema(e.type), e.body, `event ${e.origin}:${e.seq} (${e.type})`);
        pos++;
        await this.stage(ops, index, e, pos, purging);
        seqs.set(e.origin, Math.max(last, e.seq));
        res.written++;
      }
      if (res.written) ops.push(...index.ops(), { type: 'put', key: K.head, value: encode(pos) });
      for (const [origin, seq] of seqs) ops.push({ type: 'put', key: K.seq(origin), value: encode(seq) });
      for (const [name, value] of Object.entries(cursors ?? {})) ops.push({ type: 'put', key: K.cursor(name), value: encode(value) });
      for (const sid of restoring) ops.push({ type: 'del', key: K.evicted(sid) });
      if (ops.length) await this.write(ops, pos);
      this.settle(purging, restoring);
      this.headPos = pos;
      for (const [origin, seq] of seqs) this.seqs.set(origin, seq);
      return res;
    });
  }

  async read(after: number, limit: number): Promise<AnyStoredEvent[]> {
    const { positions, values } = await this.readEncoded(after, limit);
    return values.map((v, i) => decodeStoredEvent(positions[i]!, v));
  }

  /** Events with position > after, in position order, as stored (decodeStoredEvent reads one). */
  async readEncoded(after: number, limit: number): Promise<EncodedEvents> {
    const positions: number[] = [];
    const values: Uint8Array[] = [];
    const it = this.db.iterator({ gt: K.event(after), lt: prefixEnd(K.eventPrefix), limit, highWaterMarkBytes: READ_HWM });
    try {
      for (const [key, value] of await it.nextv(limit)) {
        positions.push(parseNum(key.slice(2)));
        values.push(value);
      }
    } finally {
      await it.close();
    }
    return { positions, values };
  }

  async readOrigin(origin: string, afterSeq: number, limit: number): Promise<AnyStoredEvent[]> {
    // Nothing of the origin past afterSeq (seqs is set once a batch is written): no seek. A sync polls this while idle.
    if (afterSeq >= (this.seqs.get(origin) ?? 0)) return [];
    const prefix = `o!${origin}!`;
    const first = afterSeq + 1;
    // Start at the run that holds `first` (it may begin earlier), then walk runs forward.
    const before = await this.db.keys({ gte: prefix, lte: K.identity(origin, first), reverse: true, limit: 1 }).all();
    const positions: number[] = [];
    for await (const [key, value] of this.db.iterator({ gte: before[0] ?? prefix, lt: prefixEnd(prefix) })) {
      const firstSeq = parseNum(key.slice(prefix.length));
      const [firstPos, count] = decode<IdentityRun>(value);
      for (let i = Math.max(0, first - firstSeq); i < count && positions.length < limit; i++) positions.push(firstPos + i);
      if (positions.length >= limit) break;
    }
    // Own events are read to be pushed: keep their stored body bytes for the push (storedBodyBytes).
    return this.eventsAt(positions, true);
  }

  private async eventsAt(positions: number[], keepBodyBytes = false): Promise<AnyStoredEvent[]> {
    const values = positions.length ? await this.db.getMany(positions.map(K.event)) : [];
    const out: AnyStoredEvent[] = [];
    values.forEach((v, i) => {
      if (v) out.push(decodeStoredEvent(positions[i]!, v, keepBodyBytes));
    });
    return out;
  }

  async readSession(session: string, after: number, limit: number): Promise<AnyStoredEvent[]> {
    return this.eventsAt(await this.sessionPositions(session, after, limit));
  }

  async hasSession(session: string): Promise<boolean> {
    const prefix = K.sessionEventPrefix(session);
    const keys = await this.db.keys({ gte: prefix, lt: prefixEnd(prefix), limit: 1 }).all();
    return keys.length > 0;
  }

  async getCursor<T = unknown>(name: string): Promise<T | undefined> {
    const v = await this.db.get(K.cursor(name));
    return v === undefined ? undefined : decode<T>(v);
  }

  async getCursors<T = unknown>(prefix: string): Promise<Record<string, T>> {
    const out: Record<string, T> = {};
    const from = K.cursor(prefix);
    for (const [key, value] of await this.db.iterator({ gte: from, lt: prefixEnd(from) }).all()) out[key.slice(K.cursorPrefix.length)] = decode<T>(value);
    return out;
  }

  purge(session: string): Promise<AppendResult> {
    return this.append({ events: [{ type: 'session.purged', session, body: {} }] });
  }

  async close(): Promise<void> {
    await this.queue;
    this.markExactly();
    this.closed = true;
    await this.db.close();
  }
}

function validateNew(ev: NewEvent): void {
  if (!KNOWN_TYPES.has(ev.type)) throw new SfsError('INVALID_INPUT', `unknown event type ${ev.type}`);
  if (ev.type !== 'session.discovered' || ev.session) assertValid(eventSchema(ev.type), ev.body, `${ev.type} event`);
  if (ev.type === 'session.discovered' && !ev.session) throw new SfsError('INVALID_INPUT', 'session.discovered needs a session id');
}

/** The purge mark of one account's events of a session (another account purged its copy). */
function purgeKey(session: string, account: string): string {
  return `${session}!${account}`;
}

/** Whether sorted, disjoint runs [first, end) hold seq (binary search). */
function covers(runs: Array<[number, number]> | undefined, seq: number): boolean {
  if (!runs) return false;
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, end] = runs[mid]!;
    if (seq < first) hi = mid - 1;
    else if (seq >= end) lo = mid + 1;
    else return true;
  }
  return false;
}
