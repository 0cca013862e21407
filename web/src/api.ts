import type { OrderedMessage, SearchHit, SessionDetail, SessionSummary as EngineSessionSummary } from '../../engine/queries/views.js';
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

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let env: { data?: T; error?: { code: string; message: string } } | null = null;
  try {
    env = JSON.parse(text);
  } catch {
    throw new ApiError('HTTP', text.trim() || `HTTP ${res.status}`, res.status);
  }
  if (!res.ok || env?.error) throw new ApiError(env?.error?.code ?? 'HTTP', env?.error?.message ?? `HTTP ${res.status}`, res.status);
  return env!.data as T;
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

/**
 * The shapes the pages read: the engine's read models (engine/queries/views.ts), imported as
 * types only (nothing of the engine ships), plus what the API adds to them (server/dashboard/source.ts).
 */

export type { SessionDetail, UnknownBlock };
/** A row of the list: the summary, its ticket keys and how many forks, resumes and sub-agents hang under it. */
export type SessionSummary = EngineSessionSummary & { tickets: string[]; children: number };
export type Block = ContentBlock;
export type Item = OrderedMessage & { index: number };

export interface Window {
  total: number;
  offset: number;
  items: Item[];
}

export type Hit = SearchHit & { highlights: Array<[number, number]>; message_index: number | null };

export interface ResumeLaunch {
  session: string;
  command: string;
  launched: boolean;
  terminal: string | null;
}
