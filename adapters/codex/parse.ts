import { createHash } from 'node:crypto';
import type { JsonlLine, ContentBlock, Message, Role, Usage } from '../../engine/adapter-kit.js';
import type { LineParser } from '../shared/append-file.js';
import { derivedPrefixedId } from '../shared/ids.js';
import { isObj, isoTimeOrEpoch, numOrNull, strOrNull, titleText, usableId, type Raw } from '../shared/values.js';
import { isInjectedUserText, parseArgs, partsToBlocks, promptText, reasoningBlock, toolOutput } from './items.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';

interface Tokens {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** Everything a rollout pass carries over to the next one (JSON, small). */
export interface CodexState {
  /** Thread id from the file name, if it has one. */
  fileId: string | null;
  threadId: string | null;
  parentId: string | null;
  nickname: string | null;
  cwd: string | null;
  model: string | null;
  provider: string | null;
  version: string | null;
  originator: string | null;
  git: { branch?: string | null; commit_sha?: string | null; remote_url?: string | null } | null;
  createdAt: string | null;
  threadName: string | null;
  eventPrompt: string | null;
  itemPrompt: string | null;
  turnId: string | null;
  lastMsgId: string | null;
  /** Cumulative thread usage last seen, to drop repeated token_count events. */
  cum: Tokens | null;
  /** token_usage_record lines exist (0.16x+): they are the per-call usage, token_count repeats them. */
  records: boolean;
  /** Model output read since the last usage record: the usage still has to come. */
  group: boolean;
  errorInTurn: boolean;
  /** Short hashes of recent native ids: a repeated one (copied or synthetic data) gets a derived id. */
  recentIds: string[];
}

export const initialCodexState = (fileId: string | null): CodexState => ({
  fileId,
  threadId: null,
  parentId: null,
  nickname: null,
  cwd: null,
  model: null,
  provider: null,
  version: null,
  originator: null,
  git: null,
  createdAt: null,
  threadName: null,
  eventPrompt: null,
  itemPrompt: null,
  turnId: null,
  lastMsgId: null,
  cum: null,
  records: false,
  group: false,
  errorInTurn: false,
  recentIds: [],
});

const tokens = (u: unknown): Tokens | null => {
  if (!isObj(u)) return null;
  return {
    input: numOrNull(u.input_tokens) ?? 0,
    cached: numOrNull(u.cached_input_tokens) ?? 0,
    output: numOrNull(u.output_tokens) ?? 0,
    reasoning: numOrNull(u.reasoning_output_tokens) ?? 0,
  };
};

/**
 * OpenAI counts cached tokens inside input_tokens; SessionFS keeps them apart (as Anthropic
 * does) so that input + cache_read is the prompt size in every tool.
 */
const toUsage = (u: Raw): Usage => {
  const t = tokens(u)!;
  const usage: Usage = { input_tokens: Math.max(0, t.input - t.cached), output_tokens: t.output, cache_read_tokens: t.cached };
  const write = numOrNull(u.cache_write_input_tokens);
  if (write !== null) usage.cache_write_tokens = write;
  if (t.reasoning) usage.reasoning_tokens = t.reasoning;
  return usage;
};

const sameTokens = (a: Tokens | null, b: Tokens | null) =>
  !!a && !!b && a.input === b.input && a.cached === b.cached && a.output === b.output && a.reasoning === b.reasoning;

const addUsage = (a: Usage | null | undefined, b: Usage): Usage => {
  if (!a) return b;
  const out: Usage = { ...a };
  for (const k of Object.keys(b) as (keyof Usage)[]) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
};

/** Response items that are model output (they wait for the response's usage record). */
const MODEL_ITEMS = new Set([
  'reasoning',
  'function_call',
  'custom_tool_call',
  'local_shell_call',
  'web_search_call',
  'tool_search_call',
  'image_generation_call',
]);
const RECENT_IDS = 256;
/** Response items Codex writes that are kept verbatim on purpose (not unknown). */
const KEPT_ITEMS = new Set([
  'agent_message',
  'web_search_call',
  'image_generation_call',
  'mcp_call',
  'mcp_list_tools',
  'file_search_call',
  'computer_call',
  'code_interpreter_call',
]);
const SKIPPED_ITEMS = new Set(['ghost_snapshot', 'compaction', 'compaction_summary', 'other']);

export class CodexParser implements LineParser<CodexState> {
  readonly messages: Message[] = [];
  /** Record types read in this pass that this parser does not know. */
  readonly unknown: UnknownTypes = {};
  private open = new Map<string, Message>();
  /** Last model-output message of the open response (gets that response's usage). */
  private target: Message | null = null;

  constructor(
    public state: CodexState,
    private readonly sessionKey: string,
  ) {}

  settled(): boolean {
    return !this.state.group && this.open.size === 0;
  }

  finish(): void {
    for (const [id, msg] of this.open) {
      const ids = (msg.unfinished_tool_use_ids ??= []);
      if (!ids.includes(id)) ids.push(id);
    }
  }

