import { digestHex, type JsonlLine, type Message, type Role, type Usage } from '../../engine/adapter-kit.js';
import { anthropicBlocks, toolResultIds, toolUseIds } from '../shared/anthropic-content.js';
import type { LineParser } from '../shared/append-file.js';
import { isInjectedText, isTitleCandidate, userText } from './titles.js';
import { derivedPrefixedId } from '../shared/ids.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';
import { isObj, isoTimeOrEpoch, numOrNull, strOrNull, titleText, usableId, type Raw } from '../shared/values.js';

/** Everything a transcript pass carries over to the next one (JSON, small). */
export interface ClaudeState {
  sessionId: string | null;
  agentId: string | null;
  customTitle: string | null;
  aiTitle: string | null;
  summary: string | null;
  agentName: string | null;
  firstPrompt: string | null;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  model: string | null;
  entrypoint: string | null;
  createdAt: string | null;
  /** The API message (message.id) whose block lines are still arriving. */
  group: string | null;
  /** Recently counted message.ids, so a repeated API message is not counted twice. */
  counted: string[];
  /** Short hashes of recent uuids: a repeated one (copied or hand-made lines) gets a derived id. */
  recentIds?: string[];
}

export const initialClaudeState = (): ClaudeState => ({
  sessionId: null,
  agentId: null,
  customTitle: null,
  aiTitle: null,
  summary: null,
  agentName: null,
  firstPrompt: null,
  cwd: null,
  gitBranch: null,
  version: null,
  model: null,
  entrypoint: null,
  createdAt: null,
  group: null,
  counted: [],
});

const RECENT_IDS = 256;

/** Chain entry types Claude Code writes that are kept as they are (not unknown). */
const CHAIN_TYPES = new Set(['user', 'assistant', 'system', 'attachment', 'progress']);

/** Line types that are metadata (no place in the conversation tree). */
const META_TYPES = new Set([
  'summary',
  'ai-title',
  'custom-title',
  'agent-name',
  'last-prompt',
  'queue-operation',
  'mode',
  'permission-mode',
  'file-history-snapshot',
  'tag',
  'pr-link',
]);

const usageOf = (u: unknown): Usage | null => {
  if (!isObj(u)) return null;
  const out: Usage = {};
  const map: [keyof Usage, string][] = [
    ['input_tokens', 'input_tokens'],
    ['output_tokens', 'output_tokens'],
    ['cache_read_tokens', 'cache_read_input_tokens'],
    ['cache_write_tokens', 'cache_creation_input_tokens'],
  ];
  for (const [k, src] of map) {
    const v = numOrNull(u[src]);
    if (v !== null && v >= 0) out[k] = Math.floor(v);
  }
  return Object.keys(out).length ? out : null;
};

/** Streaming can write an early partial usage; the largest value per field is the final one. */
const maxUsage = (a: Usage | null, b: Usage | null): Usage | null => {
  if (!a) return b;
  if (!b) return a;
  const out: Usage = { ...a };
  for (const k of Object.keys(b) as (keyof Usage)[]) out[k] = Math.max(a[k] ?? 0, b[k] ?? 0);
  return out;
};

const nonZero = (u: Usage | null) => !!u && Object.values(u).some((v) => (v ?? 0) > 0);

export class ClaudeParser implements LineParser<ClaudeState> {
  readonly messages: Message[] = [];
  /** Record types read in this pass that this parser does not know. */
  readonly unknown: UnknownTypes = {};
  /** Tool calls read in this pass that have no result yet. */
  private open = new Map<string, Message>();
  /** First line of the open API message and the usage seen on its lines. */
  private groupFirst: Message | null = null;
  private groupUsage: Usage | null = null;
  private groupCounts = false;

  constructor(
    public state: ClaudeState,
    private readonly sessionKey: string,
  ) {}

  settled(): boolean {
    return this.state.group === null && this.open.size === 0;
  }

  onRecord(value: unknown, at: JsonlLine & { start: number }): void {
    if (!isObj(value)) throw new Error('line is not a JSON object');
    const r = value;
    const type = strOrNull(r.type);
    if (type && META_TYPES.has(type) && typeof r.uuid !== 'string') return this.onMeta(type, r);
    if (typeof r.uuid !== 'string' && type !== 'user' && type !== 'assistant') return noteUnknownType(this.unknown, type); // unknown metadata
    this.noteEnvelope(r);
    const msg = this.toMessage(r, type, at);
    // A different chain entry ends the open API message.
    const apiId = type === 'assistant' && isObj(r.message) ? strOrNull(r.message.id) : null;
    if (apiId !== this.state.group) this.closeGroup();
    if (apiId) this.addToGroup(apiId, msg, usageOf((r.message as Raw).usage));
    for (const id of toolResultIds(msg.content)) this.open.delete(id);
    for (const id of toolUseIds(msg.content)) this.open.set(id, msg);
    this.messages.push(msg);
  }

  finish(): void {
    this.closeGroup(true);
    for (const [id, msg] of this.open) {
      const ids = (msg.unfinished_tool_use_ids ??= []);
      if (!ids.includes(id)) ids.push(id);
    }
  }

