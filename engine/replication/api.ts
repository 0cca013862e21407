import { createRequire } from 'node:module';
import type * as Msgpackr from 'msgpackr';
import { SfsError } from '../errors.js';
import type { FetchedSession } from './attribute.js';
import { clientCodeOf } from './relay-codes.js';

/** The relay's HTTP control API (accounts, tokens, teams, shares, handoffs). */
export class RelayApi {
  constructor(
    readonly base: string,
    private readonly token?: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base.replace(/\/$/, '') + path, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new SfsError('IO', unreachable(this.base, err), undefined, { cause: err });
    }
    if (res.headers.get('content-type')?.includes('msgpack'))
      return (createRequire(import.meta.url)('msgpackr') as typeof Msgpackr).unpack(Buffer.from(await res.arrayBuffer())) as T;
    const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!res.ok) throw relayError(res.status, data.error?.code, data.error?.message ?? res.statusText, this.base);
    return data as T;
  }

  sessionEvents(session: string, space?: string): Promise<FetchedSession> {
    return this.call('GET', `/v1/sessions/${encodeURIComponent(session)}/events${space ? `?space=${encodeURIComponent(space)}` : ''}`);
  }
}

/** TLS verification failures: the relay's certificate is not one Node trusts. */
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why the relay could not be reached, in one line: fetch's own "fetch failed" says nothing, its cause does. */
export function unreachable(relay: string, err: unknown): string {
  let e = err as (Error & { code?: string; cause?: unknown }) | undefined;
  while (e?.cause instanceof Error && (e.message === 'fetch failed' || !e.code)) e = e.cause as Error & { code?: string; cause?: unknown };
  const why = e?.message ?? String(err);
  const hint = e?.code && CERT_CODES.has(e.code) ? ' (a self-signed or private CA: trust it with NODE_EXTRA_CA_CERTS=/path/to/ca.pem)' : '';
  return `cannot reach the relay at ${relay}: ${why}${hint}`;
}

/** A relay's refusal as the client reports it: the code through the one mapping (relay-codes.ts), the relay's own code kept as relay_code. */
export function relayError(status: number, code: string | undefined, message: string, relay: string): SfsError {
  const text = `relay ${relay}: ${message}`;
  const mapped = clientCodeOf(code, status);
  if (status === 401) return new SfsError(mapped, `${text} (sign in again: sfs auth login)`, { relay_code: code });
  return new SfsError(mapped, text, mapped === 'IO' ? { relay_code: code, status } : { relay_code: code });
}
