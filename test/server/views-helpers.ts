import { sql, type Kysely } from 'kysely';
import type { RelayDb } from '../../server/db/schema.js';
import { authenticate, bindDevice, createTeam, personalSpace, type Authed } from '../../server/accounts.js';
import { acceptInvitation, invite } from '../../server/invitations.js';
import { pushEvents, shareSession } from '../../server/events.js';
import { packBody, type WireEvent } from '../../engine/replication/protocol.js';
import type { NewEvent } from '../../engine/model/events.js';
import { signup } from './backends.js';
import type { Relay } from '../../server/relay.js';
import { dlp } from './wire-client.js';

/** An account with one device, pushing events into a space through the relay's own push path. */
export class Pusher {
  private seq = 0;
  private constructor(
    readonly db: Kysely<RelayDb>,
    readonly who: Authed,
    readonly origin: string,
    readonly personal: string,
  ) {}

  static async create(relay: Relay, username: string, origin: string, device = `${username}-laptop`): Promise<Pusher> {
    const s = await signup(relay, username);
    const who = await authenticate(relay.rdb.db, s.token);
    await bindDevice(relay.rdb.db, who, origin, device);
    return new Pusher(relay.rdb.db, who, origin, await personalSpace(relay.rdb.db, who));
  }

  /** The same device, pushing through another relay's database handle (its seq carries on). */
  on(db: Kysely<RelayDb>): Pusher {
    const p = new Pusher(db, this.who, this.origin, this.personal);
    p.seq = this.seq;
    return p;
  }

  /** A second device of the same account. */
  async device(origin: string, name: string): Promise<Pusher> {
    await bindDevice(this.db, this.who, origin, name);
    return new Pusher(this.db, this.who, origin, this.personal);
  }

  /** A team space this account owns, with these accounts as members (invited, and accepted). */
  async team(name: string, members: Pusher[]): Promise<string> {
    const t = await createTeam(this.db, this.who, name);
    for (const m of members) {
      const inv = await invite(this.db, this.who, t.id, m.who.username, 'member');
      await acceptInvitation(this.db, m.who, inv.id);
    }
    return t.id;
  }

  /** Shares one of this account's sessions into a space (what it pushed so far is copied there). */
  async share(session: string, space: string): Promise<void> {
    await shareSession(this.db, this.who, session, space);
  }

  /** Pushes events (one push) into `space` (default: the personal space); `ts` defaults to a clock of this device's seq. */
  async push(events: Array<NewEvent & { ts?: number }>, space = this.personal, routes: Record<string, string[]> = {}): Promise<void> {
    const from = this.seq;
    const wire: WireEvent[] = events.map((e) => {
      this.seq++;
      return [this.origin, this.seq, e.type, 1, e.ts ?? 1_700_000_000_000 + this.seq, e.session, packBody(e.body)];
    });
    const extra: Record<string, 'redact'> = {};
    for (const list of Object.values(routes)) for (const s of list) extra[s] = 'redact';
    await pushEvents(this.db, this.who, this.origin, { space, from, upTo: this.seq, ...dlp(space, 'redact', routes, extra), events: wire });
  }
}

/** Everything the views hold for some spaces, in a stable order (tsvectors as text). */
export async function dumpViews(db: Kysely<RelayDb>, spaces: string[]): Promise<unknown> {
  const q = async (text: string) =>
    (await sql.raw<Record<string, unknown>>(text.replaceAll('$SPACES', `(${spaces.map((s) => `'${s}'`).join(',')})`)).execute(db)).rows;
  return {
    sessions: await q(`select *, doc::text as doc from view_sessions where space_id in $SPACES order by space_id, id`),
    messages: await q(`select *, search::text as search from view_messages where space_id in $SPACES order by space_id, session, msg_id`),
    checkpoints: await q(`select * from view_checkpoints where space_id in $SPACES order by space_id, session_id, name`),
    knowledge: await q(`select *, search::text as search from view_knowledge where space_id in $SPACES order by space_id, project, entry_id`),
    removed: await q(`select * from view_knowledge_removed where space_id in $SPACES order by space_id, project, entry_id`),
  };
}

/** A message with text, for pushes. */
export function msg(id: string, text: string, o: { parent?: string | null; role?: 'user' | 'assistant'; minute?: number; tokens?: number } = {}) {
  return {
    msg_id: id,
    parent_msg_id: o.parent ?? null,
    role: o.role ?? 'user',
    content: [{ type: 'text' as const, text }],
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, o.minute ?? 0)).toISOString(),
    usage: { input_tokens: o.tokens ?? 10, output_tokens: (o.tokens ?? 10) >> 1 },
    model: 'claude-sonnet-4-5',
  };
}
