import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { NOTIFY_CHANNEL, insertLimitsOf, type InsertLimits } from './db/open.js';
import { RelayError } from './errors.js';
import { chargeQuotaAndAdvance } from './quota.js';
import { labelOf, sessionLabels } from './session-titles.js';
import { requireMember, spacesOf, type Authed } from './accounts.js';
import {
  EVENT_SCHEMA_VERSION,
  EVENT_TYPES,
  assertValid,
  eventSchema,
  policyLevel,
  stricterThan,
  unpackBody,
  type DlpPolicy,
  type Push,
  type SpaceInfo,
  type WireEvent,
} from '../engine/index.js';

type Db = Kysely<RelayDb>;
type Tx = Transaction<RelayDb>;
const KNOWN = new Set<string>(EVENT_TYPES);
const SESSION_ID = /^ses_[a-z0-9]{8,40}$/;

/** A push as the relay handles it: the frame's content without its envelope (see Push in engine/replication/protocol.ts). */
export type PushRequest = Pick<Push, 'space' | 'lane' | 'from' | 'upTo' | 'events' | 'routes' | 'policies' | 'findings'>;
export interface PushResult {
  frontier: number;
  written: number;
  /** What this push committed per space, for handing to this process's live readers without reading it back. */
  committed: Committed[];
}
/**
 * Events a transaction committed into a space, numbered (after, cursor]. The space's counter
 * lock is held to commit, so once this transaction committed so did everything up to `cursor`:
 * a reader whose cursor is exactly `after` may take these events as its next batch.
 */
export interface Committed {
  space: string;
  after: number;
  cursor: number;
  events: WireEvent[];
}
/** Test seam: runs inside the inserting transaction just before commit. */
export interface PushHooks {
  beforeCommit?: () => Promise<void>;
}

export interface Row {
  origin: string;
  seq: number;
  type: string;
  v: number;
  ts: number;
  session: string | null;
  body: Buffer | null;
  /** The strictest DLP policy the content satisfies (policyLevel); set from the push's DLP context. */
  level: number;
}
const CLEAN = policyLevel('block');
const POLICIES = new Set<string>(['warn', 'redact', 'block']);

/** Checks shape, identity and body of every event against the engine's schemas. */
export function validateWire(origin: string, req: PushRequest): Row[] {
  const { from, upTo, events } = req;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(upTo) || from < 0 || upTo < from) throw new RelayError('INVALID', 'push needs 0 <= from <= upTo');
  if (!Array.isArray(events)) throw new RelayError('INVALID', 'push needs an events array');
  let last = from;
  return events.map((w) => {
    if (!Array.isArray(w) || w.length !== 7) throw new RelayError('INVALID', 'an event must be [origin, seq, type, v, ts, session, body]');
    const [o, seq, type, v, ts, session, body] = w;
    const at = `event ${String(o)}:${String(seq)}`;
    if (o !== origin) throw new RelayError('FORBIDDEN', `${at}: a device pushes only its own origin's events (${origin})`);
    if (!Number.isSafeInteger(seq) || seq <= last || seq > upTo) throw new RelayError('INVALID', `${at}: seq must increase within (${from}, ${upTo}]`);
    last = seq;
    if (typeof type !== 'string' || !KNOWN.has(type)) throw new RelayError('INVALID', `${at}: unknown type ${String(type)}`);
    if (v !== EVENT_SCHEMA_VERSION) throw new RelayError('INVALID', `${at}: schema version ${String(v)} is not ${EVENT_SCHEMA_VERSION}`);
    if (!Number.isFinite(ts)) throw new RelayError('INVALID', `${at}: bad ts`);
    if (session !== null && (typeof session !== 'string' || !SESSION_ID.test(session))) throw new RelayError('INVALID', `${at}: bad session id`);
    if (body !== null && !(body instanceof Uint8Array)) throw new RelayError('INVALID', `${at}: body must be msgpack bytes or null`);
    if (body !== null) {
      let decoded: unknown;
      try {
        decoded = unpackBody(body);
      } catch {
        throw new RelayError('INVALID', `${at}: body is not msgpack`);
      }
      try {
        assertValid(eventSchema(type as never), decoded, `${at} (${type})`);
      } catch (err) {
        throw new RelayError('INVALID', (err as Error).message);
      }
    }
    return {
      origin: o,
      seq,
      type,
      v,
      ts: Math.trunc(ts),
      session,
      body: body === null ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      level: 0,
    };
  });
}

