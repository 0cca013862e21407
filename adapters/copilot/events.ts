import { createHash } from 'node:crypto';
import { type ContentBlock, type Message, type Usage, parseJsonBounded } from '../../engine/adapter-kit.js';
import { derivedMsgId } from '../shared/ids.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';

/**
 * Transcript-side events (user., assistant., tool., system.) seen in the versions tested that
 * are deliberately not turned into messages. Another event in those namespaces is counted as
 * unknown: a new kind of turn sfs would otherwise drop without a word. The other namespaces
 * (~160 types: session, model, hook, subagent bookkeeping) are not transcript.
 */
const IGNORED_TRANSCRIPT_EVENTS = new Set(['assistant.turn_start', 'assistant.turn_end', 'tool.execution_start', 'system.notification']);
const TRANSCRIPT_NAMESPACE = /^(user|assistant|tool|system)\./;
import { isObj, isoTime, num, str, type Raw } from '../shared/values.js';

/**
 * Copilot events → messages. One file holds the main agent and its sub-agents (events with
 * `agentId`); each becomes its own session, keyed '' for the main one. The state kept between
 * reads is small: per-session chain tails and facts, usage records not yet matched to their
 * assistant message, and assistant messages whose tool calls are still open.
 */
export interface AgentFacts {
  name?: string;
  parentToolCallId?: string;
  firstPrompt?: string;
  model?: string;
  created?: string;
}

export interface SessionFacts {
  sessionId?: string;
  version?: string;
  created?: string;
  model?: string;
  cwd?: string;
  branch?: string;
  repository?: string;
  commit?: string;
  firstPrompt?: string;
}

export interface CopilotState {
  facts: SessionFacts;
  agents: Record<string, AgentFacts>;
  /** Last msg_id per session key, for chaining. */
  tails: Record<string, string>;
  /** Usage records by apiCallId, waiting for their assistant message. */
  usage: Record<string, { key: string; usage: Usage; model?: string }>;
  /** Assistant messages with tool calls still waiting for `tool.execution_complete`. */
  open: Record<string, Message>;
  /** Recent call ids whose result came first (hand-made or reordered logs). */
  done: string[];
  /** Short hashes of recent event ids: a repeated id (copied or trimmed logs) gets a derived one instead of overwriting a message. */
  recentIds?: string[];
}

export const emptyState = (): CopilotState => ({ facts: {}, agents: {}, tails: {}, usage: {}, open: {}, done: [] });

const PENDING_USAGE_KEEP = 64;
const RECENT_IDS = 256;

export class EventReplay {
  /** Messages of this pass per session key, by msg_id in first-seen order. */
  readonly out = new Map<string, Map<string, Message>>();
  /** Transcript-side event types read in this pass that sfs does not know. */
  readonly unknown: UnknownTypes = {};
  /** Image bytes of `session.binary_asset` events seen in this pass, by assetId (not kept in the state: they can be large). */
  private readonly assets = new Map<string, { mimeType: string; data: string }>();

  constructor(
    readonly state: CopilotState,
    private readonly fallbackId: string,
  ) {}

  get sessionId(): string {
    return this.state.facts.sessionId || this.fallbackId;
  }

  apply(ev: Raw, offsetKey: string): void {
    const type = str(ev.type);
    const data = isObj(ev.data) ? ev.data : {};
    const id = this.freshId(str(ev.id)) || derivedMsgId(this.sessionId, offsetKey);
    const ts = isoTime(ev.timestamp);
    const key = str(ev.agentId) || (str(data.parentToolCallId) ? `task:${str(data.parentToolCallId)}` : '');
    if (key) this.noteAgent(key, type, data, ts);
    switch (type) {
      case 'session.start':
      case 'session.resume':
        return this.noteSession(data, ts, type === 'session.start');
      case 'session.model_change':
        if (!key && str(data.newModel)) this.state.facts.model = str(data.newModel);
        return;
      case 'session.usage_record':
        return this.noteUsage(key, data);
      case 'session.binary_asset':
        if (str(data.assetId) && str(data.data) && str(data.mimeType).startsWith('image/'))
          this.assets.set(str(data.assetId), { mimeType: str(data.mimeType), data: str(data.data) });
        return;
      case 'user.message':
        return this.userMessage(key, id, ts, data);
      case 'system.message':
        return this.push(key, {
          msg_id: id,
          role: str(data.role) === 'developer' ? 'developer' : 'system',
          content: textBlocks(data.content),
          timestamp: ts,
          is_injected: true,
        });
      case 'assistant.message':
        return this.assistantMessage(key, id, ts, data);
      case 'assistant.reasoning':
        return this.push(key, { msg_id: id, role: 'assistant', content: [{ type: 'thinking', text: str(data.content), signature: null }], timestamp: ts });
      case 'tool.execution_complete':
        return this.toolResult(key, id, ts, data);
      case 'session.compaction_complete':
        if (data.success === false) return;
        return this.push(key, {
          msg_id: id,
          role: 'system',
          content: str(data.summaryContent) ? [{ type: 'summary', text: str(data.summaryContent) }] : [],
          timestamp: ts,
          is_compaction: true,
        });
      case 'session.error':
        return this.push(key, {
          msg_id: id,
          role: 'system',
          content: textBlocks(data.message),
          timestamp: ts,
          is_api_error: true,
          error_type: str(data.errorType) || null,
        });
      default:
        // The schema has ~160 event types; the rest are not transcript.
        if (TRANSCRIPT_NAMESPACE.test(type) && !IGNORED_TRANSCRIPT_EVENTS.has(type)) noteUnknownType(this.unknown, type);
        return;
    }
  }