  private onMeta(type: string, r: Raw): void {
    const s = this.state;
    if (type === 'custom-title') s.customTitle = strOrNull(r.customTitle) ?? s.customTitle;
    else if (type === 'ai-title') s.aiTitle = strOrNull(r.aiTitle) ?? s.aiTitle;
    else if (type === 'summary') s.summary = strOrNull(r.summary) ?? s.summary;
    else if (type === 'agent-name') s.agentName = strOrNull(r.agentName) ?? s.agentName;
  }

  private noteEnvelope(r: Raw): void {
    const s = this.state;
    s.sessionId ??= strOrNull(r.sessionId);
    s.cwd = strOrNull(r.cwd) ?? s.cwd;
    s.gitBranch = strOrNull(r.gitBranch) ?? s.gitBranch;
    s.version = strOrNull(r.version) ?? s.version;
    s.entrypoint = strOrNull(r.entrypoint) ?? s.entrypoint;
    s.createdAt ??= isoTimeOrEpoch(r.timestamp);
  }

  private toMessage(r: Raw, type: string | null, at: JsonlLine & { start: number }): Message {
    const m = isObj(r.message) ? r.message : null;
    const msgId = this.freshId(usableId(r.uuid)) ?? derivedPrefixedId('cc', this.sessionKey, `@${at.start}`);
    const parent = usableId(r.parentUuid) ?? usableId(r.logicalParentUuid) ?? null;
    let role: Role = 'system';
    let content = anthropicBlocks(m ? m.content : r.content, 'strict');
    const msg: Message = { msg_id: msgId, parent_msg_id: parent, role, content, timestamp: isoTimeOrEpoch(r.timestamp) };
    if (type === 'user') {
      const onlyResults = content.length > 0 && content.every((b) => b.type === 'tool_result');
      role = onlyResults ? 'tool' : 'user';
      const text = userText(content);
      if (r.isMeta === true || isInjectedText(text)) msg.is_injected = true;
      if (r.isCompactSummary === true) msg.is_compaction = true;
      if (role === 'user' && !msg.is_injected && !msg.is_compaction && (this.state.agentId !== null || r.isSidechain !== true)) {
        if (this.state.firstPrompt === null && isTitleCandidate(text)) this.state.firstPrompt = titleText(text);
      }
    } else if (type === 'assistant') {
      role = 'assistant';
      const model = m ? strOrNull(m.model) : null;
      if (model) {
        msg.model = model;
        if (model !== '<synthetic>') {
          msg.provider = 'anthropic';
          this.state.model = model;
        }
      }
      const stop = m ? strOrNull(m.stop_reason) : null;
      if (stop) msg.stop_reason = stop;
      if (r.isApiErrorMessage === true) msg.is_api_error = true;
    } else if (type === 'system') {
      if (r.subtype === 'compact_boundary') msg.is_compaction = true;
      else msg.is_injected = true;
      const text = strOrNull(r.content) ?? `[${strOrNull(r.subtype) ?? 'system'}]`;
      content = [{ type: 'text', text }];
      if (isObj(r.compactMetadata)) msg.compact_metadata = r.compactMetadata;
      if (typeof r.subtype === 'string') msg.subtype = r.subtype;
    } else if (type === 'attachment') {
      role = 'user';
      msg.is_injected = true;
      content = [{ type: 'attachment', attachment: r.attachment ?? null }];
    } else {
      // Chain entries of types we do not model (progress, older shapes): kept verbatim, hidden.
      if (!CHAIN_TYPES.has(type ?? '')) noteUnknownType(this.unknown, type);
      msg.is_injected = true;
      const { uuid: _u, parentUuid: _p, ...rest } = r;
      content = [{ type: 'claude_code_record', record_type: type, record: rest }];
    }
    msg.role = role;
    msg.content = content;
    if (r.isSidechain === true) msg.is_sidechain = true;
    const agent = strOrNull(r.agentId);
    if (agent) msg.agent_id = agent;
    return msg;
  }

  /**
   * The uuid unless it was seen recently in this file: two lines with one uuid would otherwise be one
   * message that flips between revisions on every re-read of the held tail. Kept in the state, so the
   * rule gives the same ids whatever the pass boundaries.
   */
  private freshId(uuid: string | null): string | null {
    if (!uuid) return null;
    const h = digestHex('sha1', uuid).slice(0, 10);
    const recent = (this.state.recentIds ??= []);
    if (recent.includes(h)) return null;
    recent.push(h);
    if (recent.length > RECENT_IDS) recent.shift();
    return uuid;
  }

  private addToGroup(apiId: string, msg: Message, usage: Usage | null): void {
    if (this.state.group !== apiId) {
      this.state.group = apiId;
      this.groupFirst = msg;
      this.groupUsage = null;
      this.groupCounts = !this.state.counted.includes(apiId);
      if (this.groupCounts) {
        this.state.counted.push(apiId);
        if (this.state.counted.length > 32) this.state.counted.shift();
      }
    }
    this.groupUsage = maxUsage(this.groupUsage, usage);
  }

  /** Usage of one API message goes on its first line, once. */
  private closeGroup(endOfPass = false): void {
    if (this.groupFirst && this.groupCounts && nonZero(this.groupUsage)) this.groupFirst.usage = this.groupUsage;
    if (!endOfPass) {
      this.state.group = null;
      this.groupFirst = null;
      this.groupUsage = null;
    }
  }
}
