import { SfsError } from '../errors.js';
import { getSessionRow } from '../queries/sessions.js';
import type { Store } from '../store.js';

/** Moves a session to the trash: hidden from list and search, restorable, nothing erased. */
export async function deleteSession(store: Store, sessionId: string): Promise<void> {
  const row = getSessionRow(await store.view(), sessionId);
  if (row.purged) throw new SfsError('NOT_FOUND', `session ${sessionId} was purged`);
  if (row.deleted) throw new SfsError('CONFLICT', `session ${sessionId} is already deleted (sfs restore ${sessionId} brings it back)`);
  await store.log.append({ events: [{ type: 'session.deleted', session: sessionId, body: {} }] });
}

export async function restoreSession(store: Store, sessionId: string): Promise<void> {
  const row = getSessionRow(await store.view(), sessionId);
  if (row.purged) throw new SfsError('NOT_FOUND', `session ${sessionId} was purged and cannot be restored`);
  if (!row.deleted) throw new SfsError('CONFLICT', `session ${sessionId} is not deleted`);
  await store.log.append({ events: [{ type: 'session.restored', session: sessionId, body: {} }] });
}

/**
 * Erases a session's content for good: every event body of the session is replaced by a
 * tombstone in the log (and, once sync runs, on every replica).
 */
export async function purgeSession(store: Store, sessionId: string): Promise<void> {
  const row = getSessionRow(await store.view(), sessionId);
  if (row.purged) throw new SfsError('CONFLICT', `session ${sessionId} is already purged`);
  await store.log.purge(sessionId);
}