/**
 * Stores a push in one transaction: the stream frontier (gap check, idempotent retries),
 * the events in the target space and in every space their session is shared into (where
 * the pusher is a member), tombstones for purges, and a NOTIFY per space — all committed
 * together, so the client's acknowledgement and the data can never disagree.
 */
/**
 * `validated`: the events already checked with validateWire (or the error it threw), so that CPU work can overlap the previous push's transaction.
 * `quotaBytes`: the body bytes the account's pushes may store in all; a push past it is refused with QUOTA (quota.ts).
 */
export async function pushEvents(
  db: Db,
  who: Authed,
  origin: string,
  req: PushRequest,
  hooks: PushHooks = {},
  validated?: Row[] | Error,
  quotaBytes = Infinity,
): Promise<PushResult> {
  const space = await requireMember(db, who.id, req.space);
  if (validated instanceof Error) throw validated;
  const rows = validated ?? validateWire(origin, req);
  if (req.lane !== undefined && (typeof req.lane !== 'string' || !SESSION_ID.test(req.lane) || rows.some((r) => r.session !== req.lane))) {
    throw new RelayError('INVALID', 'a session lane carries only events of that session');
  }
  const stream = req.lane ? `${origin}/${req.lane}` : origin;
  const limits = insertLimitsOf(db);
  return db.transaction().execute(async (tx) => {
    // One round trip: creates the stream row or locks the existing one, and reads its frontier.
    const st = await sql<{ frontier: string }>`insert into streams (space_id, origin, frontier) values (${space.id}, ${stream}, 0)
      on conflict (space_id, origin) do update set frontier = streams.frontier returning frontier`.execute(tx);
    const frontier = Number(st.rows[0]!.frontier);
    if (req.from > frontier) throw new RelayError('GAP', `push starts after seq ${req.from} but the relay has only up to ${frontier}`, { frontier });
    if (req.upTo <= frontier) return { frontier, written: 0, committed: [] };
    const fresh = rows.filter((r) => r.seq > frontier);
    const targets = new Map<string, Row[]>([[space.id, fresh]]);
    // Each target's current DLP policy, read with the membership and the shares (no extra round trip).
    const policies = new Map<string, DlpPolicy>([[space.id, space.dlp_policy]]);
    const sessions = [...new Set(fresh.map((r) => r.session).filter((s): s is string => s !== null))];
    if (sessions.length) {
      // Routed only where this account itself shared the session (and is still a member): a share
      // made by someone else never pulls this account's events into a space.
      const shared = await tx
        .selectFrom('shares')
        .innerJoin('members', (j) => j.onRef('members.space_id', '=', 'shares.space_id').on('members.account_id', '=', who.id))
        .innerJoin('spaces', 'spaces.id', 'shares.space_id')
        .select(['shares.space_id', 'shares.session', 'spaces.dlp_policy'])
        .where('shares.session', 'in', sessions)
        .where('shares.shared_by', '=', who.id)
        .execute();
      const sharedHere = new Set<string>();
      for (const sh of shared) {
        if (sh.space_id === space.id) {
          sharedHere.add(sh.session);
          continue;
        }
        policies.set(sh.space_id, sh.dlp_policy);
        const list = targets.get(sh.space_id) ?? [];
        list.push(...fresh.filter((r) => r.session === sh.session));
        targets.set(sh.space_id, list);
      }
      // Straight into a team space (a backfill's lane push): only sessions this account shared there.
      // STALE, not FORBIDDEN: a client whose share was withdrawn meanwhile learns it and stops.
      const unshared = space.kind === 'team' ? sessions.filter((s) => !sharedHere.has(s)) : [];
      if (unshared.length) {
        throw new RelayError('STALE', `session ${unshared[0]} is not shared into ${space.name} by ${who.username}`, {
          frontier,
          spaces: await spacesOf(tx, who.id),
          shares: await sharesOf(tx, who.id, sessions),
        });
      }
    }
    // Every push declares the DLP context it was scrubbed for; without one nothing is stored.
    await checkDlpContext(tx, who, space, req, targets, policies, frontier, sessions);
    setLevels(space.id, req, fresh);
    let written = 0;
    let storedBytes = 0;
    const committed: Committed[] = [];
    // Counter rows are locked in one global order so concurrent pushes never deadlock.
    for (const target of [...targets.keys()].sort()) {
      const list = targets.get(target)!.sort((a, b) => a.seq - b.seq);
      const ins = await insertRows(tx, target, list, limits);
      written += ins.written;
      storedBytes += ins.bytes;
      if (ins.committed) committed.push(ins.committed);
    }
    await chargeQuotaAndAdvance(tx, who.id, storedBytes, quotaBytes, { space: space.id, origin: stream, upTo: req.upTo });
    await hooks.beforeCommit?.();
    return { frontier: req.upTo, written, committed };
  });
}