  onRecord(value: unknown, at: JsonlLine & { start: number }): void {
    if (!isObj(value)) throw new Error('line is not a JSON object');
    const type = strOrNull(value.type);
    const p = isObj(value.payload) ? value.payload : null;
    const ts = isoTimeOrEpoch(value.timestamp);
    this.state.createdAt ??= ts;
    if (!p) return;
    switch (type) {
      case 'session_meta':
        return this.onMeta(p);
      case 'turn_context':
        this.closeGroup();
        this.state.turnId = strOrNull(p.turn_id) ?? this.state.turnId;
        this.state.model = strOrNull(p.model) ?? this.state.model;
        this.state.cwd = strOrNull(p.cwd) ?? this.state.cwd;
        return;
      case 'response_item':
        return this.onItem(p, ts, at);
      case 'compacted': {
        this.closeGroup();
        const text = strOrNull(p.message) ?? '';
        const msg = this.push({ role: 'system', content: [{ type: 'summary', text }], timestamp: ts, is_compaction: true }, null, at);
        const hist = p.replacement_history;
        if (Array.isArray(hist)) msg.replacement_history_items = hist.length;
        return;
      }
      case 'token_usage_record': {
        this.state.records = true;
        if (isObj(p.usage)) this.attachUsage(toUsage(p.usage));
        const cum = tokens(p.thread_token_usage);
        if (cum) this.state.cum = cum;
        return;
      }
      case 'event_msg':
        return this.onEvent(p, ts, at);
      case 'world_state':
      case 'inter_agent_communication_metadata':
        return; // harness bookkeeping of the versions tested, not transcript
      default:
        noteUnknownType(this.unknown, type);
    }
  }

  private onMeta(p: Raw): void {
    const s = this.state;
    const id = strOrNull(p.id);
    // A forked or child rollout can repeat another thread's meta line: only our own counts.
    if (s.threadId !== null || (s.fileId && id && id.toLowerCase() !== s.fileId)) return;
    s.threadId = id ?? s.fileId;
    const src = isObj(p.source) && isObj(p.source.subagent) && isObj(p.source.subagent.thread_spawn) ? p.source.subagent.thread_spawn : null;
    s.parentId = strOrNull(p.parent_thread_id) ?? (src ? strOrNull(src.parent_thread_id) : null);
    s.nickname = strOrNull(p.agent_nickname) ?? (src ? strOrNull(src.agent_nickname) : null);
    s.cwd = strOrNull(p.cwd) ?? s.cwd;
    s.version = strOrNull(p.cli_version) ?? s.version;
    s.originator = strOrNull(p.originator) ?? s.originator;
    s.provider = strOrNull(p.model_provider) ?? s.provider;
    const created = isoTimeOrEpoch(p.timestamp);
    if (created) s.createdAt = created;
    if (isObj(p.git)) s.git = { branch: strOrNull(p.git.branch), commit_sha: strOrNull(p.git.commit_hash), remote_url: strOrNull(p.git.repository_url) };
  }

  private onEvent(p: Raw, ts: string | null, at: JsonlLine & { start: number }): void {
    const s = this.state;
    switch (p.type) {
      case 'task_started':
        this.closeGroup();
        s.turnId = strOrNull(p.turn_id) ?? s.turnId;
        s.errorInTurn = false;
        return;
      case 'user_message': {
        const text = strOrNull(p.message);
        if (s.eventPrompt === null && text && !isInjectedUserText(text)) s.eventPrompt = titleText(text);
        return;
      }
      case 'item_completed': {
        const item = isObj(p.item) ? p.item : null;
        if (item?.type === 'UserMessage' && s.eventPrompt === null) {
          const text = promptText(partsToBlocks(item.content));
          if (text && !isInjectedUserText(text)) s.eventPrompt = titleText(text);
        }
        return;
      }
      case 'thread_name_updated':
        s.threadName = strOrNull(p.thread_name) ?? s.threadName;
        return;
      case 'token_count': {
        const info = isObj(p.info) ? p.info : null;
        if (!info || s.records) return;
        const total = tokens(info.total_token_usage);
        if (sameTokens(total, s.cum)) return; // repeated event, nothing new was used
        if (total) s.cum = total;
        const last = isObj(info.last_token_usage) ? info.last_token_usage : null;
        const t = tokens(last);
        if (last && t && t.input + t.output > 0) this.attachUsage(toUsage(last));
        return;
      }
      case 'error':
        s.errorInTurn = true;
        this.apiError(strOrNull(p.message) ?? 'error', ts, at);
        return;
      case 'task_complete': {
        this.closeGroup();
        const err = isObj(p.error) ? p.error : null;
        if (err && !s.errorInTurn) this.apiError(strOrNull(err.message) ?? 'error', ts, at);
        return;
      }
      case 'turn_aborted':
        this.closeGroup();
        return;
    }
  }

