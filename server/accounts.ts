import { sql, type Kysely } from 'kysely';
import { REVOKE_CHANNEL } from './db/open.js';
import type { RelayDb } from './db/schema.js';
import { hashPassword, hashToken, newId, newToken, verifyPassword } from './credentials.js';
import { RelayError } from './errors.js';
import { audit } from './audit.js';
import type { DlpPolicy, SpaceInfo } from '../engine/index.js';

type Db = Kysely<RelayDb>;
export interface Account {
  id: string;
  username: string;
}
export interface Authed extends Account {
  /** The API token's id; for a dashboard cookie, the web session's id (wss_…). */
  tokenId: string;
  /** How the request proved it: a bearer token (CLI) or the dashboard's cookie (changes then need its CSRF token). */
  via?: 'token' | 'cookie';
}

const USERNAME = /^[a-z0-9][a-z0-9_.-]{1,38}$/;
const TEAM_NAME = /^[a-z0-9][a-z0-9_.-]{1,38}$/;

export function personalSpaceName(username: string): string {
  return `~${username}`;
}

/** A plain address (local@domain, no spaces, no angle brackets or commas): enough to refuse header tricks. */
const EMAIL = /^[^\s@<>,;"()\\]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$/i;
export function checkEmail(email: string): string {
  const e = String(email).trim();
  if (e.length > 254 || !EMAIL.test(e)) throw new RelayError('INVALID', `${e.slice(0, 80)} is not an e-mail address (name@example.com)`);
  return e;
}

/** Creates the account and its personal space; returns a first token. */
export async function signup(
  db: Db,
  username: string,
  password: string,
  tokenName: string,
  email?: string | null,
): Promise<{ account: Account; token: string }> {
  if (!USERNAME.test(username)) throw new RelayError('INVALID', 'username must be 2–39 characters of a-z, 0-9, _ . - (lower case)');
  if (typeof password !== 'string' || password.length < 8) throw new RelayError('INVALID', 'password must have at least 8 characters');
  const address = email ? checkEmail(email) : null;
  const hash = await hashPassword(password);
  return db.transaction().execute(async (tx) => {
    const taken = await tx.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst();
    if (taken) throw new RelayError('CONFLICT', `username ${username} is taken`);
    const account = { id: newId('acc_'), username };
    await tx
      .insertInto('accounts')
      .values({ ...account, password_hash: hash, email: address })
      .execute();
    const space = newId('spc_');
    await tx
      .insertInto('spaces')
      .values({ id: space, name: personalSpaceName(username), kind: 'personal', dlp_policy: 'redact' })
      .execute();
    await tx.insertInto('members').values({ space_id: space, account_id: account.id, role: 'owner' }).execute();
    const token = await createTokenIn(tx, account, tokenName, 'signup');
    return { account, token: token.token };
  });
}

/** Repeated wrong passwords lock an account: after `failures` of them, for `lockMs`. */
export interface LoginLockout {
  failures: number;
  lockMs: number;
}
export const DEFAULT_LOCKOUT: LoginLockout = { failures: 10, lockMs: 15 * 60_000 };

/**
 * A token for the right password. While an account is locked every attempt is refused with
 * LOCKED before the password is checked, so the answer never tells whether it was right.
 */
export async function login(
  db: Db,
  username: string,
  password: string,
  tokenName: string,
  lockout: LoginLockout = DEFAULT_LOCKOUT,
): Promise<{ account: Account; token: string }> {
  const account = await checkPassword(db, username, password, lockout);
  const token = await db.transaction().execute((tx) => createTokenIn(tx, account, tokenName, 'login'));
  return { account, token: token.token };
}

/**
 * The account for the right password, counting wrong ones towards the lockout: what every sign-in
 * (API token, dashboard cookie) goes through, so they share one failure count and one lock.
 */
export async function checkPassword(db: Db, username: string, password: string, lockout: LoginLockout = DEFAULT_LOCKOUT): Promise<Account> {
  const row = await db.selectFrom('accounts').selectAll().where('username', '=', String(username)).executeTakeFirst();
  if (row?.locked_until && row.locked_until.getTime() > Date.now()) throw lockedError(row.locked_until);
  // Same answer for unknown user and wrong password.
  if (!row || !(await verifyPassword(String(password), row.password_hash))) {
    if (row) await countFailure(db, row.id, lockout);
    throw new RelayError('AUTH', 'wrong username or password');
  }
  if (row.failed_logins) await db.updateTable('accounts').set({ failed_logins: 0 }).where('id', '=', row.id).execute();
  return { id: row.id, username: row.username };
}

function lockedError(until: Date): RelayError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new RelayError('LOCKED', `account locked after repeated failed logins; try again after ${until.toISOString()}`, { retry_after: seconds });
}

