import type { Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { RelayError } from './errors.js';
import { requireMember, type Authed } from './accounts.js';
import type { SpaceInfo } from '../engine/index.js';
import { audit } from './audit.js';

/**
 * Who is in a team space and with which role. Exactly one owner per space; admins manage
 * members and admins, never the owner; the owner leaves only after handing ownership to
 * another member (transferOwnership). Members join only through an invitation (invitations.ts).
 */
type Db = Kysely<RelayDb>;
export type Role = 'owner' | 'admin' | 'member';

export async function listMembers(db: Db, who: Authed, space: string) {
  const s = await requireMember(db, who.id, space);
  return db
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['accounts.username', 'members.role', 'members.created_at'])
    .where('members.space_id', '=', s.id)
    .orderBy('accounts.username')
    .execute();
}

/** A team space the caller manages (owner or admin); a personal space has no other members. */
export async function requireManagedTeam(db: Db, who: Authed, space: string): Promise<SpaceInfo> {
  const s = await requireMember(db, who.id, space, ['owner', 'admin']);
  if (s.kind !== 'team') throw new RelayError('INVALID', 'a personal space has no other members');
  return s;
}

async function memberNamed(db: Db, s: SpaceInfo, username: string): Promise<{ id: string; role: Role }> {
  const row = await db
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['accounts.id', 'members.role'])
    .where('members.space_id', '=', s.id)
    .where('accounts.username', '=', String(username))
    .executeTakeFirst();
  if (!row) throw new RelayError('NOT_FOUND', `${username} is not a member of ${s.name}`);
  return row;
}

/** Removes a member (owner or admin), or the caller leaves. The owner is never removed, and leaves only after a transfer. */
export async function removeMember(db: Db, who: Authed, space: string, username: string): Promise<void> {
  if (String(username) === who.username) return leave(db, who, space);
  const s = await requireManagedTeam(db, who, space);
  const target = await memberNamed(db, s, username);
  if (target.role === 'owner') throw new RelayError('FORBIDDEN', `${username} owns ${s.name} and cannot be removed`);
  await db.transaction().execute(async (tx) => {
    const r = await tx.deleteFrom('members').where('space_id', '=', s.id).where('account_id', '=', target.id).where('role', '!=', 'owner').executeTakeFirst();
    if (r.numDeletedRows) await audit(tx, { actor: who, action: 'member.remove', space: s.id, target: String(username), details: { role: target.role } });
  });
}

export async function leave(db: Db, who: Authed, space: string): Promise<void> {
  const s = await requireMember(db, who.id, space);
  if (s.kind !== 'team') throw new RelayError('INVALID', 'nobody leaves their personal space');
  if (s.role === 'owner') throw new RelayError('FORBIDDEN', `you own ${s.name}: hand it to another member first (sfs org transfer ${s.name} USER)`);
  await db.transaction().execute(async (tx) => {
    const r = await tx.deleteFrom('members').where('space_id', '=', s.id).where('account_id', '=', who.id).where('role', '!=', 'owner').executeTakeFirst();
    if (r.numDeletedRows) await audit(tx, { actor: who, action: 'member.leave', space: s.id, target: who.username, details: { role: s.role } });
  });
}

/** Makes a member an admin or an admin a member (owner or admin); the owner's role changes only by a transfer. */
export async function setRole(db: Db, who: Authed, space: string, username: string, role: unknown): Promise<{ space: string; username: string; role: Role }> {
  if (role !== 'admin' && role !== 'member') throw new RelayError('INVALID', 'role must be admin or member');
  const s = await requireManagedTeam(db, who, space);
  const target = await memberNamed(db, s, username);
  if (target.role === 'owner') throw new RelayError('FORBIDDEN', `${username} owns ${s.name}; ownership changes only by a transfer from the owner`);
  await db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('members')
      .set({ role })
      .where('space_id', '=', s.id)
      .where('account_id', '=', target.id)
      .where('role', '!=', 'owner')
      .executeTakeFirst();
    if (r.numUpdatedRows && target.role !== role)
      await audit(tx, { actor: who, action: 'member.role', space: s.id, target: String(username), details: { role, previous: target.role } });
  });
  return { space: s.name, username: String(username), role };
}

