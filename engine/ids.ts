import * as cryptoModule from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';

/** Session ids follow `^ses_[a-z0-9]{8,40}$` so .sfs files stay interchangeable. */
export const SESSION_ID_RE = /^ses_[a-z0-9]{8,40}$/;

/** Deterministic id for a captured session: the same native session gives the same id on every machine. */
export function capturedSessionId(tool: string, nativeId: string): string {
  return 'ses_' + createHash('sha256').update(`${tool}\0${nativeId}`).digest('hex').slice(0, 24);
}

/**
 * The id under which another account's events of session `session` are shown when they may not
 * enter the user's own view of it (DESIGN §13): deterministic, so every replica and every rebuild
 * agrees, and never equal to a captured id of the same session.
 */
export function foreignViewId(session: string, account: string): string {
  return 'ses_' + createHash('sha256').update(`view\0${session}\0${account}`).digest('hex').slice(0, 24);
}

/** Random id for sessions SessionFS creates itself (forks). */
export function randomSessionId(): string {
  return 'ses_' + randomBytes(12).toString('hex');
}

/** Origin ids name a local store; replicated events keep the origin they were born with. */
export function randomOriginId(): string {
  return 'org_' + randomBytes(8).toString('hex');
}

export function randomRequestId(): string {
  return randomBytes(12).toString('hex');
}

/** Stable short hash used for content fingerprints (message revisions, file heads). */
export function contentHash(data: string | Uint8Array): string {
  return sha256Hex(data).slice(0, 32);
}

/** Hex digest for hot paths (per message or per line). */
export function digestHex(alg: 'sha1' | 'sha256', data: string | Uint8Array): string {
  // crypto.hash (Node ≥ 20.12) is a one-shot digest without a Hash object per call. Looked up
  // here, not when this module loads: the CLI's bundle loads node:crypto on first use.
  const oneShot = (cryptoModule as { hash?: (alg: string, data: string | Uint8Array, enc: 'hex') => string }).hash;
  return oneShot ? oneShot(alg, data, 'hex') : createHash(alg).update(data).digest('hex');
}

function sha256Hex(data: string | Uint8Array): string {
  return digestHex('sha256', data);
}