  /** The native id unless it was seen recently; remembered in the state so the rule is the same whatever the pass boundaries. */
  private freshId(native: string): string {
    if (!native) return '';
    const h = createHash('sha1').update(native).digest('hex').slice(0, 10);
    const recent = (this.state.recentIds ??= []);
    if (recent.includes(h)) return '';
    recent.push(h);
    if (recent.length > RECENT_IDS) recent.shift();
    return native;
  }

  private noteSession(data: Raw, ts: string | null, start: boolean): void {
    const f = this.state.facts;
    if (start && str(data.sessionId)) f.sessionId = str(data.sessionId);
    if (str(data.copilotVersion)) f.version = str(data.copilotVersion);
    const when = isoTime(data.startTime) || (start ? (ts ?? '') : '');
    if (when && (!f.created || when < f.created)) f.created = when;
    if (str(data.selectedModel)) f.model = str(data.selectedModel);
    const ctx = isObj(data.context) ? data.context : {};
    if (str(ctx.cwd)) f.cwd = str(ctx.cwd);
    if (str(ctx.branch)) f.branch = str(ctx.branch);
    if (str(ctx.repository)) f.repository = str(ctx.repository);
    if (str(ctx.headCommit)) f.commit = str(ctx.headCommit);
  }

  private noteAgent(key: string, type: string, data: Raw, ts: string | null): void {
    const a = (this.state.agents[key] ??= {});
    if (!a.created && ts) a.created = ts;
    if (type.startsWith('subagent.')) {
      if (!a.name && (str(data.agentDisplayName) || str(data.agentName))) a.name = str(data.agentDisplayName) || str(data.agentName);
      if (str(data.toolCallId)) a.parentToolCallId = str(data.toolCallId);
      if (str(data.model)) a.model = str(data.model);
    }
    if (str(data.parentToolCallId)) a.parentToolCallId = str(data.parentToolCallId);
  }

  private noteUsage(key: string, data: Raw): void {
    const u = isObj(data.usage) ? data.usage : data;
    const usage: Usage = {};
    const set = (k: keyof Usage, v: unknown) => {
      const n = num(v);
      if (n !== undefined) usage[k] = n;
    };
    set('input_tokens', u.inputTokens);
    set('output_tokens', u.outputTokens);
    set('cache_read_tokens', u.cacheReadTokens);
    set('cache_write_tokens', u.cacheWriteTokens);
    set('reasoning_tokens', u.reasoningTokens);
    const callId = str(u.apiCallId) || `last:${key}`;
    this.state.usage[callId] = { key, usage, model: str(u.model) || undefined };
    const ids = Object.keys(this.state.usage);
    for (const old of ids.slice(0, Math.max(0, ids.length - PENDING_USAGE_KEEP))) delete this.state.usage[old];
  }