  private apiError(text: string, ts: string | null, at: JsonlLine & { start: number }): void {
    const msg = this.push({ role: 'assistant', content: [{ type: 'text', text }], timestamp: ts, is_api_error: true }, null, at);
    if (this.state.model) msg.model = this.state.model;
  }

  private onItem(p: Raw, ts: string | null, at: JsonlLine & { start: number }): void {
    const kind = strOrNull(p.type) ?? (typeof p.role === 'string' ? 'message' : null);
    if (!kind || SKIPPED_ITEMS.has(kind)) return;
    const meta = isObj(p.internal_chat_message_metadata_passthrough) ? p.internal_chat_message_metadata_passthrough : null;
    const turn = (meta ? strOrNull(meta.turn_id) : null) ?? this.state.turnId;
    const base = { timestamp: ts, turn_id: turn };
    const callId = strOrNull(p.call_id) ?? strOrNull(p.id);
    let msg: Message;
    if (kind === 'message') {
      const role: Role = p.role === 'assistant' ? 'assistant' : p.role === 'developer' ? 'developer' : p.role === 'system' ? 'system' : 'user';
      const content = partsToBlocks(p.content);
      if (role !== 'assistant') this.closeGroup();
      msg = this.push({ ...base, role, content }, p.id, at);
      if (role === 'developer' || role === 'system') msg.is_injected = true;
      if (role === 'user') {
        const text = promptText(content);
        if (isInjectedUserText(text)) msg.is_injected = true;
        else if (this.state.itemPrompt === null && text) this.state.itemPrompt = titleText(text);
      }
      if (typeof p.phase === 'string') msg.phase = p.phase;
    } else if (kind === 'reasoning') {
      msg = this.push({ ...base, role: 'assistant', content: [reasoningBlock(p)] }, p.id, at);
    } else if ((kind === 'function_call' || kind === 'custom_tool_call' || kind === 'local_shell_call' || kind === 'tool_search_call') && callId) {
      const input =
        kind === 'function_call'
          ? parseArgs(p.arguments)
          : kind === 'custom_tool_call'
            ? (p.input ?? null)
            : kind === 'local_shell_call'
              ? (p.action ?? null)
              : (p.arguments ?? null);
      const name = strOrNull(p.name) ?? (kind === 'local_shell_call' ? 'local_shell' : kind === 'tool_search_call' ? 'tool_search' : '');
      const block: ContentBlock = { type: 'tool_use', tool_use_id: callId, name, input };
      if (typeof p.namespace === 'string') (block as Record<string, unknown>).namespace = p.namespace;
      msg = this.push({ ...base, role: 'assistant', content: [block] }, p.id, at);
      this.open.set(callId, msg);
    } else if (kind.endsWith('_output') && typeof p.call_id === 'string') {
      const out = kind === 'tool_search_output' ? { content: JSON.stringify(p.tools ?? null), isError: false } : toolOutput(p.output);
      const block: ContentBlock = out.isError
        ? { type: 'tool_result', tool_use_id: p.call_id, content: out.content, is_error: true }
        : { type: 'tool_result', tool_use_id: p.call_id, content: out.content };
      msg = this.push({ ...base, role: 'tool', content: [block] }, p.id, at);
      this.open.delete(p.call_id);
      return;
    } else {
      // Server-side tools and item types we do not model: kept verbatim in an assistant turn.
      if (!KEPT_ITEMS.has(kind)) noteUnknownType(this.unknown, `response_item:${kind}`);
      msg = this.push({ ...base, role: 'assistant', content: [{ ...p, type: kind === 'message' ? 'codex_message' : kind }] }, p.id, at);
    }
    if (msg.role === 'assistant') {
      if (this.state.model) msg.model = this.state.model;
      if (this.state.provider) msg.provider = this.state.provider;
    }
    if (msg.role === 'assistant' || MODEL_ITEMS.has(kind)) {
      this.state.group = true;
      this.target = msg;
    }
  }

  /** Appends a message chained to the previous one; native id when usable and not taken. */
  private push(fields: Omit<Message, 'msg_id' | 'parent_msg_id'>, nativeId: unknown, at: JsonlLine & { start: number }): Message {
    let id = usableId(nativeId);
    if (id) {
      const h = createHash('sha1').update(id).digest('hex').slice(0, 10);
      if (this.state.recentIds.includes(h)) id = null;
      else {
        this.state.recentIds.push(h);
        if (this.state.recentIds.length > RECENT_IDS) this.state.recentIds.shift();
      }
    }
    id ??= derivedPrefixedId('cx', this.sessionKey, `@${at.start}`);
    const msg = { msg_id: id, parent_msg_id: this.state.lastMsgId, ...fields } as Message;
    if (msg.turn_id == null) delete msg.turn_id;
    this.state.lastMsgId = id;
    this.messages.push(msg);
    return msg;
  }

  private attachUsage(u: Usage): void {
    if (this.target) this.target.usage = addUsage(this.target.usage, u);
    this.closeGroup();
  }

  private closeGroup(): void {
    this.state.group = false;
    this.target = null;
  }
}