/** One more wrong password; the one that reaches the limit locks the account and starts the count again. */
async function countFailure(db: Db, accountId: string, lockout: LoginLockout): Promise<void> {
  const r = await db
    .updateTable('accounts')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', accountId)
    .returning('failed_logins')
    .executeTakeFirst();
  if (r && r.failed_logins >= lockout.failures) {
    await db
      .updateTable('accounts')
      .set({ failed_logins: 0, locked_until: new Date(Date.now() + lockout.lockMs) })
      .where('id', '=', accountId)
      .execute();
  }
}

/** A new token, recorded in the audit log (`via`: signup, login or api); call it inside a transaction. */
async function createTokenIn(tx: Db, account: Account, name: string, via: 'signup' | 'login' | 'api'): Promise<{ id: string; token: string }> {
  const token = newToken();
  const id = newId('tok_');
  const tokenName = String(name).slice(0, 100) || 'token';
  await tx
    .insertInto('tokens')
    .values({ id, account_id: account.id, token_hash: hashToken(token), name: tokenName, last_used_at: null, revoked_at: null })
    .execute();
  await audit(tx, { actor: account, action: 'token.create', target: id, details: { name: tokenName, via } });
  return { id, token };
}

export async function createToken(db: Db, who: Authed, name: string): Promise<{ id: string; token: string }> {
  return db.transaction().execute((tx) => createTokenIn(tx, who, name, 'api'));
}

/** The account's tokens; `current` marks the one this request came with. */
export async function listTokens(db: Db, who: Authed) {
  const rows = await db
    .selectFrom('tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('account_id', '=', who.id)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ ...r, current: r.id === who.tokenId }));
}

/**
 * Revokes a token and, in the same transaction, NOTIFYs every relay process sharing the
 * database, which closes the sockets still open with it (see Hub.revoked).
 */
export async function revokeToken(db: Db, who: Authed, id: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (!(await revokeTokenIn(tx, who, id))) throw new RelayError('NOT_FOUND', `no active token ${id} on this account`);
    await audit(tx, { actor: who, action: 'token.revoke', target: String(id) });
  });
}

/** Revokes one of the account's active tokens inside `tx` and announces it; false when there was none. */
async function revokeTokenIn(tx: Db, who: Authed, id: string): Promise<boolean> {
  const r = await tx
    .updateTable('tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', String(id))
    .where('account_id', '=', who.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!r.numUpdatedRows) return false;
  await sql`select pg_notify(${REVOKE_CHANNEL}, ${String(id)})`.execute(tx);
  return true;
}

/** Of these token ids, those revoked by now. */
export async function revokedAmong(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return (await db.selectFrom('tokens').select('id').where('id', 'in', ids).where('revoked_at', 'is not', null).execute()).map((r) => r.id);
}