/** The owner hands the space to an existing member, who becomes owner; the old owner becomes an admin (one transaction). */
export async function transferOwnership(
  db: Db,
  who: Authed,
  space: string,
  username: string,
): Promise<{ space: string; owner: string; previous_owner: string }> {
  const s = await requireMember(db, who.id, space, ['owner']);
  if (s.kind !== 'team') throw new RelayError('INVALID', 'a personal space cannot change hands');
  if (String(username) === who.username) throw new RelayError('INVALID', `you already own ${s.name}`);
  return db.transaction().execute(async (tx) => {
    const target = await memberNamed(tx, s, username);
    // The old owner steps down first: one owner per space is a unique index (members_one_owner).
    const down = await tx
      .updateTable('members')
      .set({ role: 'admin' })
      .where('space_id', '=', s.id)
      .where('account_id', '=', who.id)
      .where('role', '=', 'owner')
      .executeTakeFirst();
    if (!down.numUpdatedRows) throw new RelayError('FORBIDDEN', `no access to space ${space}`);
    await tx.updateTable('members').set({ role: 'owner' }).where('space_id', '=', s.id).where('account_id', '=', target.id).execute();
    await audit(tx, {
      actor: who,
      action: 'owner.transfer',
      space: s.id,
      target: String(username),
      details: { previous_owner: who.username, previous_role: target.role },
    });
    return { space: s.name, owner: String(username), previous_owner: who.username };
  });
}

/** The spaces the account belongs to, with its role, the member count and the policy (sfs org list). */
export async function listOrgs(db: Db, who: Authed) {
  const rows = await db
    .selectFrom('members as me')
    .innerJoin('spaces', 'spaces.id', 'me.space_id')
    .select((eb) => [
      'spaces.id',
      'spaces.name',
      'spaces.kind',
      'me.role',
      'spaces.dlp_policy',
      'spaces.created_at',
      eb.selectFrom('members as m').select(eb.fn.countAll<string>().as('n')).whereRef('m.space_id', '=', 'spaces.id').as('members'),
    ])
    .where('me.account_id', '=', who.id)
    .orderBy('spaces.name')
    .execute();
  return rows.map((r) => ({ ...r, members: Number(r.members) }));
}

/**
 * One space the account belongs to (sfs org show): its members with roles, policy and creation; the pending
 * invitations only for its owner and admins. Not a member: requireMember's FORBIDDEN, whether it exists or not.
 */
export async function showOrg(db: Db, who: Authed, space: string) {
  const s = await requireMember(db, who.id, space);
  const info = await db.selectFrom('spaces').select(['created_at']).where('id', '=', s.id).executeTakeFirstOrThrow();
  const members = await listMembers(db, who, s.id);
  const manages = s.role === 'owner' || s.role === 'admin';
  const invitations = manages
    ? await db
        .selectFrom('invitations')
        .innerJoin('accounts as invitee', 'invitee.id', 'invitations.invitee')
        .innerJoin('accounts as inviter', 'inviter.id', 'invitations.invited_by')
        .select([
          'invitations.id',
          'invitee.username as username',
          'invitations.role',
          'inviter.username as invited_by',
          'invitations.created_at',
          'invitations.expires_at',
        ])
        .where('invitations.space_id', '=', s.id)
        .where('invitations.state', '=', 'pending')
        .where('invitations.expires_at', '>', new Date())
        .orderBy('invitations.created_at')
        .execute()
    : null;
  return { id: s.id, name: s.name, kind: s.kind, role: s.role, dlp_policy: s.dlp_policy, created_at: info.created_at, members, invitations };
}
