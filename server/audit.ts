import type { Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import type { Account } from './accounts.js';
import { requireMember } from './accounts.js';

/**
 * The audit log: one row per membership, policy, token or device change, inserted by the code that makes
 * the change, in its transaction — so a change and its record commit or roll back together. There is no
 * route that writes it: the actor is always the authenticated account of the request that made the change.
 */
type Db = Kysely<RelayDb>;

export type AuditAction =
  | 'space.create'
  | 'space.policy'
  | 'invitation.create'
  | 'invitation.accept'
  | 'invitation.decline'
  | 'invitation.cancel'
  | 'member.role'
  | 'member.remove'
  | 'member.leave'
  | 'owner.transfer'
  | 'token.create'
  | 'token.revoke'
  | 'device.rename'
  | 'device.revoke'
  | 'account.email';

export interface AuditEntry {
  actor: Account;
  action: AuditAction;
  /** The space the change is about (membership, policy); absent for an account's own tokens and devices. */
  space?: string;
  /** The account whose tokens, devices or settings changed (entries without a space). */
  account?: string;
  /** What was changed: a username, token id, device origin or invitation id. */
  target?: string | null;
  details?: Record<string, unknown>;
}

/** Records one change; call it with the transaction that makes the change. */
export async function audit(tx: Db, e: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      actor: e.actor.id,
      actor_name: e.actor.username,
      space_id: e.space ?? null,
      account_id: e.space ? null : (e.account ?? e.actor.id),
      action: e.action,
      target: e.target ?? null,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}

export interface AuditOut {
  id: number;
  at: Date;
  actor: string;
  action: string;
  space: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

export const MAX_AUDIT_LIMIT = 1000;

/** A page of entries, newest first; `before` (an entry id) continues an earlier page. */
interface Page {
  limit?: number;
  before?: number;
}

function query(db: Db, p: Page) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('spaces', 'spaces.id', 'audit_log.space_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.actor_name as actor',
      'audit_log.action',
      'spaces.name as space',
      'audit_log.target',
      'audit_log.details',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(Math.min(p.limit ?? 100, MAX_AUDIT_LIMIT));
  if (p.before !== undefined) q = q.where('audit_log.id', '<', String(p.before) as never);
  return q;
}

function out(rows: Array<{ id: string; at: Date; actor: string; action: string; space: string | null; target: string | null; details: unknown }>): AuditOut[] {
  return rows.map((r) => ({ ...r, id: Number(r.id), details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown> }));
}

/**
 * A space's log, for its owner and admins only. Anyone else — a member, another account, a space
 * that does not exist — gets requireMember's FORBIDDEN, the same answer either way.
 */
export async function spaceAudit(db: Db, accountId: string, space: string, p: Page): Promise<{ space: string; space_id: string; entries: AuditOut[] }> {
  const s = await requireMember(db, accountId, space, ['owner', 'admin']);
  const rows = await query(db, p).where('audit_log.space_id', '=', s.id).execute();
  return { space: s.name, space_id: s.id, entries: out(rows) };
}

/** The account's own entries: its tokens, devices and settings (not its memberships, which live in the spaces' logs). */
export async function accountAudit(db: Db, accountId: string, p: Page): Promise<{ entries: AuditOut[] }> {
  const rows = await query(db, p).where('audit_log.account_id', '=', accountId).execute();
  return { entries: out(rows) };
}
