import type { JsonlLine, ContentBlock, Message, Role, ToolUseBlock } from '../../engine/adapter-kit.js';
import { anthropicBlocks } from '../shared/anthropic-content.js';
import type { LineParser } from '../shared/append-file.js';
import { derivedPrefixedId } from '../shared/ids.js';
import { cleanStrings, isObj, strOrNull, titleText, type Raw } from '../shared/values.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';

/**
 * One Cursor Agent transcript line after another (format doc §5):
 * `{"role":"user"|"assistant","message":{"content":[…Anthropic-style blocks…]}}`, plus markers
 * such as `{"type":"turn_ended","status":"success"}`. Lines carry no ids and no times; a
 * message's id is derived from the session and the line's byte offset (the file only grows).
 *
 * Tool calls have no id and Cursor writes no results for them, so a call gets an id derived
 * from its ordinal in the session (identical whatever else the file holds) and stays open until a result names it, or until the next line that is not a result
 * (another assistant line, a prompt, the end of the turn): then it is marked unfinished.
 * While a call is open, or an assistant line may still get its `turn_ended`, the parser is
 * not settled, so the cursor waits before that line and the message comes back complete.
 */
export interface TranscriptState {
  lastMsgId: string | null;
  firstPrompt: string | null;
  model: string | null;
  /** Open tool calls of the held tail: id, tool name and the message that made the call. */
  open: Array<{ id: string; name: string; msg: string }>;
  /** The last line was an assistant turn that a `turn_ended` marker may still close. */
  pendingAssistant: boolean;
  /** `turn_ended` markers seen. */
  turns: number;
  /** Tool calls and unmatched tool results seen: their derived ids count them, so ids do not depend on byte offsets. */
  calls: number;
  orphans: number;
  /** The session's creation time, fixed at the first read so the header does not move as the file grows. */
  createdAt?: string | null;
}

export const initialTranscriptState = (): TranscriptState => ({
  lastMsgId: null,
  firstPrompt: null,
  model: null,
  open: [],
  pendingAssistant: false,
  turns: 0,
  calls: 0,
  orphans: 0,
});

const TOOL_CALL = new Set(['tool_use', 'tool-use', 'tool_call', 'tool-call']);
const TOOL_RESULT = new Set(['tool_result', 'tool-result']);
const QUERY_RE = /<user_query>\s*([\s\S]*?)\s*<\/user_query>/g;
const WRAPPED_RE = /^<([a-z_]+)>[\s\S]*<\/\1>$/;

/** `<user_query>…</user_query>` → the typed prompt, and whatever Cursor put around it (context it injected). */
export function unwrapUserQuery(text: string): { prompt: string; context: string } | null {
  const queries: string[] = [];
  const rest = text.replace(QUERY_RE, (_m, q: string) => {
    queries.push(q);
    return '';
  });
  if (queries.length === 0) return null;
  return { prompt: queries.join('\n\n'), context: rest.trim() };
}

/** Roles a Cursor Agent transcript line has; another is counted as unknown (and kept as user text, as before). */
const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

export class TranscriptParser implements LineParser<TranscriptState> {
  readonly messages: Message[] = [];
  /** Line kinds read in this pass that this parser does not know. */
  readonly unknown: UnknownTypes = {};
  /** Messages of this pass by id (closing an open call marks the message that made it). */
  private byId = new Map<string, Message>();

  constructor(
    public state: TranscriptState,
    private readonly sessionKey: string,
  ) {}

  settled(): boolean {
    return this.state.open.length === 0 && !this.state.pendingAssistant;
  }

  finish(): void {
    // End of what is written so far: calls still open are unfinished (a later pass re-reads them).
    for (const o of this.state.open) this.markUnfinished(o.id, o.msg);
  }

  onRecord(value: unknown, at: JsonlLine & { start: number }): void {
    if (!isObj(value)) throw new Error('line is not a JSON object');
    const rec = cleanStrings(value);
    const role = strOrNull(rec.role);
    if (!role) {
      if (rec.type === 'turn_ended') this.onTurnEnded(rec);
      return; // other markers carry nothing to keep
    }
    if (!ROLES.has(role)) noteUnknownType(this.unknown, `role:${role}`);
    const message = isObj(rec.message) ? rec.message : null;
    const raw = message ? (message.content ?? message.text) : (rec.content ?? rec.text);
    const parts = typeof raw === 'string' ? [{ type: 'text', text: raw }] : Array.isArray(raw) ? raw : [];
    const key = `@${at.start}`;
    const id = derivedPrefixedId('cu', this.sessionKey, key);
    const model = strOrNull(rec.model) ?? (message ? strOrNull(message.model) : null);
    if (model) this.state.model = model;

    if (role === 'assistant') return this.onAssistant(parts, id, model);
    const results: ContentBlock[] = [];
    const other: unknown[] = [];
    for (const p of parts) {
      if (isObj(p) && typeof p.type === 'string' && TOOL_RESULT.has(p.type)) results.push(this.resultBlock(p));
      else other.push(p);
    }
    // A line that is not (only) tool results ends the assistant's step: calls still open got no result.
    if (other.length > 0 || results.length === 0) this.closeOpen();
    this.state.pendingAssistant = false;
    if (results.length > 0) this.push({ role: 'tool', content: results }, derivedPrefixedId('cu', this.sessionKey, `${key}:results`));
    if (other.length === 0) return;
    const r: Role = role === 'system' ? 'system' : role === 'developer' ? 'developer' : 'user';
    if (r !== 'user') {
      const m = this.push({ role: r, content: anthropicBlocks(other, 'strict') }, id);
      m.is_injected = true;
      return;
    }
    this.onUser(other, id, key);
  }

