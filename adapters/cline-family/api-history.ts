import type { CaptureProblem, ContentBlock, Message, Role } from '../../engine/adapter-kit.js';
import { anthropicBlocks, reasoningBlock } from '../shared/anthropic-content.js';
import { derivedMsgId } from '../shared/ids.js';
import { isInjectedTurn, unwrapUserInputBlocks } from './prompt-text.js';
import { usageFromMetrics } from './usage.js';
import { isObj, type Raw } from '../shared/values.js';
import { noteUnknownBlocks, noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';

/**
 * API-history entries (Cline `api_conversation_history.json`, Roo/Kilo ApiMessage[], Cline SDK
 * `messages[]`) → messages in file order, not yet chained. Each keeps where it came from so
 * UI-only records can be merged in by time.
 */

export function isoFromMs(ms: unknown): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const ROLE_MAP: Record<string, Role> = { user: 'user', assistant: 'assistant', system: 'system', developer: 'developer', tool: 'tool' };

/** The record's stable identity: native id, else its time and role, else its position (history is only appended or cut at the end). */
function messageKey(e: Raw, index: number): string {
  if (typeof e.id === 'string' && e.id) return e.id;
  if (typeof e.ts === 'number') return `ts:${e.ts}:${String(e.role ?? e.type)}`;
  return `idx:${index}`;
}

export function apiHistoryToMessages(sessionId: string, entries: unknown, file: string, problems: CaptureProblem[], unknown: UnknownTypes = {}): Message[] {
  if (!Array.isArray(entries)) {
    problems.push({ path: file, message: 'expected a JSON array of messages' });
    return [];
  }
  const out: Message[] = [];
  entries.forEach((e, index) => {
    if (!isObj(e)) {
      problems.push({ path: file, where: `[${index}]`, message: 'message is not an object' });
      return;
    }
    const key = messageKey(e, index);
    const msg_id = typeof e.id === 'string' && e.id ? e.id : derivedMsgId(sessionId, key);
    // Roo keeps Responses-API reasoning items as entries of their own.
    if (e.type === 'reasoning' && e.role === undefined) {
      out.push({ msg_id, role: 'assistant', content: [reasoningBlock(e)], timestamp: isoFromMs(e.ts) });
      return;
    }
    const role = ROLE_MAP[String(e.role)];
    if (!role) {
      noteUnknownType(unknown, `role:${String(e.role)}`);
      problems.push({ path: file, where: `[${index}]`, message: `unknown role ${JSON.stringify(e.role)}` });
      return;
    }
    const converted: ContentBlock[] = anthropicBlocks(e.content, 'lenient');
    noteUnknownBlocks(unknown, converted);
    // The Cline CLI's <user_input mode="…"> wrapper: the message keeps what was typed, and the mode.
    const { blocks: content, mode } = role === 'user' ? unwrapUserInputBlocks(converted) : { blocks: converted, mode: null };
    if (typeof e.reasoning_content === 'string' && e.reasoning_content) content.unshift({ type: 'thinking', text: e.reasoning_content, signature: null });
    const msg: Message = { msg_id, role, content, timestamp: isoFromMs(e.ts) };
    if (mode) msg.input_mode = mode;
    const info = isObj(e.modelInfo) ? e.modelInfo : null;
    const model = info ? (info.modelId ?? info.id) : undefined;
    if (typeof model === 'string') msg.model = model;
    const provider = info ? (info.providerId ?? info.provider) : undefined;
    if (typeof provider === 'string') msg.provider = provider;
    const usage = usageFromMetrics(e.metrics);
    if (usage) msg.usage = usage;
    if (e.isSummary === true) msg.is_compaction = true;
    if (role === 'user' && isInjectedTurn(content)) msg.is_injected = true;
    // Roo/Kilo hide condensed or truncated messages from the model but keep them in the file.
    if (typeof e.condenseParent === 'string') msg.condense_parent = e.condenseParent;
    if (typeof e.truncationParent === 'string') msg.truncation_parent = e.truncationParent;
    if (e.isTruncationMarker === true) msg.is_compaction = true;
    out.push(msg);
  });
  return out;
}