/**
 * The client scrubbed this push for the spaces and policies it declared: if a session would
 * reach a space it did not expect, or a space's policy is now stricter, the push is refused
 * (STALE, nothing stored) with the current picture, and the client scrubs again and resends.
 */
async function checkDlpContext(
  tx: Tx,
  who: Authed,
  space: SpaceInfo,
  req: PushRequest,
  targets: Map<string, Row[]>,
  current: Map<string, DlpPolicy>,
  frontier: number,
  sessions: string[],
): Promise<void> {
  const routes = req.routes && typeof req.routes === 'object' ? req.routes : {};
  const policies: Record<string, DlpPolicy | undefined> = req.policies && typeof req.policies === 'object' ? req.policies : {};
  for (const p of Object.values(policies)) if (!POLICIES.has(p as string)) throw new RelayError('INVALID', `unknown DLP policy ${String(p)}`);
  let stale = false;
  for (const [target, rows] of targets) {
    const declared = policies[target];
    if (!declared || stricterThan(current.get(target) ?? 'redact', declared)) stale = true;
    if (target === space.id) continue;
    for (const r of rows) if (!Array.isArray(routes[r.session!]) || !routes[r.session!]!.includes(target)) stale = true;
  }
  if (!stale) return;
  throw new RelayError('STALE', 'the push was scrubbed for other spaces or policies than the relay has now', {
    frontier,
    spaces: await spacesOf(tx, who.id),
    shares: await sharesOf(tx, who.id, sessions),
  });
}

/**
 * Records what each pushed event's content satisfies: an event the client found nothing in is
 * fit for any space; one with findings satisfies the strictest policy the push was scrubbed for
 * (the pushed-into space and the spaces its session is routed into, as declared and checked).
 */
function setLevels(spaceId: string, req: PushRequest, rows: Row[]): void {
  const policies: Record<string, DlpPolicy | undefined> = req.policies && typeof req.policies === 'object' ? req.policies : {};
  const routes = req.routes && typeof req.routes === 'object' ? req.routes : {};
  const findings = Array.isArray(req.findings) ? new Set(req.findings) : undefined;
  const bySession = new Map<string | null, number>();
  const scrubbed = (session: string | null): number => {
    let l = bySession.get(session);
    if (l === undefined) {
      l = policyLevel(policies[spaceId]!);
      const more = session !== null && Array.isArray(routes[session]) ? routes[session]! : [];
      for (const t of more) if (POLICIES.has(policies[t] as string)) l = Math.max(l, policyLevel(policies[t]!));
      bySession.set(session, l);
    }
    return l;
  };
  for (const r of rows) r.level = r.body === null || (findings && !findings.has(r.seq)) ? CLEAN : scrubbed(r.session);
}

/**
 * The account's own shares (all of them, or of `sessions`) into spaces it still belongs to:
 * session → space ids. Where its devices route their events of each session; another
 * account's share of the same session id is not listed.
 */
export async function sharesOf(db: Db | Tx, accountId: string, sessions?: string[]): Promise<Record<string, string[]>> {
  if (sessions && !sessions.length) return {};
  let q = db
    .selectFrom('shares')
    .innerJoin('members', (j) => j.onRef('members.space_id', '=', 'shares.space_id').on('members.account_id', '=', accountId))
    .select(['shares.space_id', 'shares.session'])
    .where('shares.shared_by', '=', accountId);
  if (sessions) q = q.where('shares.session', 'in', sessions);
  const out: Record<string, string[]> = {};
  for (const r of await q.execute()) (out[r.session] ??= []).push(r.space_id);
  return out;
}

/**
 * Inserts rows into one space under its counter row lock. The lock is held to commit,
 * so a later transaction cannot take higher numbers and commit first: a reader that has
 * seen rseq N has seen everything below N that will ever exist.
 */
