import type { OrderedMessage, SearchHit, SessionDetail as EngineSessionDetail, SessionSummary as EngineSessionSummary } from '../../engine/queries/views.js';
import type { ContentBlock, UnknownBlock } from '../../engine/model/message.js';

/** The JSON API the application talks to: `/api/v1/…`, answers in the CLI's `--json` envelope. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The relay session's CSRF token: every change made with its cookie sends it (the local server needs none). */
let csrf: string | null = null;
export function setCsrf(token: string | null): void {
  csrf = token;
}

/** What to do when the host stops knowing us (the relay's session expired or was signed out elsewhere). */
let authLost: (() => void) | null = null;
export function onAuthLost(f: (() => void) | null): void {
  authLost = f;
}

async function call<T>(method: string, path: string, body?: unknown, base = '/api/v1'): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (csrf && method !== 'GET') headers['x-sfs-csrf'] = csrf;
  const res = await fetch(`${base}${path}`, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && authLost) authLost();
  const text = await res.text();
  let env: { data?: T; error?: { code: string; message: string } } | null = null;
  try {
    env = JSON.parse(text);
  } catch {
    throw new ApiError('HTTP', text.trim() || `HTTP ${res.status}`, res.status);
  }
  if (!res.ok || env?.error) throw new ApiError(env?.error?.code ?? 'HTTP', env?.error?.message ?? `HTTP ${res.status}`, res.status);
  // The relay's own routes (/v1/…) answer plain JSON; the dashboard API, the envelope.
  return (base === '/api/v1' ? env!.data : env) as T;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),
};

/** The relay's own routes (`/v1/…`: sign-in, teams, tokens), with the session cookie and its CSRF token. */
export const relayApi = {
  get: <T>(path: string) => call<T>('GET', path, undefined, '/v1'),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body, '/v1'),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body, '/v1'),
  del: <T>(path: string) => call<T>('DELETE', path, undefined, '/v1'),
};

/**
 * The shapes the pages read: the engine's read models (engine/queries/views.ts), imported as
 * types only (nothing of the engine ships), plus what the API adds to them (server/dashboard/source.ts).
 */
/** Where a row lives on the relay: who pushed it into its space, from which device, and that space. */
export interface RelayPlace {
  pushed_by?: { username: string | null; device: string | null } | null;
  space?: string;
}

export type { UnknownBlock };
export type SessionDetail = EngineSessionDetail & RelayPlace;
/** A row of the list: the summary, its ticket keys and how many forks, resumes and sub-agents hang under it. */
export type SessionSummary = EngineSessionSummary & RelayPlace & { tickets: string[]; children: number };
export type Block = ContentBlock;
export type Item = OrderedMessage & { index: number };

export interface Window {
  total: number;
  offset: number;
  items: Item[];
}

export type Hit = SearchHit & { highlights: Array<[number, number]>; message_index: number | null; space?: string };

export interface ResumeLaunch {
  session: string;
  command: string;
  launched: boolean;
  terminal: string | null;
}
