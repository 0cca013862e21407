import { SfsError } from '../errors.js';
import { getSessionRow } from '../queries/sessions.js';
import type { Store } from '../store.js';

export const ALIAS_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Sets (or with null clears) a session's alias; an alias names one session at a time. */
export async function setAlias(store: Store, sessionId: string, alias: string | null): Promise<void> {
  if (alias !== null && !ALIAS_RE.test(alias)) {
    throw new SfsError('USAGE', `bad alias "${alias}": start with a letter; then letters, digits, '.', '_' or '-' (up to 64)`);
  }
  if (alias !== null && /^ses_/.test(alias)) throw new SfsError('USAGE', 'an alias cannot start with "ses_"');
  const db = await store.view();
  getSessionRow(db, sessionId);
  if (alias !== null) {
    const other = db.prepare('SELECT id FROM sessions WHERE alias = ? COLLATE NOCASE AND id != ? AND purged = 0').get(alias, sessionId) as
      { id: string } | undefined;
    if (other) throw new SfsError('CONFLICT', `alias "${alias}" already names ${other.id}; clear it there first (sfs alias ${other.id} --clear)`);
  }
  await store.log.append({ events: [{ type: 'session.meta', session: sessionId, body: { alias } }] });
}

export async function setTitle(store: Store, sessionId: string, title: string | null): Promise<void> {
  getSessionRow(await store.view(), sessionId);
  await store.log.append({ events: [{ type: 'session.meta', session: sessionId, body: { title } }] });
}

export async function setTags(store: Store, sessionId: string, tags: string[]): Promise<void> {
  getSessionRow(await store.view(), sessionId);
  await store.log.append({ events: [{ type: 'session.meta', session: sessionId, body: { tags: [...new Set(tags)].sort() } }] });
}