async function insertRows(tx: Tx, space: string, rows: Row[], limits: InsertLimits): Promise<{ written: number; bytes: number; committed?: Committed }> {
  if (!rows.length) return { written: 0, bytes: 0 };
  // The NOTIFY is queued here, in the same round trip (PostgreSQL sends it at commit, and not at all on rollback).
  const up = await sql<{
    next_rseq: string;
  }>`update spaces set next_rseq = next_rseq + ${rows.length} where id = ${space} returning next_rseq, pg_notify(${NOTIFY_CHANNEL}, ${space})`.execute(tx);
  const base = Number(up.rows[0]!.next_rseq) - rows.length;
  const sessions = [...new Set(rows.map((r) => r.session).filter((s): s is string => s !== null))];
  // A purge erases its account's events of the session (all of them in that account's personal space):
  // one account never erases another's content (DESIGN §13). Keys: session, or session + account.
  const purged = new Set<string>();
  let accountOf = new Map<string, string>();
  let personalOwner: string | null | undefined;
  if (sessions.length) {
    // The type is a literal so the planner can use the partial index events_purged.
    const p = await sql<{
      session: string;
      account_id: string | null;
    }>`select distinct e.session, d.account_id from events e left join devices d on d.origin = e.origin
      where e.space_id = ${space} and e.type = 'session.purged' and e.session in (${sql.join(sessions)})`.execute(tx);
    if (p.rows.length) {
      personalOwner = await personalOwnerOf(tx, space);
      accountOf = await accountsOf(
        tx,
        rows.map((r) => r.origin),
      );
      for (const r of p.rows) purged.add(r.account_id === null || r.account_id === personalOwner ? r.session : `${r.session}\0${r.account_id}`);
    }
  }
  const isPurged = (r: Row) => r.session !== null && (purged.has(r.session) || purged.has(`${r.session}\0${accountOf.get(r.origin)}`));
  const stored = rows.map((r) => (isPurged(r) ? { ...r, body: null } : r));
  // Duplicates are skipped (their numbers stay unused: readers only need the order, not density).
  // Written out rather than built with the query builder, whose per-value work cost as much as the insert's own;
  // at most limits.rows rows and about limits.bytes of bodies a statement (PostgreSQL takes 65,535 parameters; see InsertLimits).
  const inserted = new Set<number>();
  for (let at = 0; at < stored.length;) {
    const params: unknown[] = [space];
    let end = at;
    for (let bytes = 0; end < stored.length && end - at < limits.rows && (end === at || bytes < limits.bytes); end++) {
      const r = stored[end]!;
      bytes += r.body?.byteLength ?? 0;
      params.push(base + end + 1, r.origin, r.seq, r.type, r.v, r.ts, r.session, r.body, r.level);
    }
    const res = await tx.executeQuery(CompiledQuery.raw(insertSql(end - at), params));
    // Usually every row is new: then the numbers are all of them, and no row comes back to parse. Otherwise the
    // numbers this statement took that are now in the table are the inserted rows (nobody else takes them: counter lock).
    if (Number(res.numAffectedRows ?? -1) === end - at) for (let k = at; k < end; k++) inserted.add(base + k + 1);
    else {
      const back = await sql<{
        rseq: string | number;
      }>`select rseq from events where space_id = ${space} and rseq > ${base + at} and rseq <= ${base + end}`.execute(tx);
      for (const r of back.rows) inserted.add(Number(r.rseq));
    }
    at = end;
  }
  let purges = false;
  for (const r of rows) {
    if (r.type === 'session.purged' && r.session) {
      purges = true;
      // A purge erases the content here too; the purge event itself stays as the tombstone's reason.
      // Same rule as the local log: the first purge event keeps its (empty) body, everything else of the session loses it.
      if (personalOwner === undefined) personalOwner = await personalOwnerOf(tx, space);
      const purger = (await accountsOf(tx, [r.origin])).get(r.origin);
      let q = tx
        .updateTable('events')
        .set({ body: null })
        .where('space_id', '=', space)
        .where('session', '=', r.session)
        .where('body', 'is not', null)
        .where((eb) => eb.not(eb.and([eb('origin', '=', r.origin), eb('seq', '=', String(r.seq) as never)])));
      // Outside the purger's own personal space, only the purger's account's events lose their content.
      if (purger === undefined || purger !== personalOwner)
        q = q.where('origin', 'in', (eb) =>
          eb
            .selectFrom('devices')
            .select('origin')
            .where('account_id', '=', purger ?? ''),
        );
      await q.execute();
    }
  }
  // A purge rewrites rows of this batch too; readers then take them from the database.
  const committed = purges
    ? undefined
    : { space, after: base, cursor: base + rows.length, events: stored.filter((_, i) => inserted.has(base + i + 1)).map(rowToWire) };
  // Body bytes of the rows actually inserted (duplicates skipped): what the stored-bytes quota counts.
  let bytes = 0;
  stored.forEach((r, i) => {
    if (r.body && inserted.has(base + i + 1)) bytes += r.body.byteLength;
  });
  return { written: inserted.size, bytes, committed };
}