/** The account behind a bearer token, or AUTH. */
export async function authenticate(db: Db, token: string | undefined): Promise<Authed> {
  if (!token) throw new RelayError('AUTH', 'missing API token');
  const row = await db
    .selectFrom('tokens')
    .innerJoin('accounts', 'accounts.id', 'tokens.account_id')
    .select(['tokens.id as tokenId', 'accounts.id as id', 'accounts.username as username', 'tokens.revoked_at as revoked'])
    .where('tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked) throw new RelayError('AUTH', 'invalid or revoked API token');
  return { id: row.id, username: row.username, tokenId: row.tokenId, via: 'token' };
}

/** Binds an origin to the account on first sight; an origin bound to another account is refused. */
export async function bindDevice(db: Db, who: Authed, origin: string, name: string | undefined): Promise<void> {
  if (!/^[a-z0-9_-]{4,64}$/i.test(origin)) throw new RelayError('INVALID', 'bad origin id');
  await db
    .insertInto('devices')
    .values({ origin, account_id: who.id, name: name ?? null, last_seen_at: new Date(), token_id: who.tokenId })
    .onConflict((oc) => oc.column('origin').doNothing())
    .execute();
  const row = await db.selectFrom('devices').select('account_id').where('origin', '=', origin).executeTakeFirstOrThrow();
  if (row.account_id !== who.id) throw new RelayError('FORBIDDEN', `origin ${origin} belongs to another account`);
  await db
    .updateTable('devices')
    .set({ last_seen_at: new Date(), name: name ?? null, token_id: who.tokenId })
    .where('origin', '=', origin)
    .execute();
}

/**
 * The account's devices (origins that synced): `name` is the one its account gave it, else the host name it
 * reports; `token` the token it last synced with, `active` whether that token still works; `current` marks
 * the device of the asking client when it says which it is (`origin`).
 */
export async function listDevices(db: Db, who: Authed, currentOrigin?: string) {
  const rows = await db
    .selectFrom('devices')
    .leftJoin('tokens', 'tokens.id', 'devices.token_id')
    .select([
      'devices.origin',
      'devices.name as reported_name',
      'devices.label',
      'devices.created_at',
      'devices.last_seen_at',
      'devices.token_id as token',
      'tokens.name as token_name',
      'tokens.revoked_at',
    ])
    .where('devices.account_id', '=', who.id)
    .orderBy('devices.created_at')
    .execute();
  return rows.map(({ label, revoked_at, ...r }) => ({
    ...r,
    name: label ?? r.reported_name,
    active: !!r.token && !revoked_at,
    current: r.origin === currentOrigin || (!currentOrigin && r.token === who.tokenId),
  }));
}

/** One of the account's devices, by origin id or by its name (given or reported); several of that name are ambiguous. */
async function deviceOf(db: Db, who: Authed, ref: string) {
  const rows = await db
    .selectFrom('devices')
    .select(['origin', 'name', 'label', 'token_id'])
    .where('account_id', '=', who.id)
    .where((eb) => eb.or([eb('origin', '=', String(ref)), eb('label', '=', String(ref)), eb.and([eb('label', 'is', null), eb('name', '=', String(ref))])]))
    .execute();
  const byOrigin = rows.find((r) => r.origin === ref);
  if (byOrigin) return byOrigin;
  if (!rows.length) throw new RelayError('NOT_FOUND', `no device ${ref} on this account (see: sfs device list)`);
  if (rows.length > 1) throw new RelayError('CONFLICT', `${rows.length} devices are named ${ref}; name one by its id: ${rows.map((r) => r.origin).join(', ')}`);
  return rows[0]!;
}

const DEVICE_NAME = /^[^\u0000-\u001f\u007f]{1,64}$/u;

/** Gives one of the account's devices a name; its hello no longer renames it. */
export async function renameDevice(db: Db, who: Authed, ref: string, name: string): Promise<{ origin: string; name: string; previous: string | null }> {
  const label = String(name).trim();
  if (!DEVICE_NAME.test(label)) throw new RelayError('INVALID', 'a device name is 1–64 characters, no control characters');
  return db.transaction().execute(async (tx) => {
    const d = await deviceOf(tx, who, ref);
    await tx.updateTable('devices').set({ label }).where('origin', '=', d.origin).where('account_id', '=', who.id).execute();
    await audit(tx, { actor: who, action: 'device.rename', target: d.origin, details: { name: label, previous: d.label ?? d.name } });
    return { origin: d.origin, name: label, previous: d.label ?? d.name };
  });
}

/** Revokes the token a device last synced with: its open sync sockets close (Hub.revoked) and it must sign in again. */
export async function revokeDevice(db: Db, who: Authed, ref: string): Promise<{ origin: string; name: string | null; token: string | null; revoked: boolean }> {
  return db.transaction().execute(async (tx) => {
    const d = await deviceOf(tx, who, ref);
    const revoked = d.token_id ? await revokeTokenIn(tx, who, d.token_id) : false;
    if (!revoked) throw new RelayError('NOT_FOUND', `device ${ref} has no active token (already revoked, or it never synced)`);
    await audit(tx, { actor: who, action: 'device.revoke', target: d.origin, details: { token: d.token_id, name: d.label ?? d.name } });
    return { origin: d.origin, name: d.label ?? d.name, token: d.token_id, revoked };
  });
}

/** Sets (or with null clears) the address handoff notices go to. */
export async function setEmail(db: Db, who: Authed, email: string | null): Promise<{ email: string | null }> {
  const address = email === null || email === '' ? null : checkEmail(email);
  return db.transaction().execute(async (tx) => {
    await tx.updateTable('accounts').set({ email: address }).where('id', '=', who.id).execute();
    // The address itself stays out of the log: the log says that it changed.
    await audit(tx, { actor: who, action: 'account.email', details: { set: address !== null } });
    return { email: address };
  });
}

export async function emailOf(db: Db, accountId: string): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('email').where('id', '=', accountId).executeTakeFirst();
  return row?.email ?? null;
}

