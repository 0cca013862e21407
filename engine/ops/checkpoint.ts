import { SfsError } from '../errors.js';
import { lastMessageId } from '../queries/messages.js';
import { getSessionRow } from '../queries/sessions.js';
import type { Store } from '../store.js';

export const CHECKPOINT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Names the session's current last message. Reading the session "at" it later is a query, not a copy. */
export async function createCheckpoint(store: Store, sessionId: string, name: string): Promise<{ name: string; at_msg: string | null }> {
  if (!CHECKPOINT_NAME_RE.test(name)) throw new SfsError('USAGE', `bad checkpoint name "${name}": use letters, digits, '.', '_' or '-' (up to 64)`);
  const db = await store.view();
  const row = getSessionRow(db, sessionId);
  if (row.purged) throw new SfsError('NOT_FOUND', `session ${sessionId} was purged`);
  if (db.prepare('SELECT 1 FROM checkpoints WHERE session_id = ? AND name = ?').get(sessionId, name)) {
    throw new SfsError('CONFLICT', `session ${sessionId} already has a checkpoint "${name}"`);
  }
  const at = lastMessageId(db, sessionId);
  await store.log.append({ events: [{ type: 'checkpoint.created', session: sessionId, body: { name, at_msg: at, created_at: new Date().toISOString() } }] });
  return { name, at_msg: at };
}
