import { SfsError } from '../errors.js';
import type { ProjectionDb } from '../projections/db.js';
import { ChunkReader, restore, type BodyColumns } from '../projections/message-bodies.js';
import type { OrderedMessage } from './views.js';

/** A message's place in a session, without its body (cheap to hold for long sessions). */
export interface MessageRef {
  session_id: string;
  msg_id: string;
  branch: number;
  inherited: boolean;
}

interface Node {
  msg_id: string;
  parent_msg_id: string | null;
  key: string;
}

/**
 * Deterministic message order (DESIGN §7): follow parent links; siblings (branches,
 * or roots without links) are ordered by (timestamp, origin, seq, index), which every
 * replica computes the same way. Depth-first, so a branch reads through before the next.
 */
function orderOwn(db: ProjectionDb, sessionId: string): Array<{ msg_id: string; branch: number }> {
  const rows = db
    .prepare('SELECT msg_id, parent_msg_id, ts, ord FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?)')
    .all(sessionId) as MessageOrderRow[];
  return orderMessageRows(rows);
}

/** A message row's fields that decide its place (what the relay's views keep too). */
export interface MessageOrderRow {
  msg_id: string;
  parent_msg_id: string | null;
  ts: string | null;
  ord: string;
}

/** The order of one session's own messages, with branch numbers (the rule above, on rows from any store). */
export function orderMessageRows(rows: MessageOrderRow[]): Array<{ msg_id: string; branch: number }> {
  const ids = new Set(rows.map((r) => r.msg_id));
  const children = new Map<string | null, Node[]>();
  for (const r of rows) {
    const parent = r.parent_msg_id && ids.has(r.parent_msg_id) && r.parent_msg_id !== r.msg_id ? r.parent_msg_id : null;
    const node = { msg_id: r.msg_id, parent_msg_id: parent, key: `${r.ts ?? ''}|${r.ord}` };
    const list = children.get(parent);
    if (list) list.push(node);
    else children.set(parent, [node]);
  }
  for (const list of children.values()) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: Array<{ msg_id: string; branch: number }> = [];
  const seen = new Set<string>();
  let branches = 0;
  // Iterative DFS: sessions can be 100k messages deep.
  const stack: Array<{ node: Node; branch: number }> = [];
  const pushChildren = (parent: string | null, branch: number) => {
    const list = children.get(parent) ?? [];
    for (let i = list.length - 1; i >= 0; i--) stack.push({ node: list[i]!, branch: i === 0 ? branch : -1 });
  };
  pushChildren(null, 0);
  while (stack.length) {
    const { node, branch: b } = stack.pop()!;
    if (seen.has(node.msg_id)) continue;
    seen.add(node.msg_id);
    const branch = b === -1 || (b === 0 && out.length > 0 && node.parent_msg_id === null) ? ++branches : b;
    out.push({ msg_id: node.msg_id, branch });
    pushChildren(node.msg_id, branch);
  }
  // Messages caught in a parent cycle are unreachable from a root; keep them, in key order.
  if (out.length < rows.length) {
    const rest = rows.filter((r) => !seen.has(r.msg_id)).sort((a, b) => (`${a.ts ?? ''}|${a.ord}` < `${b.ts ?? ''}|${b.ord}` ? -1 : 1));
    const branch = ++branches;
    for (const r of rest) out.push({ msg_id: r.msg_id, branch });
  }
  return out;
}

/** The ordered message refs of a session, forks included (their ancestor's path first). */
export function orderedRefs(db: ProjectionDb, sessionId: string, depth = 0): MessageRef[] {
  if (depth > 100) throw new SfsError('INTERNAL', `fork chain of ${sessionId} is too deep`);
  const row = db.prepare('SELECT fork_from, fork_at_msg FROM sessions WHERE id = ?').get(sessionId) as
    { fork_from: string | null; fork_at_msg: string | null } | undefined;
  const own = orderOwn(db, sessionId).map((r) => ({ session_id: sessionId, msg_id: r.msg_id, branch: r.branch, inherited: false }));
  if (!row?.fork_from) return own;
  const base = orderedRefs(db, row.fork_from, depth + 1);
  return [...pathTo(db, base, row.fork_at_msg).map((r) => ({ ...r, branch: 0, inherited: true })), ...own];
}

/** The messages leading to `at` (its ancestor chain), in order; everything when `at` is null. */
function pathTo(db: ProjectionDb, base: MessageRef[], at: string | null): MessageRef[] {
  if (at === null) return [];
  const idx = base.findIndex((r) => r.msg_id === at);
  if (idx < 0) return base; // the fork point has not replicated here yet: show what we have
  const prefix = base.slice(0, idx + 1);
  const parents = new Map<string, string | null>();
  const get = db.prepare('SELECT parent_msg_id FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?) AND msg_id = ?');
  for (const r of prefix)
    parents.set(r.msg_id, ((get.get(r.session_id, r.msg_id) as { parent_msg_id: string | null }) ?? { parent_msg_id: null }).parent_msg_id);
  const chain = new Set<string>();
  for (let cur: string | null | undefined = at; cur && !chain.has(cur); cur = parents.get(cur)) chain.add(cur);
  // Without parent links the chain is just `at`: fall back to native order up to it.
  return chain.size > 1 ? prefix.filter((r) => chain.has(r.msg_id)) : prefix;
}

export function loadMessages(db: ProjectionDb, refs: MessageRef[]): OrderedMessage[] {
  const get = db.prepare(
    'SELECT msg_id, parent_msg_id, ts, body_id, body_idx, author_account, author_username, author_device FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?) AND msg_id = ?',
  );
  // Consecutive messages mostly share a chunk: each is decoded once.
  const bodies = new ChunkReader(db);
  const out: OrderedMessage[] = [];
  for (const r of refs) {
    const row = get.get(r.session_id, r.msg_id) as
      | (BodyColumns & { body_id: number; body_idx: number; author_account: string | null; author_username: string | null; author_device: string | null })
      | undefined;
    const stored = row && bodies.message(row.body_id, row.body_idx);
    if (!row || !stored) continue;
    const message = restore(stored, row);
    const om: OrderedMessage = { message, branch: r.branch, inherited_from: r.inherited ? r.session_id : null };
    if (row.author_account) om.author = { account: row.author_account, username: row.author_username ?? row.author_account, device: row.author_device };
    out.push(om);
  }
  return out;
}

/** One page of a session's messages in order. */
export function pageMessages(db: ProjectionDb, sessionId: string, offset: number, limit: number): { total: number; messages: OrderedMessage[] } {
  const refs = orderedRefs(db, sessionId);
  return { total: refs.length, messages: loadMessages(db, refs.slice(offset, offset + limit)) };
}

/** Streams every message of a session in order without holding all bodies at once. */
export function* iterateMessages(db: ProjectionDb, sessionId: string): Generator<OrderedMessage> {
  const refs = orderedRefs(db, sessionId);
  for (let i = 0; i < refs.length; i += 500) yield* loadMessages(db, refs.slice(i, i + 500));
}

/** The last message on the session's current line (the newest leaf's path), for checkpoints and forks. */
export function lastMessageId(db: ProjectionDb, sessionId: string): string | null {
  const refs = orderedRefs(db, sessionId);
  return refs.length ? refs[refs.length - 1]!.msg_id : null;
}
