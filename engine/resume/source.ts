import type { Message } from '../model/message.js';
import type { ProjectionDb } from '../projections/db.js';
import { iterateMessages } from '../queries/messages.js';
import { assertNotEvicted, getSessionDetail } from '../queries/sessions.js';
import { SfsError } from '../errors.js';
import type { SourceSession } from './types.js';
import type { MessageAuthor } from '../queries/views.js';

/**
 * A stored session as resume needs it: its facts and the messages on its current line
 * (the path that ends at the newest message), so rewound branches are not replayed.
 * Forks include their inherited prefix.
 */
export function loadSourceSession(db: ProjectionDb, id: string): SourceSession {
  const d = getSessionDetail(db, id);
  if (d.purged) throw new SfsError('NOT_FOUND', `session ${id} was purged`);
  assertNotEvicted(db, id);
  const all: Message[] = [];
  for (const om of iterateMessages(db, id)) all.push(om.author ? markForeign(om.message, om.author) : om.message);
  return {
    id,
    tool: d.tool ?? 'unknown',
    title: d.title ?? null,
    cwd: d.cwd,
    gitBranch: d.git_branch,
    model: d.model,
    provider: d.provider,
    ...(d.pull_requests.length ? { pullRequests: d.pull_requests } : {}),
    messages: currentLine(all),
  };
}

/**
 * Another account's user turn, marked so the model knows who said it (DESIGN §13): a short
 * "[from bob@laptop]" before its text. Its other turns (their assistant's replies) stay as they are.
 */
export function markForeign(m: Message, author: MessageAuthor): Message {
  if (m.role !== 'user') return m;
  const mark = `[from ${author.username}@${author.device ?? 'unknown device'}]`;
  const [first, ...rest] = m.content;
  if (first?.type === 'text') return { ...m, content: [{ ...first, text: `${mark} ${(first as { text: string }).text}` }, ...rest] };
  return { ...m, content: [{ type: 'text', text: mark }, ...m.content] };
}

/**
 * Walks parent links back from the last message. Where a link is missing or points
 * outside the session, the walk continues with the message before in order (tools
 * without links, compaction roots), so only sibling branches are left out.
 */
export function currentLine(ordered: Message[]): Message[] {
  if (ordered.length === 0) return [];
  const index = new Map<string, number>();
  ordered.forEach((m, i) => index.set(m.msg_id, i));
  const keep = new Set<number>();
  let i = ordered.length - 1;
  while (i >= 0 && !keep.has(i)) {
    keep.add(i);
    const parent = ordered[i]!.parent_msg_id;
    const p = parent ? index.get(parent) : undefined;
    i = p !== undefined && p < i ? p : i - 1;
  }
  return ordered.filter((_, k) => keep.has(k));
}