/** The account owning a personal space, or null for a team space. */
async function personalOwnerOf(tx: Tx, space: string): Promise<string | null> {
  const r = await tx
    .selectFrom('spaces')
    .innerJoin('members', 'members.space_id', 'spaces.id')
    .select('members.account_id')
    .where('spaces.id', '=', space)
    .where('spaces.kind', '=', 'personal')
    .executeTakeFirst();
  return r?.account_id ?? null;
}

/** origin → account of the devices among these origins. */
async function accountsOf(tx: Tx, origins: string[]): Promise<Map<string, string>> {
  const list = [...new Set(origins)];
  if (!list.length) return new Map();
  const rows = await tx.selectFrom('devices').select(['origin', 'account_id']).where('origin', 'in', list).execute();
  return new Map(rows.map((r) => [r.origin, r.account_id]));
}

const insertTexts = new Map<number, string>();
/** The insert statement for n rows (space as $1, then nine parameters a row); pushes mostly have the same few sizes, so the text is kept. */
function insertSql(n: number): string {
  let text = insertTexts.get(n);
  if (text === undefined) {
    const tuples: string[] = [];
    for (let k = 0, p = 2; k < n; k++, p += 9) tuples.push(`($1,$${p},$${p + 1},$${p + 2},$${p + 3},$${p + 4},$${p + 5},$${p + 6},$${p + 7},$${p + 8})`);
    text = `insert into events (space_id, rseq, origin, seq, type, v, ts, session, body, dlp_level) values ${tuples.join(',')} on conflict (space_id, origin, seq) do nothing`;
    if (insertTexts.size >= 16) insertTexts.delete(insertTexts.keys().next().value!);
    insertTexts.set(n, text);
  }
  return text;
}

function rowToWire(r: Row): WireEvent {
  return [r.origin, r.seq, r.type, r.v, r.ts, r.session, r.body === null ? null : new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength)];
}

export interface ReadResult {
  cursor: number;
  /** Rows read, including those of the skipped origin. */
  rows: number;
  events: WireEvent[];
}

/** Events of a space after a relay cursor, in relay order; `skipOrigin`'s own events are left out but passed over. */
export async function readSpace(db: Db, spaceId: string, after: number, limit: number, skipOrigin?: string): Promise<ReadResult> {
  const rows = await db
    .selectFrom('events')
    .select(['rseq', 'origin', 'seq', 'type', 'v', 'ts', 'session', 'body'])
    .where('space_id', '=', spaceId)
    .where('rseq', '>', String(after) as never)
    .orderBy('rseq')
    .limit(limit)
    .execute();
  let cursor = after;
  const events: WireEvent[] = [];
  for (const r of rows) {
    cursor = Number(r.rseq);
    if (r.origin !== skipOrigin) events.push(toWireRow(r));
  }
  return { cursor, events, rows: rows.length };
}

function toWireRow(r: {
  origin: string;
  seq: string;
  type: string;
  v: number;
  ts: string;
  session: string | null;
  body: Buffer | Uint8Array | null;
}): WireEvent {
  return [r.origin, Number(r.seq), r.type, r.v, Number(r.ts), r.session, r.body === null ? null : new Uint8Array(r.body)];
}

/** The space an event was read from, for the client's attribution (see Attribution). */
export interface EventSource {
  space: string;
  space_name: string;
  personal: boolean;
}

/**
 * Every event of a session readable by the account (any of its spaces), once per identity, with
 * the space each was read from (the personal space when it is there too).
 */
