import type { ContentBlock, Message, ToolResultBlock, Usage } from '../../engine/adapter-kit.js';
import { functionResponseBlock, partsText, partsToBlocks } from './parts.js';
import { isObj, num, str, type Raw } from '../shared/values.js';

/**
 * One Gemini message record (`user`, `gemini`, `info`, `warning`, `error`) → SessionFS
 * messages, not yet chained. A `gemini` record whose tool calls carry their results yields a
 * second, `tool` message with those results: the record itself is the one place both the
 * JSONL and the legacy format keep them.
 */
export interface ConvertedRecord {
  messages: Message[];
  /** Tool call ids answered inside this record (their separate functionResponse records are duplicates). */
  answered: string[];
}

const ASSISTANT_TYPES = new Set(['gemini', 'model', 'assistant']);
const INJECTED_PREFIXES = ['<session_context>', '<hook_context>'];

/** Whether this record's type is one Gemini CLI writes (anything else is counted as unknown). */
export function isKnownRecordType(rec: Raw): boolean {
  const type = str(rec.type) || str(rec.role);
  return type === 'user' || type === 'error' || type === 'info' || type === 'warning' || ASSISTANT_TYPES.has(type);
}

export function resultsMsgId(msgId: string): string {
  return `${msgId}:results`;
}

export function convertRecord(rec: Raw, msgId: string): ConvertedRecord {
  const type = str(rec.type) || str(rec.role);
  const timestamp = typeof rec.timestamp === 'string' ? rec.timestamp : null;
  const content = rec.content ?? rec.parts;
  if (type === 'user') return { messages: [userMessage(msgId, timestamp, content)], answered: [] };
  if (ASSISTANT_TYPES.has(type)) return assistantMessages(rec, msgId, timestamp, content);
  if (type === 'error') {
    return { messages: [{ msg_id: msgId, role: 'system', content: partsToBlocks(content), timestamp, is_api_error: true }], answered: [] };
  }
  if (type === 'info' || type === 'warning') {
    return { messages: [{ msg_id: msgId, role: 'system', content: partsToBlocks(content), timestamp, is_injected: true, gemini_type: type }], answered: [] };
  }
  return { messages: [], answered: [] };
}

function userMessage(msgId: string, timestamp: string | null, content: unknown): Message {
  const blocks = partsToBlocks(content);
  const onlyResults = blocks.length > 0 && blocks.every((b) => b.type === 'tool_result');
  const msg: Message = { msg_id: msgId, role: onlyResults ? 'tool' : 'user', content: blocks, timestamp };
  const text = partsText(content).trimStart();
  if (INJECTED_PREFIXES.some((p) => text.startsWith(p))) msg.is_injected = true;
  return msg;
}

function assistantMessages(rec: Raw, msgId: string, timestamp: string | null, content: unknown): ConvertedRecord {
  const parts = partsToBlocks(content);
  const blocks: ContentBlock[] = [];
  // Newer records keep raw thought parts in content; older ones only the parsed summaries.
  if (!parts.some((b) => b.type === 'thinking') && Array.isArray(rec.thoughts)) {
    for (const t of rec.thoughts) {
      if (!isObj(t)) continue;
      const text = [str(t.subject) && `**${str(t.subject)}**`, str(t.description)].filter(Boolean).join(' ');
      if (text) blocks.push({ type: 'thinking', text, signature: null });
    }
  }
  blocks.push(...parts);
  const known = new Set(parts.filter((b) => b.type === 'tool_use').map((b) => (b as { tool_use_id: string }).tool_use_id));
  const results: ToolResultBlock[] = [];
  const unfinished: string[] = [];
  const answered: string[] = [];
  for (const call of Array.isArray(rec.toolCalls) ? rec.toolCalls : []) {
    if (!isObj(call)) continue;
    const id = str(call.id) || str(call.name);
    if (!known.has(id)) blocks.push({ type: 'tool_use', tool_use_id: id, name: str(call.name), input: call.args ?? {} });
    const result = callResult(call, id);
    if (result) {
      results.push(result);
      answered.push(id);
    } else unfinished.push(id);
  }
  const msg: Message = { msg_id: msgId, role: 'assistant', content: blocks, timestamp };
  if (typeof rec.model === 'string') msg.model = rec.model;
  if (msg.model) msg.provider = 'google';
  const usage = usageOf(rec.tokens);
  if (usage) msg.usage = usage;
  if (unfinished.length) msg.unfinished_tool_use_ids = unfinished;
  const messages = [msg];
  if (results.length) messages.push({ msg_id: resultsMsgId(msgId), parent_msg_id: msgId, role: 'tool', content: results, timestamp });
  return { messages, answered };
}

/** The result a tool call carries, or null while it has none (still running, awaiting approval). */
function callResult(call: Raw, id: string): ToolResultBlock | null {
  const status = str(call.status);
  const parts = Array.isArray(call.result) ? call.result : call.result === undefined || call.result === null ? [] : [call.result];
  if (parts.length === 0) {
    if (status === 'cancelled' || status === 'error') {
      const display = typeof call.resultDisplay === 'string' ? call.resultDisplay : status;
      return { type: 'tool_result', tool_use_id: id, content: display, is_error: true };
    }
    return null;
  }
  const texts: string[] = [];
  const extra: ContentBlock[] = [];
  let isError = status === 'error' || status === 'cancelled';
  for (const p of parts) {
    if (isObj(p) && isObj(p.functionResponse)) {
      const b = functionResponseBlock(p.functionResponse) as ToolResultBlock;
      if (b.is_error) isError = true;
      if (typeof b.content === 'string') texts.push(b.content);
    } else extra.push(...partsToBlocks(p));
  }
  const content: string | ContentBlock[] = extra.length ? [...texts.map((t): ContentBlock => ({ type: 'text', text: t })), ...extra] : texts.join('\n');
  const block: ToolResultBlock = { type: 'tool_result', tool_use_id: id, content };
  if (isError) block.is_error = true;
  return block;
}

/** Gemini usageMetadata: `input` includes cached tokens; SessionFS counts them apart. */
function usageOf(tokens: unknown): Usage | null {
  if (!isObj(tokens)) return null;
  const input = num(tokens.input);
  const cached = num(tokens.cached) ?? 0;
  const tool = num(tokens.tool) ?? 0;
  const usage: Usage = {};
  if (input !== undefined) usage.input_tokens = Math.max(0, input - cached) + tool;
  const output = num(tokens.output);
  if (output !== undefined) usage.output_tokens = output;
  if (cached) usage.cache_read_tokens = cached;
  const thoughts = num(tokens.thoughts);
  if (thoughts) usage.reasoning_tokens = thoughts;
  return Object.keys(usage).length ? usage : null;
}

/** The text a user typed, for the title rule (the UI form wins over the expanded one). */
export function typedText(rec: Raw): string {
  if (str(rec.type) !== 'user' && str(rec.role) !== 'user') return '';
  const shown = rec.displayContent !== undefined ? partsText(rec.displayContent) : '';
  return (shown || partsText(rec.content ?? rec.parts)).trim();
}
