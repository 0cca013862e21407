import type { ProtocolErrorCode, HttpOnlyErrorCode, RelayErrorCode } from '../engine/index.js';

/** The relay's codes are defined beside the client's mapping of them (engine/replication/relay-codes.ts, docs/design.md §12). */
export type { HttpOnlyErrorCode, RelayErrorCode };

/** The HTTP status of every relay code. */
export const RELAY_STATUS: Readonly<Record<RelayErrorCode, number>> = {
  AUTH: 401,
  VERSION: 400,
  FORBIDDEN: 403,
  GAP: 409,
  STALE: 409,
  INVALID: 400,
  TOO_LARGE: 413,
  RATE_LIMIT: 429,
  QUOTA: 507,
  PROTOCOL: 400,
  INTERNAL: 500,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOCKED: 429,
  GONE: 410,
  HANDOFF_EXPIRED: 410,
  HANDOFF_CANCELLED: 410,
  UNSUPPORTED: 501,
};

/** An error the relay reports to a client: HTTP status from the code, same codes over WebSocket. */
export class RelayError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get status(): number {
    return RELAY_STATUS[this.code];
  }
}

const HTTP_ONLY = new Set<RelayErrorCode>(['NOT_FOUND', 'CONFLICT', 'HANDOFF_EXPIRED', 'HANDOFF_CANCELLED', 'UNSUPPORTED']);

/** The code a relay error has on the sync socket (see HttpOnlyErrorCode). */
export function protocolCode(code: RelayErrorCode): ProtocolErrorCode {
  return HTTP_ONLY.has(code) ? 'INVALID' : (code as ProtocolErrorCode);
}
