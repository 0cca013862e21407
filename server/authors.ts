import type { Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import type { Author, WireEvent } from '../engine/index.js';

/**
 * The authors of the events the relay serves: each origin belongs to one account (bound at its
 * first hello, see bindDevice), so clients can attribute another account's events and keep them
 * out of their own view of a session unless they shared it (DESIGN §13).
 */
export async function authorsOf(db: Kysely<RelayDb>, events: readonly WireEvent[], known?: Map<string, Author>): Promise<Record<string, Author>> {
  const origins = [...new Set(events.map((e) => e[0]))];
  const out: Record<string, Author> = {};
  const missing: string[] = [];
  for (const o of origins) {
    const a = known?.get(o);
    if (a) out[o] = a;
    else missing.push(o);
  }
  if (missing.length) {
    const rows = await db
      .selectFrom('devices')
      .innerJoin('accounts', 'accounts.id', 'devices.account_id')
      .select(['devices.origin', 'devices.account_id', 'devices.name', 'accounts.username'])
      .where('devices.origin', 'in', missing)
      .execute();
    for (const r of rows) {
      const a: Author = { account: r.account_id, username: r.username, device: r.name };
      out[r.origin] = a;
      known?.set(r.origin, a);
    }
  }
  return out;
}