  private userMessage(key: string, id: string, ts: string | null, data: Raw): void {
    const content: ContentBlock[] = textBlocks(data.content);
    for (const att of Array.isArray(data.attachments) ? data.attachments : []) {
      if (!isObj(att)) continue;
      // An attached image's bytes are in the asset event written just before the message; its path may be gone.
      const asset = this.assets.get(str(att.assetId));
      if (asset) content.push({ type: 'image', source: { type: 'base64', media_type: asset.mimeType, data: asset.data } });
      else if (str(att.mimeType).startsWith('image/') && str(att.path)) content.push({ type: 'image', source: { type: 'file', path: str(att.path) } });
      else content.push({ type: 'attachment', attachment: att });
    }
    const text = str(data.content).trim();
    if (text) {
      if (!key && !this.state.facts.firstPrompt) this.state.facts.firstPrompt = text;
      if (key && !this.state.agents[key]!.firstPrompt) this.state.agents[key]!.firstPrompt = text;
    }
    this.push(key, { msg_id: id, role: 'user', content, timestamp: ts });
  }

  private assistantMessage(key: string, id: string, ts: string | null, data: Raw): void {
    const content: ContentBlock[] = [];
    const reasoning = str(data.reasoningText);
    if (reasoning) content.push({ type: 'thinking', text: reasoning, signature: str(data.reasoningOpaque) || str(data.encryptedContent) || null });
    if (str(data.content)) content.push({ type: 'text', text: str(data.content) });
    const calls: string[] = [];
    for (const r of Array.isArray(data.toolRequests) ? data.toolRequests : []) {
      if (!isObj(r)) continue;
      const callId = str(r.toolCallId);
      if (!this.state.done.includes(`${key}\0${callId}`)) calls.push(callId);
      content.push({ type: 'tool_use', tool_use_id: callId, name: str(r.name), input: parseArgs(r.arguments) });
    }
    const msg: Message = { msg_id: id, role: 'assistant', content, timestamp: ts };
    const model = str(data.model) || (key ? this.state.agents[key]?.model : this.state.facts.model);
    if (model) msg.model = model;
    const usage = this.takeUsage(key, str(data.apiCallId));
    if (usage) msg.usage = usage;
    if (calls.length) {
      msg.unfinished_tool_use_ids = calls;
      this.state.open[id] = msg;
    }
    this.push(key, msg);
  }

  /** Usage is recorded once per model call; it goes on the first assistant message of that call only. */
  private takeUsage(key: string, apiCallId: string): Usage | null {
    const k = apiCallId && this.state.usage[apiCallId] ? apiCallId : `last:${key}`;
    const hit = this.state.usage[k];
    if (!hit) return null;
    delete this.state.usage[k];
    return hit.usage;
  }

  private toolResult(key: string, id: string, ts: string | null, data: Raw): void {
    const callId = str(data.toolCallId);
    const result = isObj(data.result) ? data.result : {};
    const error = isObj(data.error) ? str(data.error.message) : str(data.error);
    const text = str(result.content) || error;
    const block: ContentBlock = { type: 'tool_result', tool_use_id: callId, content: text };
    if (data.success === false) block.is_error = true;
    this.push(key, { msg_id: id, role: 'tool', content: [block], timestamp: ts });
    if (!this.closeCall(key, callId)) this.state.done = [...this.state.done, `${key}\0${callId}`].slice(-PENDING_USAGE_KEEP);
  }

  /** The call got its result (in the same session): the assistant message that made it is re-emitted without the mark. */
  private closeCall(key: string, callId: string): boolean {
    for (const [msgId, msg] of Object.entries(this.state.open)) {
      if (str(msg.agent_id) !== key) continue;
      const left = (msg.unfinished_tool_use_ids ?? []).filter((c) => c !== callId);
      if (left.length === msg.unfinished_tool_use_ids?.length) continue;
      const updated: Message = { ...msg };
      if (left.length) updated.unfinished_tool_use_ids = left;
      else delete updated.unfinished_tool_use_ids;
      if (left.length) this.state.open[msgId] = updated;
      else delete this.state.open[msgId];
      this.bucket(key).set(msgId, updated);
      return true;
    }
    return false;
  }

  private bucket(key: string): Map<string, Message> {
    let b = this.out.get(key);
    if (!b) this.out.set(key, (b = new Map()));
    return b;
  }

  private push(key: string, msg: Message): void {
    msg.parent_msg_id = this.state.tails[key] ?? null;
    if (key) {
      msg.agent_id = key;
      msg.is_sidechain = true;
    }
    this.state.tails[key] = msg.msg_id;
    this.bucket(key).set(msg.msg_id, msg);
  }
}

function textBlocks(v: unknown): ContentBlock[] {
  return typeof v === 'string' && v !== '' ? [{ type: 'text', text: v }] : [];
}

/** Older logs store tool arguments as a JSON string. */
function parseArgs(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? {};
  try {
    return parseJsonBounded(v);
  } catch {
    return v;
  }
}
