import type { ContentBlock, JsonlLine, Message } from '../../engine/adapter-kit.js';
import type { LineParser } from '../shared/append-file.js';
import { derivedPrefixedId } from '../shared/ids.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';
import { isObj, isoTime, str, titleText, type Raw } from '../shared/values.js';

/**
 * Antigravity's step log (`transcript_full.jsonl`): one JSON object per step with
 * `step_index`, `source` (USER_EXPLICIT, MODEL, SYSTEM), `type` (USER_INPUT, PLANNER_RESPONSE,
 * and one per tool: RUN_COMMAND, VIEW_FILE, GENERIC, …), `status`, `created_at`, `content`,
 * and for model steps `thinking` and `tool_calls: [{name, args}]`. A tool's output is a later
 * step of its own with no call id: it answers the oldest call still open, as public parsers
 * of the format do. Messages are chained in file order; their ids come from the step index.
 */
export interface AgState {
  lastMsgId: string | null;
  /** The parent of lastMsgId: a step written again (RUNNING, then DONE) keeps its place. */
  prevMsgId: string | null;
  /** Tool calls made and not answered yet, oldest first. */
  open: string[];
  createdAt: string | null;
  firstPrompt: string | null;
}

export const initialAgState = (): AgState => ({ lastMsgId: null, prevMsgId: null, open: [], createdAt: null, firstPrompt: null });

const USER_SOURCES = new Set(['USER_EXPLICIT', 'USER_IMPLICIT', 'USER']);
const SOURCES = new Set([...USER_SOURCES, 'MODEL', 'SYSTEM']);
const REQUEST = /<USER_REQUEST>\s*([\s\S]*?)\s*<\/USER_REQUEST>/;

/** What the user typed: the USER_REQUEST part (the rest is the harness's metadata about the editor). */
export function requestText(content: string): { text: string; wrapped: boolean } {
  const m = REQUEST.exec(content);
  return m ? { text: m[1]!, wrapped: true } : { text: content, wrapped: false };
}

export class AntigravityParser implements LineParser<AgState> {
  readonly messages: Message[] = [];
  readonly unknown: UnknownTypes = {};
  /** Messages of this pass that made a call still open, by call id. */
  private callers = new Map<string, Message>();

  constructor(
    public state: AgState,
    private readonly conversationId: string,
  ) {}

  settled(): boolean {
    return this.state.open.length === 0;
  }

  finish(): void {
    for (const id of this.state.open) {
      const m = this.callers.get(id);
      if (m && !(m.unfinished_tool_use_ids ??= []).includes(id)) m.unfinished_tool_use_ids.push(id);
    }
  }

  onRecord(value: unknown, at: JsonlLine & { start: number }): void {
    if (!isObj(value)) throw new Error('line is not a JSON object');
    const r = value;
    const source = str(r.source);
    const type = str(r.type);
    if (source && !SOURCES.has(source)) noteUnknownType(this.unknown, `source:${source}`);
    if (!type) noteUnknownType(this.unknown, r.type);
    const timestamp = isoTime(r.created_at);
    this.state.createdAt ??= timestamp;
    const step = typeof r.step_index === 'number' && Number.isFinite(r.step_index) ? `step:${r.step_index}` : `@${at.start}`;
    const msgId = derivedPrefixedId('ag', this.conversationId, step);
    const content = typeof r.content === 'string' ? r.content : '';
    if (type === 'USER_INPUT' || (USER_SOURCES.has(source) && !type)) return this.user(msgId, content, timestamp, r);
    if (type === 'PLANNER_RESPONSE') return this.model(msgId, content, timestamp, r, step);
    if (!content) return; // a status-only step
    const call = this.state.open.shift();
    if (call !== undefined) {
      const block: ContentBlock = { type: 'tool_result', tool_use_id: call, content };
      if (str(r.status) === 'ERROR' || str(r.status) === 'FAILED') block.is_error = true;
      this.push({ msg_id: msgId, role: 'tool', content: [block], timestamp, step_type: type || null });
      return;
    }
    // Output with no call waiting (a background task's log, a notice): kept, hidden from the conversation.
    this.push({ msg_id: msgId, role: 'system', content: [{ type: 'text', text: content }], timestamp, is_injected: true, step_type: type || null });
  }

  private user(msgId: string, content: string, timestamp: string | null, _r: Raw): void {
    const { text, wrapped } = requestText(content);
    const msg: Message = { msg_id: msgId, role: 'user', content: text ? [{ type: 'text', text }] : [], timestamp };
    if (wrapped && text !== content.trim()) msg.harness_context = content;
    if (this.state.firstPrompt === null && text.trim()) this.state.firstPrompt = titleText(text);
    this.push(msg);
  }

  private model(msgId: string, content: string, timestamp: string | null, r: Raw, step: string): void {
    const blocks: ContentBlock[] = [];
    if (typeof r.thinking === 'string' && r.thinking) blocks.push({ type: 'thinking', text: r.thinking, signature: null });
    if (content) blocks.push({ type: 'text', text: content });
    const calls = Array.isArray(r.tool_calls) ? r.tool_calls : [];
    const made: string[] = [];
    calls.forEach((c, i) => {
      if (!isObj(c)) return;
      const fn = isObj(c.function) ? c.function : null;
      const name = str(c.name) || str(c.tool_name) || (fn ? str(fn.name) : '');
      let input: unknown = c.args ?? c.arguments ?? (fn ? fn.arguments : undefined) ?? {};
      if (typeof input === 'string') {
        try {
          input = JSON.parse(input);
        } catch {
          // keep the text
        }
      }
      const id = str(c.id) || `${step}.${i}`;
      blocks.push({ type: 'tool_use', tool_use_id: id, name, input });
      made.push(id);
    });
    if (!blocks.length) return; // a step that only reports progress
    const msg: Message = { msg_id: msgId, role: 'assistant', content: blocks, timestamp };
    this.push(msg);
    // The same step written again (RUNNING, then DONE) must not open its calls twice.
    for (const id of made)
      if (!this.state.open.includes(id)) {
        this.state.open.push(id);
        this.callers.set(id, msg);
      }
  }

  private push(m: Message): void {
    if (m.step_type === null) delete m.step_type;
    if (m.msg_id === this.state.lastMsgId) {
      // The step again (RUNNING, then DONE): its later version replaces it (a revision if an earlier pass stored it).
      m.parent_msg_id = this.state.prevMsgId;
      const at = this.messages.findIndex((x) => x.msg_id === m.msg_id);
      if (at !== -1) return void (this.messages[at] = m);
    } else {
      m.parent_msg_id = this.state.lastMsgId;
      this.state.prevMsgId = this.state.lastMsgId;
      this.state.lastMsgId = m.msg_id;
    }
    this.messages.push(m);
  }
}
