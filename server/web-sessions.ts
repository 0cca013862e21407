import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { hashToken, newId } from './credentials.js';
import { RelayError } from './errors.js';
import type { Account, Authed } from './accounts.js';

/**
 * Browser sign-in for the dashboard the relay serves. Signing in gives a cookie holding a random
 * secret (the table keeps only its SHA-256), valid until its expiry or sign-out. A request the
 * cookie authenticates may change something only with the session's CSRF token in a header
 * (CSRF_HEADER) and an Origin naming the relay itself (see sameOrigin): the cookie is SameSite=Strict
 * too, but a change needs all three.
 */
type Db = Kysely<RelayDb>;

export const DEFAULT_WEB_SESSION_TTL_MS = 12 * 3600_000;
/** The header a cookie-authenticated change carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-sfs-csrf';

/** `__Host-` (Secure, Path=/, no Domain: no other host or plain-HTTP page can set it) when the relay serves TLS. */
export function cookieName(tls: boolean): string {
  return tls ? '__Host-sfs_session' : 'sfs_session';
}

export function sessionCookie(secret: string, expires: Date, tls: boolean): string {
  const maxAge = Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000));
  return `${cookieName(tls)}=${secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${tls ? '; Secure' : ''}`;
}

export function clearedCookie(tls: boolean): string {
  return `${cookieName(tls)}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${tls ? '; Secure' : ''}`;
}

/** The session's CSRF token: derived from its secret, so it needs no column and a database leak does not give it. */
export function csrfOf(secret: string): string {
  return createHash('sha256').update('sfs-csrf\0').update(secret).digest('base64url');
}

export function sameCsrf(given: string | undefined, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrfOf(secret));
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WebSession {
  id: string;
  account: Account;
  csrf: string;
  expires_at: Date;
}

/** Opens a session for an account whose password was just checked; returns the cookie's secret with it. */
export async function openWebSession(db: Db, account: Account, ttlMs = DEFAULT_WEB_SESSION_TTL_MS): Promise<WebSession & { secret: string }> {
  const secret = randomBytes(32).toString('base64url');
  const id = newId('wss_');
  const expires_at = new Date(Date.now() + ttlMs);
  await db
    .insertInto('web_sessions')
    .values({ id, secret_hash: hashToken(secret), account_id: account.id, expires_at, last_used_at: null })
    .execute();
  // Expired rows of this account go now: the table holds live sessions, not a history.
  await db.deleteFrom('web_sessions').where('account_id', '=', account.id).where('expires_at', '<=', new Date()).execute();
  return { id, account, csrf: csrfOf(secret), expires_at, secret };
}

/** The account behind a cookie's secret, or AUTH (unknown, signed out or expired). */
export async function authenticateCookie(db: Db, secret: string): Promise<Authed & { expires_at: Date }> {
  const row = await db
    .selectFrom('web_sessions')
    .innerJoin('accounts', 'accounts.id', 'web_sessions.account_id')
    .select(['web_sessions.id as sid', 'web_sessions.expires_at', 'web_sessions.last_used_at', 'accounts.id as id', 'accounts.username as username'])
    .where('web_sessions.secret_hash', '=', hashToken(secret))
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now()) throw new RelayError('AUTH', 'not signed in, or the session expired: sign in again');
  // When it was last used, to the minute: one write a minute per open browser, not one per request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)
    await db.updateTable('web_sessions').set({ last_used_at: new Date() }).where('id', '=', row.sid).execute();
  return { id: row.id, username: row.username, tokenId: row.sid, via: 'cookie', expires_at: row.expires_at };
}

/** Signs out: the cookie's session stops working on every relay process at once (they read the same table). */
export async function closeWebSession(db: Db, secret: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('secret_hash', '=', hashToken(secret)).execute();
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Whether a browser request comes from the relay's own pages: its Origin names the host the request
 * was sent to (the Host header), with https when the relay serves TLS. Browsers send Origin with
 * every POST, PUT and DELETE, so a change without one did not come from a page of ours.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined, tls: boolean): boolean {
  if (!origin || !host) return false;
  try {
    const o = new URL(origin);
    return o.protocol === (tls ? 'https:' : 'http:') && o.host.toLowerCase() === host.toLowerCase() && origin === o.origin;
  } catch {
    return false;
  }
}

export function refuseCsrf(): never {
  throw new RelayError('FORBIDDEN', `a change made with the dashboard's cookie needs its ${CSRF_HEADER} header and a same-origin request`);
}
