import type { ErrorCode } from '../errors.js';
import type { ProtocolErrorCode } from './protocol.js';

/**
 * Codes only the relay's HTTP API answers with; over the sync socket they are reported as INVALID.
 * LOCKED: too many failed logins, the account waits. GONE: an invitation expired or was cancelled.
 */
export type HttpOnlyErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'LOCKED' | 'GONE' | 'HANDOFF_EXPIRED' | 'HANDOFF_CANCELLED' | 'UNSUPPORTED';
/** Every code the relay puts in `{error: {code}}` (HTTP) or an error frame (sync socket). */
export type RelayErrorCode = ProtocolErrorCode | HttpOnlyErrorCode;

/**
 * The one mapping from a relay code to the code (and so the exit code) a client reports; the HTTP API
 * (engine/replication/api.ts) and the sync socket (SyncClosed) both use it. Documented in docs/design.md §12.
 */
export const RELAY_TO_CLIENT: Readonly<Record<RelayErrorCode, ErrorCode>> = {
  AUTH: 'AUTH', // no token, a revoked one, a wrong password
  FORBIDDEN: 'AUTH', // no access to that space, session or origin
  VERSION: 'INVALID_INPUT', // no protocol version in common
  PROTOCOL: 'INVALID_INPUT', // a frame out of order
  INVALID: 'INVALID_INPUT', // a value failed validation
  TOO_LARGE: 'INVALID_INPUT', // a body or frame over the limit
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  GAP: 'CONFLICT', // a push that does not follow the relay's frontier (the client resumes)
  STALE: 'CONFLICT', // a push made against an older view of the spaces (the client resumes)
  GONE: 'CONFLICT', // an invitation no longer open
  HANDOFF_EXPIRED: 'NOT_FOUND', // nothing left to accept
  HANDOFF_CANCELLED: 'NOT_FOUND',
  UNSUPPORTED: 'USAGE', // the dashboard asked the relay for what only a local store does (resume, fork, doctor…)
  RATE_LIMIT: 'IO', // try again later (retry-after)
  LOCKED: 'IO', // too many failed logins: the account waits
  QUOTA: 'IO', // the account's storage on the relay is full
  INTERNAL: 'IO', // the relay failed; nothing wrong on this side
};

/** A code from the wire: known relay codes map by the table; anything else by the HTTP status, if there is one. */
export function clientCodeOf(relayCode: string | undefined, status?: number): ErrorCode {
  if (relayCode && Object.hasOwn(RELAY_TO_CLIENT, relayCode)) return RELAY_TO_CLIENT[relayCode as RelayErrorCode];
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 400 || status === 413) return 'INVALID_INPUT';
  return 'IO';
}
