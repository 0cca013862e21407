import { type CapturedSession, type ContentBlock, type Message, type Usage } from '../../engine/adapter-kit.js';
import { isObj, numOrNull, strOrNull, titleText, type Raw } from '../shared/values.js';

/**
 * The transcript model both OpenCode stores share (the SQLite tables and the older JSON
 * files hold the same message and part objects): one message and its parts become
 * SessionFS messages, and a session's messages are chained into one captured session.
 */
export const iso = (ms: unknown): string | null => {
  const n = numOrNull(ms);
  return n !== null && n > 0 ? new Date(n).toISOString() : null;
};

/** The tools' own default titles (no title was generated): the first prompt says more. */
const DEFAULT_TITLE = /^(New session|Child session) - \d{4}-\d\d-\d\dT/;

function usageOf(tokens: unknown): Usage | null {
  if (!isObj(tokens)) return null;
  const cache = isObj(tokens.cache) ? tokens.cache : {};
  const u: Usage = {
    input_tokens: numOrNull(tokens.input) ?? 0,
    output_tokens: numOrNull(tokens.output) ?? 0,
    cache_read_tokens: numOrNull(cache.read) ?? 0,
    cache_write_tokens: numOrNull(cache.write) ?? 0,
  };
  const r = numOrNull(tokens.reasoning);
  if (r) u.reasoning_tokens = r;
  const sum = (u.input_tokens ?? 0) + (u.output_tokens ?? 0) + (u.cache_read_tokens ?? 0) + (u.cache_write_tokens ?? 0) + (u.reasoning_tokens ?? 0);
  for (const k of Object.keys(u) as (keyof Usage)[]) if (!Number.isInteger(u[k]) || (u[k] ?? 0) < 0) delete u[k];
  return sum > 0 ? u : null;
}

/** A `file` part: images become image blocks, anything else is kept by name. */
function fileBlock(d: Raw): ContentBlock {
  const mime = strOrNull(d.mime) ?? '';
  const url = strOrNull(d.url) ?? '';
  const m = /^data:([^;,]*);base64,(.*)$/s.exec(url);
  if (mime.startsWith('image/') && m) return { type: 'image', source: { type: 'base64', media_type: m[1] || mime, data: m[2] ?? '' } };
  const source = isObj(d.source) ? d.source : {};
  const out: ContentBlock = { type: 'file', mime, filename: strOrNull(d.filename) ?? null, path: strOrNull(source.path) ?? null };
  if (url && !url.startsWith('data:')) (out as Record<string, unknown>).url = url;
  return out;
}

/** Bookkeeping parts that carry nothing a transcript shows. */
const SKIPPED_PARTS = new Set(['step-start', 'step-finish', 'snapshot', 'patch']);

export interface Row {
  id: string;
  data: Raw;
}

