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

/** The shapes the pages read (a subset of the schemas in schemas/api/v1/). */
export interface SessionSummary {
  id: string;
  alias: string | null;
  title: string;
  tool: string | null;
  cwd: string | null;
  git_branch: string | null;
  model: string | null;
  created_at: string | null;
  updated_at: string | null;
  message_count: number;
  tool_use_count: number;
  tags: string[];
  deleted: boolean;
  parent_session_id: string | null;
  fork_from: string | null;
  resumed_from: string | null;
}

export interface Tokens {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

export interface SessionDetail extends SessionSummary {
  tool_version: string | null;
  /** Pull requests the tool linked the session to. */
  pull_requests: Array<{ url: string; number: number | null; repository: string | null }>;
  lineage: string[];
  children: { forks: string[]; subagents: string[] };
  resumed_into: Array<{ id: string; tool: string | null }>;
  checkpoints: Array<{ name: string; at_msg: string | null; created_at: string | null }>;
  usage: Tokens;
  cost_usd: number | null;
  duration_ms: number | null;
}

export interface Block {
  type: string;
  text?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | Block[];
  is_error?: boolean;
  source?: { type: string; media_type?: string; data?: string; url?: string; path?: string };
}

export interface Item {
  index: number;
  branch: number;
  inherited_from: string | null;
  message: { msg_id: string; role: string; content: Block[]; timestamp?: string | null; model?: string | null; agent_id?: string | null };
}

export interface Window {
  total: number;
  offset: number;
  items: Item[];
}

export interface Hit {
  kind: 'message' | 'session';
  session_id: string;
  msg_id: string | null;
  role: string | null;
  timestamp: string | null;
  title: string;
  tool: string | null;
  snippet: string;
  highlights: Array<[number, number]>;
  message_index: number | null;
}
