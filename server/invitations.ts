import type { Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { RelayError } from './errors.js';
import { newId } from './credentials.js';
import type { Authed } from './accounts.js';
import { requireManagedTeam } from './membership.js';
import { audit } from './audit.js';

/**
 * Membership by consent: an owner or admin invites an account, and it becomes a member only
 * when that account accepts. Until then it is not a member of anything — no read, pull, share
 * or listing — and an invitation expires, can be declined by the invitee and cancelled by the team.
 */
type Db = Kysely<RelayDb>;

export const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 3600_000;

export interface InvitationOut {
  id: string;
  space: string;
  space_id: string;
  username: string;
  role: 'admin' | 'member';
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}

/** Invites `username` (owner or admin). Inviting again while one is pending renews it (role, expiry) under the same id. */
export async function invite(db: Db, who: Authed, space: string, username: string, role: unknown, ttlMs = DEFAULT_INVITATION_TTL_MS): Promise<InvitationOut> {
  if (role !== 'admin' && role !== 'member') throw new RelayError('INVALID', 'role must be admin or member');
  const s = await requireManagedTeam(db, who, space);
  const acc = await db.selectFrom('accounts').select('id').where('username', '=', String(username)).executeTakeFirst();
  if (!acc) throw new RelayError('NOT_FOUND', `no account ${username}`);
  return db.transaction().execute(async (tx) => {
    const member = await tx.selectFrom('members').select('role').where('space_id', '=', s.id).where('account_id', '=', acc.id).executeTakeFirst();
    if (member)
      throw new RelayError(
        'CONFLICT',
        `${username} is already ${member.role} of ${s.name}${member.role === 'owner' ? '' : ` (change roles with sfs org role ${s.name} ${username} admin|member)`}`,
      );
    const expires = new Date(Date.now() + ttlMs);
    const id = newId('inv_');
    const row = await tx
      .insertInto('invitations')
      .values({ id, space_id: s.id, invitee: acc.id, role, invited_by: who.id, expires_at: expires, state: 'pending', answered_at: null })
      .onConflict((oc) => oc.columns(['space_id', 'invitee']).where('state', '=', 'pending').doUpdateSet({ role, invited_by: who.id, expires_at: expires }))
      .returning(['id', 'created_at', 'expires_at'])
      .executeTakeFirstOrThrow();
    await audit(tx, { actor: who, action: 'invitation.create', space: s.id, target: String(username), details: { invitation: row.id, role } });
    return {
      id: row.id,
      space: s.name,
      space_id: s.id,
      username: String(username),
      role,
      invited_by: who.username,
      created_at: row.created_at,
      expires_at: row.expires_at,
    };
  });
}

/** The caller's pending, unexpired invitations, with the space's name and who invited. */
export async function myInvitations(db: Db, who: Authed): Promise<InvitationOut[]> {
  return listWhere(db, (q) => q.where('invitations.invitee', '=', who.id));
}

/** The pending invitations of every team the caller owns or administers: those it may cancel. */
export async function managedInvitations(db: Db, who: Authed): Promise<InvitationOut[]> {
  return listWhere(db, (q) =>
    q.where('invitations.space_id', 'in', (eb) =>
      eb.selectFrom('members').select('members.space_id').where('members.account_id', '=', who.id).where('members.role', 'in', ['owner', 'admin']),
    ),
  );
}

/** A team's pending invitations (owner or admin). */
export async function teamInvitations(db: Db, who: Authed, space: string): Promise<InvitationOut[]> {
  const s = await requireManagedTeam(db, who, space);
  return listWhere(db, (q) => q.where('invitations.space_id', '=', s.id));
}

type ListQuery = ReturnType<typeof pendingQuery>;
function pendingQuery(db: Db) {
  return db
    .selectFrom('invitations')
    .innerJoin('spaces', 'spaces.id', 'invitations.space_id')
    .innerJoin('accounts as invitee', 'invitee.id', 'invitations.invitee')
    .innerJoin('accounts as inviter', 'inviter.id', 'invitations.invited_by')
    .select([
      'invitations.id',
      'spaces.name as space',
      'spaces.id as space_id',
      'invitee.username as username',
      'invitations.role',
      'inviter.username as invited_by',
      'invitations.created_at',
      'invitations.expires_at',
    ])
    .where('invitations.state', '=', 'pending')
    .where('invitations.expires_at', '>', new Date());
}
async function listWhere(db: Db, narrow: (q: ListQuery) => ListQuery): Promise<InvitationOut[]> {
  return narrow(pendingQuery(db)).orderBy('invitations.created_at').execute();
}

/**
 * The invitee accepts: the membership is inserted in the same transaction that closes the
 * invitation (row locked), so an invitation makes at most one member and a cancelled or
 * expired one none.
 */
export async function acceptInvitation(db: Db, who: Authed, id: string): Promise<{ id: string; space: string; space_id: string; role: 'admin' | 'member' }> {
  return db.transaction().execute(async (tx) => {
    const inv = await openInvitation(tx, who, id);
    await tx
      .insertInto('members')
      .values({ space_id: inv.space_id, account_id: who.id, role: inv.role })
      .onConflict((oc) => oc.columns(['space_id', 'account_id']).doNothing())
      .execute();
    await tx.updateTable('invitations').set({ state: 'accepted', answered_at: new Date() }).where('id', '=', inv.id).execute();
    await audit(tx, { actor: who, action: 'invitation.accept', space: inv.space_id, target: who.username, details: { invitation: inv.id, role: inv.role } });
    return { id: inv.id, space: inv.space, space_id: inv.space_id, role: inv.role };
  });
}

export async function declineInvitation(db: Db, who: Authed, id: string): Promise<{ id: string; space: string; declined: true }> {
  return db.transaction().execute(async (tx) => {
    const inv = await openInvitation(tx, who, id);
    await tx.updateTable('invitations').set({ state: 'declined', answered_at: new Date() }).where('id', '=', inv.id).execute();
    await audit(tx, { actor: who, action: 'invitation.decline', space: inv.space_id, target: who.username, details: { invitation: inv.id } });
    return { id: inv.id, space: inv.space, declined: true as const };
  });
}

/** An owner or admin withdraws a pending invitation of their team. */
export async function cancelInvitation(db: Db, who: Authed, space: string, id: string): Promise<{ id: string; cancelled: true }> {
  const s = await requireManagedTeam(db, who, space);
  return db.transaction().execute(async (tx) => {
    const inv = await tx
      .selectFrom('invitations')
      .innerJoin('accounts', 'accounts.id', 'invitations.invitee')
      .select(['invitations.id', 'invitations.state', 'accounts.username'])
      .where('invitations.id', '=', String(id))
      .where('invitations.space_id', '=', s.id)
      .forUpdate(['invitations'])
      .executeTakeFirst();
    if (!inv) throw new RelayError('NOT_FOUND', `no invitation ${id} in ${s.name}`);
    if (inv.state !== 'pending') throw new RelayError('GONE', `invitation ${id} was already ${inv.state}`, { state: inv.state });
    await tx.updateTable('invitations').set({ state: 'cancelled', answered_at: new Date() }).where('id', '=', inv.id).execute();
    await audit(tx, { actor: who, action: 'invitation.cancel', space: s.id, target: inv.username, details: { invitation: inv.id } });
    return { id: inv.id, cancelled: true as const };
  });
}

/** The caller's own invitation, locked, still pending and unexpired — or NOT_FOUND / GONE saying why not. */
async function openInvitation(tx: Db, who: Authed, id: string) {
  const inv = await tx
    .selectFrom('invitations')
    .innerJoin('spaces', 'spaces.id', 'invitations.space_id')
    .select(['invitations.id', 'invitations.space_id', 'spaces.name as space', 'invitations.role', 'invitations.state', 'invitations.expires_at'])
    .where('invitations.id', '=', String(id))
    .where('invitations.invitee', '=', who.id)
    .forUpdate(['invitations'])
    .executeTakeFirst();
  // Another account's invitation gets the same answer as none at all.
  if (!inv) throw new RelayError('NOT_FOUND', `no invitation ${id} for ${who.username}`);
  if (inv.state !== 'pending') throw new RelayError('GONE', `invitation ${id} to ${inv.space} was ${inv.state}`, { state: inv.state });
  if (inv.expires_at.getTime() <= Date.now())
    throw new RelayError('GONE', `invitation ${id} to ${inv.space} expired at ${inv.expires_at.toISOString()}; ask for a new one`, { state: 'expired' });
  return inv;
}
