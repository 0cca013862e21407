import { Store } from '../../engine/store.js';
import type { Message } from '../../engine/model/message.js';
import type { AnyStoredEvent } from '../../engine/model/events.js';
import { pathsIn } from '../helpers/tmp.js';
import { writeCredentials } from '../../engine/replication/credentials.js';

export const msg = (id: string, text: string, parent: string | null = null): Message => ({
  msg_id: id,
  parent_msg_id: parent,
  role: 'user',
  content: [{ type: 'text', text }],
});

export async function openStore(dir: string): Promise<Store> {
  return Store.open(pathsIn(dir));
}

export function signIn(dir: string, relay: string, token: string, username: string): void {
  writeCredentials(pathsIn(dir), { relay, token, username, account_id: '' });
}

export async function discover(store: Store, session: string, title = 'T'): Promise<void> {
  await store.log.append({
    events: [{ type: 'session.discovered', session, body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture', title } }],
  });
}

export async function say(store: Store, session: string, id: string, text: string): Promise<void> {
  await store.log.append({ events: [{ type: 'messages.captured', session, body: { messages: [msg(id, text)] } }] });
}

export async function allEvents(store: Store): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.log.read(after, 5000);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1]!.pos;
  }
}

/** Events by identity, without the local position: what must match across replicas. */
export async function identities(store: Store, filter: (e: AnyStoredEvent) => boolean = () => true): Promise<string[]> {
  return (await allEvents(store))
    .filter(filter)
    .map((e) => JSON.stringify([e.origin, e.seq, e.type, e.session, e.body]))
    .sort();
}

/** The projection tables, row by row, in a fixed order. */
export async function dumpProjections(store: Store, sessions?: Set<string>): Promise<string> {
  const db = await store.view();
  const keep = (r: { id?: string; session_id?: string }) => !sessions || sessions.has((r.id ?? r.session_id)!);
  const s = (db.prepare('select * from sessions order by id').all() as Array<{ id: string }>).filter(keep);
  // Message rows name their session by row number and their body by block, which differ between replicas: compare ids and decoded bodies.
  const m = (
    db
      .prepare(
        `select se.id as session_id, m.*, sfs_message_json(b.data, m.body_idx, m.msg_id, m.parent_msg_id, m.ts) as body
         from messages m join message_bodies b on b.id = m.body_id join sessions se on se.rowid = m.session order by session_id, msg_id`,
      )
      .all() as Array<{ session_id: string; session?: number; body_id?: number; body_idx?: number }>
  )
    .filter(keep)
    .map(({ session: _s, body_id: _id, body_idx: _idx, ...row }) => row);
  const c = (db.prepare('select * from checkpoints order by session_id, name').all() as Array<{ session_id: string }>).filter(keep);
  return JSON.stringify({ s, m, c });
}

export async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