export async function readSessionEvents(db: Db, accountId: string, session: string, space?: string): Promise<{ events: WireEvent[]; sources: EventSource[] }> {
  let spaceIds: string[];
  if (space) spaceIds = [(await requireMember(db, accountId, space)).id];
  else spaceIds = (await db.selectFrom('members').select('space_id').where('account_id', '=', accountId).execute()).map((r) => r.space_id);
  if (!spaceIds.length) return { events: [], sources: [] };
  const rows = await sql<{
    origin: string;
    seq: string;
    type: string;
    v: number;
    ts: string;
    session: string | null;
    body: Buffer | null;
    space_id: string;
    space_name: string;
    kind: string;
  }>`
    select distinct on (e.origin, e.seq) e.origin, e.seq, e.type, e.v, e.ts, e.session, e.body, e.space_id, s.name as space_name, s.kind
    from events e join spaces s on s.id = e.space_id
    where e.session = ${session} and e.space_id in (${sql.join(spaceIds)})
    order by e.origin, e.seq, (e.body is null) desc, (s.kind = 'personal') desc, e.space_id`.execute(db);
  const list = rows.rows.map((r) => ({ w: toWireRow(r), src: { space: r.space_id, space_name: r.space_name, personal: r.kind === 'personal' } }));
  list.sort((x, y) => {
    const a = x.w;
    const b = y.w;
    return a[4] - b[4] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
  });
  return { events: list.map((x) => x.w), sources: list.map((x) => x.src) };
}

/** A stored event a share or a handoff may copy into another space; `here`: that space has it already. */
export interface CopyCandidate {
  origin: string;
  seq: string;
  type: string;
  v: number;
  ts: string;
  session: string | null;
  body: Buffer | null;
  dlp_level: number;
  here: boolean;
}

/**
 * Copies events into a space, under its counter lock — only those whose content satisfies the
 * space's DLP policy (see setLevels): nothing goes into a space that was not scrubbed for it.
 * The rest are `withheld`: for a share, the devices that wrote them push them again, scrubbed
 * for this space, when they next connect (welcome.backfill).
 */
export async function copyInto(tx: Tx, toSpace: string, candidates: CopyCandidate[], limits: InsertLimits): Promise<{ copied: number; withheld: number }> {
  const target = await tx.selectFrom('spaces').select('dlp_policy').where('id', '=', toSpace).executeTakeFirstOrThrow();
  const need = policyLevel(target.dlp_policy);
  let withheld = 0;
  const list: Row[] = [];
  for (const r of candidates) {
    if (r.here) continue;
    if (r.body !== null && r.dlp_level < need) {
      withheld++;
      continue;
    }
    list.push({ origin: r.origin, seq: Number(r.seq), type: r.type, v: r.v, ts: Number(r.ts), session: r.session, body: r.body, level: r.dlp_level });
  }
  list.sort((a, b) => a.ts - b.ts || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq));
  return { copied: (await insertRows(tx, toSpace, list, limits)).written, withheld };
}

/**
 * The account's own events of a session (written by its devices), from the spaces it belongs to,
 * into a space. A share moves only the sharer's own content: another account's events of the
 * same session reach a space only by that account's own share.
 */
async function copyOwnEvents(tx: Tx, accountId: string, session: string, toSpace: string, limits: InsertLimits): Promise<{ copied: number; withheld: number }> {
  // Per identity: a purged copy first (the tombstone wins), else the most strictly scrubbed one.
  const rows = await sql<CopyCandidate>`
    select distinct on (origin, seq) origin, seq, type, v, ts, session, body, dlp_level,
      exists (select 1 from events t where t.space_id = ${toSpace} and t.origin = e.origin and t.seq = e.seq) as here
    from events e
    where session = ${session}
      and space_id in (select space_id from members where account_id = ${accountId})
      and origin in (select origin from devices where account_id = ${accountId})
    order by origin, seq, (body is null) desc, dlp_level desc`.execute(tx);
  return copyInto(tx, toSpace, rows.rows, limits);
}

/**
 * Whether any of the account's devices has events of the session on the relay, in a space the
 * account belongs to: only then is the session the account's to share.
 */
async function hasOwnEvents(tx: Tx, accountId: string, session: string): Promise<boolean> {
  const r = await sql<{ one: number }>`
    select 1 as one from events e join devices d on d.origin = e.origin
    where d.account_id = ${accountId} and e.session = ${session}
      and e.space_id in (select space_id from members where account_id = ${accountId})
    limit 1`.execute(tx);
  return r.rows.length > 0;
}

