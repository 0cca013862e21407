import { sql, type Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { RelayError } from './errors.js';
import { personalSpace, type Authed } from './accounts.js';
import { copyInto, type CopyCandidate } from './events.js';
import { insertLimitsOf } from './db/open.js';
import { deviceOf, labelOf, sessionDevices, sessionLabels } from './session-titles.js';

/**
 * Handoffs: a one-time grant of a session, as it was when handed off, to another account.
 *
 * Creating one binds a snapshot: the highest relay order (rseq) of the session's events in the
 * sender's personal space at that moment. Accepting copies only those events (and a later purge,
 * so an erased session stays erased), once; the sender extends a pending handoff to the
 * session's current end by handing it off again to the same account. A handoff not accepted
 * before it expires, cancelled by its sender or declined by its recipient can no longer be accepted.
 */

type Db = Kysely<RelayDb>;
const SESSION_ID = /^ses_[a-z0-9]{8,40}$/;
/** How long a handoff waits for its recipient unless the relay or the sender says otherwise. */
export const HANDOFF_TTL_MS = 7 * 24 * 3600 * 1000;
/** The longest expiry a sender may ask for. */
export const MAX_HANDOFF_TTL_MS = 365 * 24 * 3600 * 1000;

export type HandoffState = 'pending' | 'accepted' | 'cancelled' | 'declined' | 'expired';

interface HandoffRow {
  accepted_at: Date | null;
  cancelled_at: Date | null;
  declined_at: Date | null;
  expires_at: Date;
}

function stateOf(h: HandoffRow, now: Date): HandoffState {
  if (h.accepted_at) return 'accepted';
  if (h.cancelled_at) return 'cancelled';
  if (h.declined_at) return 'declined';
  return h.expires_at.getTime() <= now.getTime() ? 'expired' : 'pending';
}

/** The expiry a sender asked for (ms from now), or the relay's default. */
function expiryMs(asked: unknown, defaultMs: number): number {
  if (asked === undefined || asked === null) return defaultMs;
  if (typeof asked !== 'number' || !Number.isSafeInteger(asked) || asked < 1000 || asked > MAX_HANDOFF_TTL_MS) {
    throw new RelayError('INVALID', `expires_in_ms must be a whole number of milliseconds between 1000 and ${MAX_HANDOFF_TTL_MS} (365 days)`);
  }
  return asked;
}

export interface CreateHandoff {
  session: string;
  to: string;
  message: string | null;
  /** Asked-for expiry in ms from now; the relay's default (handoffTtlMs) when absent. */
  expiresInMs?: unknown;
}

/**
 * Hands a session to another account, or — when a handoff of it to that account is still
 * pending — extends that one to the session's current end (with a fresh expiry, and the new
 * message if one is given).
 */
export async function createHandoff(db: Db, who: Authed, req: CreateHandoff, o: { ttlMs: number; newId: () => string; now?: Date }) {
  const { session, to } = req;
  if (!SESSION_ID.test(String(session))) throw new RelayError('INVALID', 'bad session id');
  const ttl = expiryMs(req.expiresInMs, o.ttlMs);
  if (req.message !== null && (typeof req.message !== 'string' || req.message.length > 2000))
    throw new RelayError('INVALID', 'message must be text of at most 2000 characters');
  const acc = await db.selectFrom('accounts').select('id').where('username', '=', String(to)).executeTakeFirst();
  if (!acc) throw new RelayError('NOT_FOUND', `no account ${to}`);
  // The sender's personal space holds what its own devices pushed (and what was handed to it).
  const source = await personalSpace(db, who);
  return db.transaction().execute(async (tx) => {
    const now = o.now ?? new Date();
    const end = await tx
      .selectFrom('events')
      .select(sql<string | null>`max(rseq)`.as('end'))
      .where('space_id', '=', source)
      .where('session', '=', session)
      .executeTakeFirst();
    if (end?.end === null || end?.end === undefined)
      throw new RelayError('NOT_FOUND', `session ${session} is not on the relay yet; push it first (sfs push ${session})`);
    if (acc.id === who.id) throw new RelayError('INVALID', 'a handoff goes to another account');
    const uptoRseq = Number(end.end);
    const expiresAt = new Date(now.getTime() + ttl);
    const pending = await tx
      .selectFrom('handoffs')
      .select(['id', 'message'])
      .where('from_account', '=', who.id)
      .where('to_account', '=', acc.id)
      .where('session', '=', session)
      .where('accepted_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('declined_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .forUpdate()
      .executeTakeFirst();
    if (pending) {
      const message = req.message ?? pending.message;
      await tx.updateTable('handoffs').set({ upto_rseq: uptoRseq, expires_at: expiresAt, message }).where('id', '=', pending.id).execute();
      return { id: pending.id, session, to, message, expires_at: expiresAt, extended: true, to_account: acc.id, source_space: source };
    }
    const id = o.newId();
    await tx
      .insertInto('handoffs')
      .values({
        id,
        session,
        from_account: who.id,
        to_account: acc.id,
        source_space: source,
        message: req.message ?? null,
        created_at: now,
        accepted_at: null,
        upto_rseq: uptoRseq,
        expires_at: expiresAt,
        cancelled_at: null,
      })
      .execute();
    return { id, session, to, message: req.message ?? null, expires_at: expiresAt, extended: false, to_account: acc.id, source_space: source };
  });
}

/** Handoffs the account sent or received, newest first, each with its state. */
export async function listHandoffs(db: Db, who: Authed, now = new Date()) {
  const rows = await db
    .selectFrom('handoffs')
    .innerJoin('accounts as f', 'f.id', 'handoffs.from_account')
    .innerJoin('accounts as t', 't.id', 'handoffs.to_account')
    .select([
      'handoffs.id',
      'handoffs.session',
      'f.username as from',
      't.username as to',
      'handoffs.message',
      'handoffs.created_at',
      'handoffs.expires_at',
      'handoffs.accepted_at',
      'handoffs.cancelled_at',
      'handoffs.declined_at',
      'handoffs.source_space',
      'handoffs.from_account',
    ])
    .where((eb) => eb.or([eb('handoffs.to_account', '=', who.id), eb('handoffs.from_account', '=', who.id)]))
    .orderBy('handoffs.created_at', 'desc')
    .execute();
  // Title, tool and device from the space the caller may read the session in: the sender's space for what it
  // sent or may still take; its own personal space for what it took (the copy it holds); none otherwise.
  const mine = rows.some((r) => r.from_account !== who.id && stateOf(r, now) === 'accepted') ? await personalSpace(db, who) : null;
  const readFrom = (r: (typeof rows)[number], state: HandoffState): string | null =>
    r.from_account === who.id || state === 'pending' ? r.source_space : state === 'accepted' ? mine : null;
  const where = rows.map((r) => readFrom(r, stateOf(r, now)));
  const spaces = [...new Set(where.filter((x): x is string => !!x))];
  const sessions = [...new Set(rows.filter((_, i) => where[i]).map((r) => r.session))];
  const [labels, devices] = await Promise.all([sessionLabels(db, spaces, sessions), sessionDevices(db, spaces, sessions)]);
  return rows.map(({ source_space: _src, from_account: _from, ...r }, i) => {
    const state = stateOf(r, now);
    const space = where[i];
    const l = space ? labelOf(labels, space, r.session) : null;
    return { ...r, title: l?.title ?? null, tool: l?.tool ?? null, device: space ? deviceOf(devices, space, r.session) : null, state };
  });
}

/**
 * The recipient takes a handoff: the session as it was when handed off (its snapshot) is copied
 * into their personal space, once. Accepting again copies nothing and says so (`already_accepted`).
 */
export async function acceptHandoff(db: Db, who: Authed, id: string, o: { now?: Date } = {}) {
  const target = await personalSpace(db, who);
  const limits = insertLimitsOf(db);
  return db.transaction().execute(async (tx) => {
    const now = o.now ?? new Date();
    // Locked: two accepts at once copy once.
    const h = await tx.selectFrom('handoffs').selectAll().where('id', '=', String(id)).where('to_account', '=', who.id).forUpdate().executeTakeFirst();
    if (!h) throw new RelayError('NOT_FOUND', `no handoff ${id} for ${who.username}`);
    const base = { id: h.id, session: h.session, message: h.message };
    const state = stateOf(h, now);
    if (state === 'accepted') return { ...base, copied: 0, withheld: 0, already_accepted: true, accepted_at: h.accepted_at };
    if (state === 'cancelled') throw new RelayError('HANDOFF_CANCELLED', `handoff ${h.id} was cancelled by its sender`);
    if (state === 'declined') throw new RelayError('GONE', `handoff ${h.id} was declined`, { state });
    if (state === 'expired')
      throw new RelayError('HANDOFF_EXPIRED', `handoff ${h.id} expired at ${h.expires_at.toISOString()}; ask the sender to hand the session off again`);
    // The events of the snapshot, plus any purge since (an erased session is not handed on with its
    // content); of each, the copy the sender holds in any space that is a tombstone, else the most
    // strictly scrubbed one (a team's redacted copy rather than a personal `warn` one).
    const rows = await sql<CopyCandidate>`
      select distinct on (e.origin, e.seq) e.origin, e.seq, e.type, e.v, e.ts, e.session, e.body, e.dlp_level,
        exists (select 1 from events t where t.space_id = ${target} and t.origin = e.origin and t.seq = e.seq) as here
      from events s
      join events e on e.origin = s.origin and e.seq = s.seq
        and e.space_id in (select space_id from members where account_id = ${h.from_account})
      where s.space_id = ${h.source_space} and s.session = ${h.session}
        and (s.rseq <= ${String(h.upto_rseq)} or s.type = 'session.purged')
      order by e.origin, e.seq, (e.body is null) desc, e.dlp_level desc`.execute(tx);
    const { copied, withheld } = await copyInto(tx, target, rows.rows, limits);
    await tx.updateTable('handoffs').set({ accepted_at: now }).where('id', '=', h.id).execute();
    return { ...base, copied, withheld, already_accepted: false, accepted_at: now };
  });
}

/** The sender withdraws a handoff not yet accepted; cancelling it again changes nothing. */
export async function cancelHandoff(db: Db, who: Authed, id: string, o: { now?: Date } = {}) {
  return db.transaction().execute(async (tx) => {
    const h = await tx.selectFrom('handoffs').selectAll().where('id', '=', String(id)).where('from_account', '=', who.id).forUpdate().executeTakeFirst();
    if (!h) throw new RelayError('NOT_FOUND', `no handoff ${id} sent by ${who.username}`);
    if (h.accepted_at) throw new RelayError('CONFLICT', `handoff ${h.id} was already accepted at ${h.accepted_at.toISOString()}; it cannot be cancelled`);
    if (h.declined_at) throw new RelayError('CONFLICT', `handoff ${h.id} was already declined by its recipient`);
    const cancelledAt = h.cancelled_at ?? o.now ?? new Date();
    if (!h.cancelled_at) await tx.updateTable('handoffs').set({ cancelled_at: cancelledAt }).where('id', '=', h.id).execute();
    return { id: h.id, session: h.session, cancelled_at: cancelledAt };
  });
}

/**
 * The recipient turns a pending handoff down: it can no longer be taken, and its sender sees it
 * declined. Declining again changes nothing; a handoff already taken, cancelled or expired stays so.
 */
export async function declineHandoff(db: Db, who: Authed, id: string, o: { now?: Date } = {}) {
  return db.transaction().execute(async (tx) => {
    const now = o.now ?? new Date();
    const h = await tx.selectFrom('handoffs').selectAll().where('id', '=', String(id)).where('to_account', '=', who.id).forUpdate().executeTakeFirst();
    // Another account's handoff gets the same answer as none at all.
    if (!h) throw new RelayError('NOT_FOUND', `no handoff ${id} for ${who.username}`);
    const state = stateOf(h, now);
    if (state === 'declined') return { id: h.id, session: h.session, declined_at: h.declined_at! };
    if (state !== 'pending') throw new RelayError('CONFLICT', `handoff ${h.id} was already ${state}; it cannot be declined`, { state });
    await tx.updateTable('handoffs').set({ declined_at: now }).where('id', '=', h.id).execute();
    return { id: h.id, session: h.session, declined_at: now };
  });
}
