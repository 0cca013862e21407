import { sql, type Kysely } from 'kysely';
import type { RelayDb } from './db/schema.js';
import { unpackBody } from '../engine/index.js';

/**
 * What the relay can say about a session without folding it: its tool and start from its
 * session.discovered event, and its title — the latest session.meta title, else the discovered one —
 * read from the events of ONE space. Callers pass only spaces the asking account belongs to, so a
 * title never comes from a space it cannot read.
 */
type Db = Kysely<RelayDb>;

export interface SessionLabel {
  title: string | null;
  tool: string | null;
  created_at: string | null;
}

const key = (spaceId: string, session: string) => `${spaceId}\0${session}`;

export async function sessionLabels(db: Db, spaceIds: string[], sessions: string[]): Promise<Map<string, SessionLabel>> {
  const out = new Map<string, SessionLabel>();
  if (!spaceIds.length || !sessions.length) return out;
  // The first discovery of each (space, session), and its metadata edits in relay order (few and small).
  const rows = await sql<{ space_id: string; session: string; type: string; body: Buffer | null }>`
    (select distinct on (space_id, session) space_id, session, type, body, rseq from events
      where space_id in (${sql.join(spaceIds)}) and session in (${sql.join(sessions)}) and type = 'session.discovered' and body is not null
      order by space_id, session, rseq asc)
    union all
    (select space_id, session, type, body, rseq from events
      where space_id in (${sql.join(spaceIds)}) and session in (${sql.join(sessions)}) and type = 'session.meta' and body is not null)
    order by rseq`.execute(db);
  const meta = new Map<string, string | null>();
  for (const r of rows.rows) {
    let body: Record<string, unknown>;
    try {
      body = (unpackBody(new Uint8Array(r.body!)) ?? {}) as Record<string, unknown>;
    } catch {
      continue;
    }
    const k = key(r.space_id, r.session);
    if (r.type === 'session.meta') {
      // The latest edit that names a title wins; null clears it.
      if ('title' in body) meta.set(k, typeof body.title === 'string' && body.title ? body.title : null);
      continue;
    }
    out.set(k, {
      title: typeof body.title === 'string' && body.title ? body.title : null,
      tool: typeof body.tool === 'string' ? body.tool : null,
      created_at: typeof body.created_at === 'string' ? body.created_at : null,
    });
  }
  for (const [k, title] of meta) out.set(k, { ...(out.get(k) ?? { tool: null, created_at: null }), title });
  return out;
}

/**
 * The device each session was captured on in one space: the name its account gave the device that
 * discovered it there, else the host name that device reports (null when unknown).
 */
export async function sessionDevices(db: Db, spaceIds: string[], sessions: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!spaceIds.length || !sessions.length) return out;
  const rows = await sql<{ space_id: string; session: string; name: string | null }>`
    select distinct on (e.space_id, e.session) e.space_id, e.session, coalesce(d.label, d.name) as name from events e
      left join devices d on d.origin = e.origin
      where e.space_id in (${sql.join(spaceIds)}) and e.session in (${sql.join(sessions)}) and e.type = 'session.discovered'
      order by e.space_id, e.session, e.rseq asc`.execute(db);
  for (const r of rows.rows) out.set(key(r.space_id, r.session), r.name);
  return out;
}

export function labelOf(labels: Map<string, SessionLabel>, spaceId: string, session: string): SessionLabel {
  return labels.get(key(spaceId, session)) ?? { title: null, tool: null, created_at: null };
}

export function deviceOf(devices: Map<string, string | null>, spaceId: string, session: string): string | null {
  return devices.get(key(spaceId, session)) ?? null;
}