/**
 * Shares a session into a space the account belongs to: copies the account's own events that
 * are scrubbed well enough for that space, and from now on its devices' events of the session
 * are routed there too. `withheld` events wait for their devices. Only a session with the
 * account's own events on the relay can be shared; anything else gets one answer, whether or
 * not the session exists (the route tells nobody what others hold). Two accounts that both
 * hold a session id may each share it into one space: each share routes its own account's events.
 */
export async function shareSession(db: Db, who: Authed, session: string, toSpace: string): Promise<{ space: string; copied: number; withheld: number }> {
  if (!SESSION_ID.test(String(session))) throw new RelayError('INVALID', 'bad session id');
  const space = await requireMember(db, who.id, toSpace);
  const limits = insertLimitsOf(db);
  return db.transaction().execute(async (tx) => {
    if (!(await hasOwnEvents(tx, who.id, session)))
      throw new RelayError('NOT_FOUND', `no events of yours in session ${session} on the relay; push it first (sfs push ${session})`);
    await tx
      .insertInto('shares')
      .values({ space_id: space.id, session, shared_by: who.id })
      .onConflict((oc) => oc.columns(['space_id', 'session', 'shared_by']).doNothing())
      .execute();
    const r = await copyOwnEvents(tx, who.id, session, space.id, limits);
    return { space: space.id, ...r };
  });
}

/**
 * Sessions the account shared into which `origin` has to push again (see Welcome.backfill): its
 * events of the session are on the relay in the account's spaces, missing from the shared space,
 * and above what it already pushed into that space for the session (its lane frontier there).
 */
export async function backfillFor(db: Db, accountId: string, origin: string): Promise<Array<{ space: string; session: string }>> {
  const rows = await sql<{ space: string; session: string }>`
    with mine as (select space_id from members where account_id = ${accountId})
    select distinct sh.space_id as space, sh.session
    from shares sh
    join mine on mine.space_id = sh.space_id and sh.shared_by = ${accountId}
    join events e on e.session = sh.session and e.origin = ${origin} and e.body is not null and e.space_id in (select space_id from mine) and e.space_id <> sh.space_id
    left join streams st on st.space_id = sh.space_id and st.origin = ${origin} || '/' || sh.session
    where e.seq > coalesce(st.frontier, 0)
      and not exists (select 1 from events t where t.space_id = sh.space_id and t.origin = e.origin and t.seq = e.seq)
    order by 1, 2`.execute(db);
  return rows.rows;
}

/** Withdraws the account's own share (what it copied stays); another member's share of the session is not its to withdraw. */
export async function unshareSession(db: Db, who: Authed, session: string, fromSpace: string): Promise<void> {
  const space = await requireMember(db, who.id, fromSpace);
  const r = await db
    .deleteFrom('shares')
    .where('space_id', '=', space.id)
    .where('session', '=', String(session))
    .where('shared_by', '=', who.id)
    .executeTakeFirst();
  if (!r.numDeletedRows) throw new RelayError('NOT_FOUND', `you have not shared session ${session} into ${space.name}`);
}

export async function listRemoteSessions(db: Db, who: Authed, space?: string) {
  const spaceIds = space
    ? [(await requireMember(db, who.id, space)).id]
    : (await db.selectFrom('members').select('space_id').where('account_id', '=', who.id).execute()).map((r) => r.space_id);
  if (!spaceIds.length) return [];
  const rows = await sql<{ space_id: string; space: string; session: string; events: string; first_ts: string; last_ts: string; purged: boolean }>`
    select e.space_id, s.name as space, e.session, count(*) as events, min(e.ts) as first_ts, max(e.ts) as last_ts,
           bool_or(e.type = 'session.purged') as purged
    from events e join spaces s on s.id = e.space_id
    where e.space_id in (${sql.join(spaceIds)}) and e.session is not null
    group by e.space_id, s.name, e.session order by max(e.ts) desc limit 1000`.execute(db);
  // Titles and tools from the events of the row's own space, one of the caller's (session-titles.ts).
  const labels = await sessionLabels(db, [...new Set(rows.rows.map((r) => r.space_id))], [...new Set(rows.rows.map((r) => r.session))]);
  return rows.rows.map((r) => {
    const l = labelOf(labels, r.space_id, r.session);
    return {
      space: r.space,
      session: r.session,
      title: r.purged ? null : l.title,
      tool: l.tool,
      created_at: l.created_at,
      events: Number(r.events),
      first_ts: Number(r.first_ts),
      last_ts: Number(r.last_ts),
      purged: r.purged,
    };
  });
}
