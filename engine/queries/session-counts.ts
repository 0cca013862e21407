import type { ProjectionDb } from '../projections/db.js';
import { orderedRefs } from './messages.js';

/**
 * How many messages and tool calls a session has, as `list`, `show`, `summary` and export all
 * report them. A fork counts what it shows and what a resume replays: its parent's conversation
 * up to the fork point (inherited) plus its own messages. Every other session counts its own rows.
 */
export function sessionCounts(db: ProjectionDb, id: string): { messages: number; tool_calls: number } {
  const row = db.prepare('SELECT fork_from, message_count, tool_use_count FROM sessions WHERE id = ?').get(id) as
    { fork_from: string | null; message_count: number; tool_use_count: number } | undefined;
  if (!row) return { messages: 0, tool_calls: 0 };
  if (!row.fork_from) return { messages: row.message_count, tool_calls: row.tool_use_count };
  const refs = orderedRefs(db, id);
  const uses = db.prepare('SELECT tool_uses FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?) AND msg_id = ?');
  let toolCalls = 0;
  for (const r of refs) toolCalls += (uses.get(r.session_id, r.msg_id) as { tool_uses: number } | undefined)?.tool_uses ?? 0;
  return { messages: refs.length, tool_calls: toolCalls };
}
