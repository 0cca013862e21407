import { unpack } from 'msgpackr';
import { SfsError } from '../errors.js';
import type { FetchedSession } from './attribute.js';

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
      throw new SfsError('IO', `cannot reach the relay at ${this.base}: ${(err as Error).message}`, undefined, { cause: err });
    }
    if (res.headers.get('content-type')?.includes('msgpack')) return unpack(Buffer.from(await res.arrayBuffer())) as T;
    const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!res.ok) throw relayError(res.status, data.error?.code, data.error?.message ?? res.statusText, this.base);
    return data as T;
  }

  sessionEvents(session: string, space?: string): Promise<FetchedSession> {
    return this.call('GET', `/v1/sessions/${encodeURIComponent(session)}/events${space ? `?space=${encodeURIComponent(space)}` : ''}`);
  }
}

export function relayError(status: number, code: string | undefined, message: string, relay: string): SfsError {
  const text = `relay ${relay}: ${message}`;
  if (status === 401) return new SfsError('AUTH', `${text} (sign in again: sfs auth login)`, { relay_code: code });
  if (status === 403) return new SfsError('AUTH', text, { relay_code: code });
  if (status === 404) return new SfsError('NOT_FOUND', text, { relay_code: code });
  // Gone: a handoff that expired or was cancelled (NOT_FOUND), or an invitation no longer open (CONFLICT); relay_code says which.
  if (status === 410) return new SfsError(code === 'GONE' ? 'CONFLICT' : 'NOT_FOUND', text, { relay_code: code });
  if (status === 409) return new SfsError('CONFLICT', text, { relay_code: code });
  if (status === 400 || status === 413) return new SfsError('INVALID_INPUT', text, { relay_code: code });
  return new SfsError('IO', text, { relay_code: code, status });
}