/** One message and its parts → SessionFS messages (an assistant turn, then one tool message per finished call). */
function convert(msg: Row, parts: Row[], partPrefix: string): Message[] {
  const d = msg.data;
  const role = d.role === 'assistant' ? 'assistant' : 'user';
  const time = isObj(d.time) ? d.time : {};
  const timestamp = iso(time.created);
  const content: ContentBlock[] = [];
  const results: Message[] = [];
  const unfinished: string[] = [];
  const compaction = role === 'assistant' && (d.summary === true || d.mode === 'compaction' || d.agent === 'compaction');
  let typed = 0;
  let synthetic = 0;
  let boundary = false;
  for (const part of parts) {
    const p = part.data;
    const type = strOrNull(p.type) ?? '';
    if (SKIPPED_PARTS.has(type)) continue;
    if (type === 'text') {
      if (p.ignored === true) continue;
      const text = strOrNull(p.text) ?? '';
      content.push(compaction ? { type: 'summary', text } : { type: 'text', text });
      if (p.synthetic === true) synthetic++;
      else typed++;
    } else if (type === 'reasoning') {
      const meta = isObj(p.metadata) ? p.metadata : {};
      const provider = Object.values(meta).find((v) => isObj(v) && typeof v.signature === 'string') as Raw | undefined;
      content.push({ type: 'thinking', text: strOrNull(p.text) ?? '', signature: provider ? strOrNull(provider.signature) : null });
    } else if (type === 'tool') {
      const state = isObj(p.state) ? p.state : {};
      const callId = strOrNull(p.callID) ?? part.id;
      content.push({ type: 'tool_use', tool_use_id: callId, name: strOrNull(p.tool) ?? '', input: state.input ?? null });
      const status = strOrNull(state.status);
      const st = isObj(state.time) ? state.time : {};
      if (status === 'completed' || status === 'error') {
        const error = status === 'error';
        const out = error ? (strOrNull(state.error) ?? 'error') : (strOrNull(state.output) ?? (state.output == null ? '' : JSON.stringify(state.output)));
        results.push({
          msg_id: part.id,
          role: 'tool',
          content: [
            error ? { type: 'tool_result', tool_use_id: callId, content: out, is_error: true } : { type: 'tool_result', tool_use_id: callId, content: out },
          ],
          timestamp: iso(st.end) ?? timestamp,
        });
      } else unfinished.push(callId);
    } else if (type === 'file') {
      content.push(fileBlock(p));
      typed++;
    } else if (type === 'compaction') {
      boundary = true;
      content.push({ ...p, type: 'compaction' });
    } else if (type) content.push({ ...p, type: `${partPrefix}_${type}` });
    else content.push({ type: 'unknown', value: p });
  }
  const error = isObj(d.error) ? d.error : null;
  if (role === 'assistant' && content.length === 0 && !error) return results; // a turn still starting
  if (error) {
    const data = isObj(error.data) ? error.data : {};
    content.push({ type: 'text', text: `${strOrNull(error.name) ?? 'Error'}: ${strOrNull(data.message) ?? ''}`.trim() });
  }
  const out: Message = { msg_id: msg.id, role: boundary && typed === 0 ? 'system' : role, content, timestamp };
  if (role === 'assistant') {
    const model = strOrNull(d.modelID);
    const provider = strOrNull(d.providerID);
    if (model) out.model = model;
    if (provider) out.provider = provider;
    const usage = usageOf(d.tokens);
    if (usage) out.usage = usage;
    const finish = strOrNull(d.finish);
    if (finish) out.stop_reason = finish;
    if (error) out.is_api_error = true;
    if (unfinished.length) out.unfinished_tool_use_ids = unfinished;
  }
  if (compaction || boundary) out.is_compaction = true;
  if (boundary || (role === 'user' && synthetic > 0 && typed === 0)) out.is_injected = true;
  return [out, ...results];
}

/** A session as both stores give it: the `session` row's columns (the JSON layout is mapped onto them). */
export interface SessionFacts {
  id: string;
  parent_id: string | null;
  title: string | null;
  directory: string | null;
  version: string | null;
  agent: string | null;
  /** `{id, providerID}` when the store records the session's model. */
  model: unknown;
  time_created: unknown;
}

/**
 * Chains a session's messages (in store order) into one captured session. `partPrefix` names
 * part types the reader does not know (`kilo_…`, `opencode_…`), which are kept as such.
 */
export function buildSession(s: SessionFacts, nativePath: string, messages: Row[], partsOf: (messageId: string) => Row[], partPrefix: string): CapturedSession {
  const out: Message[] = [];
  let parent: string | null = null;
  let firstPrompt: string | null = null;
  let lastModel: { provider: string | null; model_id: string | null } | null = null;
  for (const m of messages) {
    for (const msg of convert(m, partsOf(m.id), partPrefix)) {
      msg.parent_msg_id = parent;
      parent = msg.msg_id;
      out.push(msg);
      if (msg.role === 'user' && !msg.is_injected && firstPrompt === null) {
        const text = msg.content
          .filter((b) => b.type === 'text')
          .map((b) => (b as { text: string }).text)
          .join('\n')
          .trim();
        if (text) firstPrompt = titleText(text);
      }
      if (msg.role === 'assistant' && msg.model) lastModel = { provider: msg.provider ?? null, model_id: msg.model };
    }
  }
  let model = lastModel;
  const sm = s.model;
  if (isObj(sm) && (strOrNull(sm.id) || strOrNull(sm.providerID))) model = { provider: strOrNull(sm.providerID), model_id: strOrNull(sm.id) };
  const title = s.title?.trim() || null;
  const parentId = s.parent_id || null;
  return {
    nativeId: s.id,
    parentNativeId: parentId,
    header: {
      native_id: s.id,
      native_path: nativePath,
      cwd: s.directory || null,
      git: null,
      model,
      tool_version: s.version,
      title: title && !DEFAULT_TITLE.test(title) ? title : (firstPrompt ?? title),
      created_at: iso(s.time_created) ?? out.find((m) => m.timestamp)?.timestamp ?? new Date(0).toISOString(),
      interface: null,
      agent_id: parentId ? s.agent : null,
    },
    messages: out,
  };
}
