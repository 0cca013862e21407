import type { Message, ToolResultBlock, ToolUseBlock } from '../../engine/adapter-kit.js';
import { cleanStrings } from '../shared/values.js';

/** Replaces lone surrogates everywhere so the messages encode cleanly. */
export const wellFormed = cleanStrings;

/**
 * Last pass over a session's messages in native order: chains parent ids (these tools
 * have no parent links), marks tool calls that never got a result, and makes ids unique
 * (a repeated native id gets a suffix derived from its first occurrence).
 */
export function finishMessages(messages: Message[]): Message[] {
  const results = new Set<string>();
  for (const m of messages) for (const b of m.content) if (b.type === 'tool_result') results.add((b as ToolResultBlock).tool_use_id);
  const seen = new Map<string, number>();
  let prev: string | null = null;
  const out: Message[] = [];
  for (const m of messages) {
    const n = seen.get(m.msg_id) ?? 0;
    seen.set(m.msg_id, n + 1);
    const msg: Message = { ...m, msg_id: n === 0 ? m.msg_id : `${m.msg_id}~${n}`, parent_msg_id: prev };
    const open = msg.content
      .filter((b): b is ToolUseBlock => b.type === 'tool_use')
      .map((b) => b.tool_use_id)
      .filter((id) => !results.has(id));
    if (open.length) msg.unfinished_tool_use_ids = open;
    else delete msg.unfinished_tool_use_ids;
    out.push(wellFormed(msg));
    prev = msg.msg_id;
  }
  return out;
}
