import type { Message, ToolResultBlock, ToolUseBlock } from '../../engine/adapter-kit.js';
import { cleanStrings } from '../shared/values.js';

const wellFormed = cleanStrings;

/** Chains parents in bubble order (Cursor has no parent links), marks unanswered tool calls, de-duplicates ids. */
export function finishMessages(messages: Message[]): Message[] {
  const results = new Set<string>();
  for (const m of messages) for (const b of m.content) if (b.type === 'tool_result') results.add((b as ToolResultBlock).tool_use_id);
  const seen = new Set<string>();
  const out: Message[] = [];
  let prev: string | null = null;
  for (const m of messages) {
    if (seen.has(m.msg_id)) continue; // a bubble listed twice in the order
    seen.add(m.msg_id);
    const msg: Message = { ...m, parent_msg_id: prev };
    const open = msg.content
      .filter((b): b is ToolUseBlock => b.type === 'tool_use')
      .map((b) => b.tool_use_id)
      .filter((id) => !results.has(id));
    if (open.length) msg.unfinished_tool_use_ids = open;
    out.push(wellFormed(msg));
    prev = msg.msg_id;
  }
  return out;
}