  private onUser(parts: unknown[], id: string, key: string): void {
    const content: ContentBlock[] = [];
    const context: string[] = [];
    let unwrapped = false;
    for (const p of parts) {
      if (isObj(p) && p.type === 'text' && typeof p.text === 'string') {
        const q = unwrapUserQuery(p.text);
        if (q) {
          unwrapped = true;
          if (q.context) context.push(q.context);
          content.push({ type: 'text', text: q.prompt });
          continue;
        }
      }
      content.push(...anthropicBlocks([p], 'strict'));
    }
    if (context.length > 0) {
      const ctx = this.push(
        { role: 'user', content: context.map((text) => ({ type: 'text', text })) },
        derivedPrefixedId('cu', this.sessionKey, `${key}:context`),
      );
      ctx.is_injected = true;
    }
    const msg = this.push({ role: 'user', content }, id);
    const text = content
      .filter((b) => b.type === 'text')
      .map((b) => (b as { text: string }).text)
      .join('\n')
      .trim();
    // Without a <user_query>, a text that is one tagged element is context Cursor added, not a prompt.
    if (!unwrapped && WRAPPED_RE.test(text)) msg.is_injected = true;
    else if (this.state.firstPrompt === null && text) this.state.firstPrompt = titleText(text);
  }

  private onAssistant(parts: unknown[], id: string, model: string | null): void {
    // A new assistant line: the calls of the previous one got no result before it.
    this.closeOpen();
    const content: ContentBlock[] = [];
    const calls: Array<{ id: string; name: string }> = [];
    for (const p of parts) {
      if (isObj(p) && typeof p.type === 'string' && TOOL_CALL.has(p.type)) {
        const callId =
          strOrNull(p.id) ??
          strOrNull(p.tool_use_id) ??
          strOrNull(p.toolCallId) ??
          strOrNull(p.call_id) ??
          derivedPrefixedId('cu', this.sessionKey, `call:${this.state.calls}`);
        this.state.calls++;
        const name = strOrNull(p.name) ?? strOrNull(p.tool) ?? strOrNull(p.toolName) ?? '';
        const input = p.input ?? p.arguments ?? p.args ?? p.parameters ?? null;
        const block: ToolUseBlock = { type: 'tool_use', tool_use_id: callId, name, input };
        content.push(block);
        calls.push({ id: callId, name });
      } else if (isObj(p) && typeof p.type === 'string' && TOOL_RESULT.has(p.type)) {
        content.push(this.resultBlock(p));
      } else content.push(...anthropicBlocks([p], 'strict'));
    }
    const msg = this.push({ role: 'assistant', content }, id);
    const m = model ?? this.state.model;
    if (m) msg.model = m;
    for (const c of calls) this.state.open.push({ id: c.id, name: c.name, msg: id });
    this.state.pendingAssistant = true;
  }

  private onTurnEnded(rec: Raw): void {
    this.closeOpen();
    const status = strOrNull(rec.status);
    const last = this.state.lastMsgId ? this.byId.get(this.state.lastMsgId) : undefined;
    if (this.state.pendingAssistant && last && last.role === 'assistant' && status) last.stop_reason = status;
    this.state.pendingAssistant = false;
    this.state.turns++;
  }

  /** A result block; it answers the call it names, else the oldest open call of the same tool, else the oldest open call. */
  private resultBlock(p: Raw): ContentBlock {
    const open = this.state.open;
    const named = strOrNull(p.tool_use_id) ?? strOrNull(p.toolCallId) ?? strOrNull(p.call_id) ?? strOrNull(p.id);
    const tool = strOrNull(p.name) ?? strOrNull(p.tool) ?? strOrNull(p.toolName);
    let at = named ? open.findIndex((o) => o.id === named) : -1;
    if (at < 0 && !named && tool) at = open.findIndex((o) => o.name === tool);
    if (at < 0 && !named) at = open.length > 0 ? 0 : -1;
    const callId = named ?? (at >= 0 ? open[at]!.id : derivedPrefixedId('cu', this.sessionKey, `orphan:${this.state.orphans++}`));
    if (at >= 0) open.splice(at, 1);
    const raw = p.content ?? p.output ?? p.result ?? '';
    const content = typeof raw === 'string' ? raw : Array.isArray(raw) ? anthropicBlocks(raw, 'strict') : JSON.stringify(raw);
    const isError = p.is_error === true || p.isError === true || p.status === 'error';
    return isError ? { type: 'tool_result', tool_use_id: callId, content, is_error: true } : { type: 'tool_result', tool_use_id: callId, content };
  }

  private closeOpen(): void {
    for (const o of this.state.open) this.markUnfinished(o.id, o.msg);
    this.state.open = [];
  }

  private markUnfinished(callId: string, msgId: string): void {
    const msg = this.byId.get(msgId);
    if (!msg) return;
    const ids = (msg.unfinished_tool_use_ids ??= []);
    if (!ids.includes(callId)) ids.push(callId);
  }

  private push(fields: Omit<Message, 'msg_id' | 'parent_msg_id'>, id: string): Message {
    const msg = { msg_id: id, parent_msg_id: this.state.lastMsgId, ...fields } as Message;
    this.state.lastMsgId = id;
    this.messages.push(msg);
    this.byId.set(id, msg);
    return msg;
  }
}