export async function spacesOf(db: Db, accountId: string): Promise<SpaceInfo[]> {
  const rows = await db
    .selectFrom('members')
    .innerJoin('spaces', 'spaces.id', 'members.space_id')
    .select(['spaces.id', 'spaces.name', 'spaces.kind', 'members.role', 'spaces.dlp_policy'])
    .where('members.account_id', '=', accountId)
    .orderBy('spaces.name')
    .execute();
  return rows as SpaceInfo[];
}

/** Space ids have this shape, and no space name may (createTeam): an argument of this shape is an id. */
const SPACE_ID = /^spc_/;
export function isSpaceId(space: string): boolean {
  return SPACE_ID.test(space);
}

/**
 * The caller's role in a space, or FORBIDDEN — the same answer whether the space exists or not.
 * The space is looked up by id when the argument is shaped like one, else by name: never either,
 * so no name can stand for another space.
 */
export async function requireMember(db: Db, accountId: string, space: string, roles?: Array<'owner' | 'admin' | 'member'>): Promise<SpaceInfo> {
  const key = String(space);
  const row = await db
    .selectFrom('members')
    .innerJoin('spaces', 'spaces.id', 'members.space_id')
    .select(['spaces.id', 'spaces.name', 'spaces.kind', 'members.role', 'spaces.dlp_policy'])
    .where('members.account_id', '=', accountId)
    .where(isSpaceId(key) ? 'spaces.id' : 'spaces.name', '=', key)
    .executeTakeFirst();
  if (!row || (roles && !roles.includes(row.role))) throw new RelayError('FORBIDDEN', `no access to space ${key}`);
  return row as SpaceInfo;
}

export async function personalSpace(db: Db, who: Account): Promise<string> {
  const row = await db.selectFrom('spaces').select('id').where('name', '=', personalSpaceName(who.username)).executeTakeFirstOrThrow();
  return row.id;
}

export async function createTeam(db: Db, who: Authed, name: string): Promise<SpaceInfo> {
  if (!TEAM_NAME.test(String(name))) throw new RelayError('INVALID', 'team name must be 2–39 characters of a-z, 0-9, _ . -');
  if (isSpaceId(name)) throw new RelayError('INVALID', `team name ${name} is shaped like a space id (spc_…); choose another`);
  return db.transaction().execute(async (tx) => {
    if (await tx.selectFrom('spaces').select('id').where('name', '=', name).executeTakeFirst()) throw new RelayError('CONFLICT', `space ${name} exists`);
    const id = newId('spc_');
    await tx.insertInto('spaces').values({ id, name, kind: 'team', dlp_policy: 'redact' }).execute();
    await tx.insertInto('members').values({ space_id: id, account_id: who.id, role: 'owner' }).execute();
    await audit(tx, { actor: who, action: 'space.create', space: id, target: name });
    return { id, name, kind: 'team', role: 'owner', dlp_policy: 'redact' };
  });
}

export async function setPolicy(db: Db, who: Authed, space: string, policy: DlpPolicy): Promise<void> {
  const s = await requireMember(db, who.id, space, ['owner', 'admin']);
  if (!['warn', 'redact', 'block'].includes(policy)) throw new RelayError('INVALID', 'policy must be warn, redact or block');
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('spaces').set({ dlp_policy: policy }).where('id', '=', s.id).execute();
    await audit(tx, { actor: who, action: 'space.policy', space: s.id, target: s.name, details: { policy, previous: s.dlp_policy } });
  });
}
