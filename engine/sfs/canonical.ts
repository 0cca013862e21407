/**
 * Deterministic JSON for `.sfs` output: known fields of each known object in the
 * order of SessionFS 0.1.0 (as in its examples), any other fields after them sorted
 * by name, and free-form values (tool inputs, metadata, environment) with keys sorted
 * at every depth. The same data always gives the same bytes, however it was built.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const MANIFEST = [
  'sfs_version',
  'session_id',
  'title',
  'tags',
  'created_at',
  'updated_at',
  'source',
  'model',
  'ownership',
  'stats',
  'sync',
  'parent_session_id',
  'checkpoint_count',
  'sub_agents',
  'metadata',
];
const SOURCE = ['tool', 'tool_version', 'sfs_converter_version', 'original_session_id', 'original_path', 'interface'];
const MODEL = ['provider', 'model_id', 'reasoning_effort'];
const STATS = ['message_count', 'turn_count', 'tool_use_count', 'total_input_tokens', 'total_output_tokens', 'estimated_cost_usd', 'duration_ms'];
const SUB_AGENT = ['agent_id', 'model', 'message_count'];
const WORKSPACE = ['root_path', 'git', 'files', 'environment'];
const GIT = ['remote_url', 'branch', 'commit_sha', 'commit_message', 'dirty', 'diff_path'];
const WS_FILE = ['path', 'sha256', 'size_bytes', 'role'];
const TOOLS = ['shell', 'tools_used', 'mcp_servers'];
const MESSAGE = ['msg_id', 'parent_msg_id', 'role', 'content', 'timestamp', 'turn_id', 'is_sidechain', 'agent_id', 'model', 'provider', 'stop_reason', 'usage'];
const USAGE = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'];
const BLOCK = ['type', 'text', 'signature', 'redacted', 'tool_use_id', 'name', 'input', 'content', 'is_error', 'source'];
const IMAGE_SOURCE = ['type', 'media_type', 'data', 'url', 'path'];

/** Keys sorted at every depth. */
export function sortDeep(v: unknown): Json {
  if (v === null || typeof v !== 'object') return v as Json;
  if (Array.isArray(v)) return v.map(sortDeep);
  const out: { [k: string]: Json } = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortDeep(x);
  }
  return out;
}

type Nested = Record<string, (v: unknown) => Json>;

function ordered(v: unknown, order: string[], nested: Nested = {}): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return sortDeep(v);
  const obj = v as Record<string, unknown>;
  const out: { [k: string]: Json } = {};
  const put = (k: string): void => {
    const x = obj[k];
    if (x === undefined) return;
    const f = nested[k];
    out[k] = f ? f(x) : sortDeep(x);
  };
  for (const k of order) if (Object.hasOwn(obj, k)) put(k);
  for (const k of Object.keys(obj).sort()) if (!order.includes(k)) put(k);
  return out;
}

const each =
  (f: (v: unknown) => Json) =>
  (v: unknown): Json =>
    Array.isArray(v) ? v.map(f) : sortDeep(v);

function block(v: unknown): Json {
  return ordered(v, BLOCK, {
    content: (c) => (Array.isArray(c) ? c.map(block) : sortDeep(c)),
    source: (s) => ordered(s, IMAGE_SOURCE),
  });
}

export function canonicalManifest(v: unknown): Json {
  return ordered(v, MANIFEST, {
    source: (x) => ordered(x, SOURCE),
    model: (x) => ordered(x, MODEL),
    stats: (x) => ordered(x, STATS),
    sub_agents: each((x) => ordered(x, SUB_AGENT)),
  });
}

export function canonicalWorkspace(v: unknown): Json {
  return ordered(v, WORKSPACE, { git: (x) => ordered(x, GIT), files: each((x) => ordered(x, WS_FILE)) });
}

export function canonicalTools(v: unknown): Json {
  return ordered(v, TOOLS);
}

export function canonicalMessage(v: unknown): Json {
  return ordered(v, MESSAGE, { content: each(block), usage: (x) => ordered(x, USAGE) });
}
