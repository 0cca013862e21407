import { digestHex, type JsonlLine, type Message, type PullRequestLink, type Role, type Usage } from '../../engine/adapter-kit.js';
import { anthropicBlocks, toolResultIds, toolUseIds } from '../shared/anthropic-content.js';
import type { LineParser } from '../shared/append-file.js';
import { isInjectedText, isTitleCandidate, userText } from './titles.js';
import { derivedPrefixedId } from '../shared/ids.js';
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
  /** `pr-link` records: the pull requests the session was linked to, oldest first, one per URL. */
  prLinks?: PullRequestLink[];
  /** Record types read and deliberately not captured (SKIPPED_TYPES), and types we do not know, with counts. */
  skipped?: Record<string, number>;
  unknown?: Record<string, number>;
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

/** Line types that are metadata (no place in the conversation tree) and that capture reads. */
const META_TYPES = new Set(['summary', 'ai-title', 'custom-title', 'agent-name', 'pr-link']);

/**
 * Metadata lines Claude Code writes (2.1.x, up to 2.1.332) that capture skips on purpose, counted:
 * UI and harness state (modes, queues, latches, cost, file-history for /rewind), copies of the raw
 * API requests (`api-request*`: the system prompt and tool list, not conversation), and markers
 * the CLI uses to find and relocate its own files. None of them is a turn the model saw.
 */
const SKIPPED_TYPES = new Set([
  'last-prompt',
  'queue-operation',
  'mode',
  'permission-mode',
  'file-history-snapshot',
  'file-history-delta',
  'tag',
  'api-request',
  'api-request-blob',
  'api-request-shape',
  'atis-latch',
  'cost-state',
  'tools-used',
  'agent-color',
  'agent-setting',
  'attribution-snapshot',
  'bridge-session',
  'content-replacement',
  'continued-in',
  'derived-from',
  'dev-mods',
  'ended-by-model',
  'frame-link',
  'fork-context-ref',
  'history-suppression',
  'isolation-latch',
  'memory-mode',
  'relocated',
  'resume-head-vouch',
  'same-transcript',
  'session-owner',
  'worktree-state',
  'artifact-comment-monitor',
  'artifact-autoreact-ledger',
  'data-flow-records',
  'data-flow-incomplete',
]);

/** Distinct type names kept per count map: a file full of made-up types cannot grow the cursor. */
const MAX_COUNTED_TYPES = 64;

function bump(map: Record<string, number>, key: string): void {
  if (key in map || Object.keys(map).length < MAX_COUNTED_TYPES) map[key] = (map[key] ?? 0) + 1;
}

/** A pr-link record as Claude Code writes it: prNumber, prUrl, prRepository (all three checked by the CLI itself). */
function prLinkOf(r: Raw): PullRequestLink | null {
  const url = strOrNull(r.prUrl);
  if (!url || !/^https?:\/\//.test(url) || url.length > 2048) return null;
  const n = numOrNull(r.prNumber);
  return { url, number: n !== null && Number.isInteger(n) && n >= 0 ? n : null, repository: strOrNull(r.prRepository) };
}

/** Pull requests kept per session: the CLI records one per PR, so more is noise. */
const MAX_PR_LINKS = 32;

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
    if (typeof r.uuid !== 'string' && type !== 'user' && type !== 'assistant') {
      if (type && META_TYPES.has(type)) return this.onMeta(type, r);
      bump(type && SKIPPED_TYPES.has(type) ? (this.state.skipped ??= {}) : (this.state.unknown ??= {}), type ?? '(no type)');
      return;
    }
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
    else if (type === 'pr-link') {
      const link = prLinkOf(r);
      if (!link) return;
      // The CLI repeats a link on every resume; the last record of a URL wins, in first-seen order.
      const links = (s.prLinks ??= []);
      const i = links.findIndex((l) => l.url === link.url);
      if (i >= 0) links[i] = link;
      else if (links.length < MAX_PR_LINKS) links.push(link);
    }
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
      // Chain entries of types we do not model (progress, older shapes): kept verbatim, hidden;
      // a type Claude Code is not known to write is also counted, so a format change is noticed.
      if (type !== 'progress') bump((this.state.unknown ??= {}), type ?? '(no type)');
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
