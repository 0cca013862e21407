import type { CommandModule } from 'yargs';
import { refoldSession } from '../../engine/projections/refold.js';
import { resolveSession } from '../../engine/queries/sessions.js';
import { fromWire } from '../../engine/replication/protocol.js';
import { resolveRemoteSession } from '../../engine/replication/resolve-remote.js';
import { readSyncSettings, writeSyncSettings } from '../../engine/replication/settings.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { print, printJson, shortTime } from '../output.js';
import { renderTable } from '../table.js';
import { api, asCli } from './remote.js';

interface IdArgs extends GlobalArgs {
  session: string;
  space?: string;
}

/** Makes sure the session's own events are on the relay (and keep going there under selective sync). */
async function pushOne(ctx: Ctx, ref: string): Promise<{ id: string; pushed: number }> {
  const store = await ctx.store();
  const id = resolveSession(await store.view(), ref);
  const settings = readSyncSettings(ctx.paths);
  if (!settings.watch.includes(id)) writeSyncSettings(ctx.paths, { ...settings, watch: [...settings.watch, id] });
  const { syncOnce } = await import('../../engine/replication/start-sync.js');
  const r = await asCli(syncOnce(store, { sessions: [id] }));
  return { id, pushed: r.pushed };
}

export const pushCommand: CommandModule<GlobalArgs, IdArgs> = {
  command: 'push <session>',
  describe: 'Send a session to the relay (your other machines get it), or share it into a team space with --space',
  builder: (y) => y.positional('session', { type: 'string', demandOption: true }).option('space', { type: 'string', describe: 'team space to share it into' }) as never,
  handler: handler(async (a, ctx) => {
    let shared: { copied: number; withheld: number } | undefined;
    if (a.space) {
      // Shared first: the relay copies only what was scrubbed well enough for the space, and the
      // push that follows sends the rest of this machine's events again, scrubbed for it.
      const store = await ctx.store();
      shared = await api(ctx).api.call('POST', '/v1/shares', { session: resolveSession(await store.view(), a.session), space: a.space });
    }
    const { id, pushed } = await pushOne(ctx, a.session);
    if (ctx.json) return printJson('push', { session: id, pushed, space: a.space ?? null, copied: shared?.copied ?? null, withheld: shared?.withheld ?? null });
    print(`pushed ${id} (${pushed} new event(s))${a.space ? `; shared into ${a.space} (${shared!.copied} event(s) copied${shared!.withheld ? `, ${shared!.withheld} held for a push scrubbed for ${a.space}` : ''})` : ''}`);
  }),
};

/** Fetches a session's events; one evicted from this machine (storage prune) comes back whole. */
async function fetchInto(ctx: Ctx, session: string, space?: string): Promise<{ written: number; duplicates: number; restored: number }> {
  const { api: client } = api(ctx);
  const { events } = await client.sessionEvents(session, space);
  const store = await ctx.store();
  const wasEvicted = (await store.log.evictedSessions()).includes(session);
  const r = await store.log.ingest(events.map(fromWire), undefined, { sparse: true, restore: true });
  // The restored bodies went back into events already folded: fold the session again.
  if (wasEvicted) await refoldSession(store.projections, store.log, session);
  return { written: r.written, duplicates: r.duplicates, restored: r.restored ?? 0 };
}

interface RemoteSession {
  space: string;
  session: string;
  events: number;
  last_ts: number;
  purged: boolean;
}

/** The sessions the relay lists for the user's spaces (or one space): what list-remote shows and pull resolves against. */
async function remoteSessions(ctx: Ctx, space?: string): Promise<RemoteSession[]> {
  const res = await api(ctx).api.call('GET', `/v1/sessions${space ? `?space=${encodeURIComponent(space)}` : ''}`);
  return res.sessions as RemoteSession[];
}

export const pullCommand: CommandModule<GlobalArgs, IdArgs> = {
  command: 'pull <session>',
  describe: 'Fetch a session from the relay into this store (an id or id prefix of at least 4 characters, as sfs list-remote shows it)',
  builder: (y) => y.positional('session', { type: 'string', demandOption: true }).option('space', { type: 'string', describe: 'only from this space' }) as never,
  handler: handler(async (a, ctx) => {
    const id = resolveRemoteSession(a.session, (await remoteSessions(ctx, a.space)).map((r) => r.session));
    const r = await fetchInto(ctx, id, a.space);
    if (ctx.json) return printJson('pull', { session: id, ...r });
    print(`pulled ${id}: ${r.written} new event(s), ${r.duplicates} already here${r.restored ? ` (${r.restored} evicted event(s) restored)` : ''}`);
  }),
};

export const listRemoteCommand: CommandModule<GlobalArgs, GlobalArgs & { space?: string }> = {
  command: 'list-remote',
  describe: 'Sessions on the relay in the spaces you belong to',
  builder: (y) => y.option('space', { type: 'string', describe: 'only this space' }) as never,
  handler: handler(async (a, ctx) => {
    const rows = await remoteSessions(ctx, a.space);
    if (ctx.json) return printJson('list-remote', { sessions: rows });
    if (!rows.length) return print('no sessions on the relay yet');
    print(renderTable(['SPACE', 'SESSION', 'EVENTS', 'LAST', ''], rows.map((r) => [r.space, r.session, String(r.events), shortTime(new Date(r.last_ts).toISOString()), r.purged ? 'purged' : ''])));
  }),
};

export const handoffCommand: CommandModule<GlobalArgs, IdArgs & { to: string; message?: string }> = {
  command: 'handoff <session>',
  describe: 'Hand a session to another account; they take it with sfs pull-handoff <hnd_id>',
  builder: (y) =>
    y
      .positional('session', { type: 'string', demandOption: true })
      .option('to', { type: 'string', demandOption: true, describe: 'recipient username' })
      .option('message', { type: 'string', describe: 'a note for the recipient' }) as never,
  handler: handler(async (a, ctx) => {
    const { id } = await pushOne(ctx, a.session);
    const h = await api(ctx).api.call('POST', '/v1/handoffs', { session: id, to: a.to, message: a.message ?? null });
    if (ctx.json) return printJson('handoff', h);
    print(`handed ${id} to ${a.to}: they run  sfs pull-handoff ${h.id}`);
  }),
};

export const pullHandoffCommand: CommandModule<GlobalArgs, GlobalArgs & { handoff: string }> = {
  command: 'pull-handoff <handoff>',
  describe: 'Take a session handed to you (hnd_… id; without one, list pending handoffs)',
  builder: (y) => y.positional('handoff', { type: 'string', demandOption: true }) as never,
  handler: handler(async (a, ctx) => {
    const { api: client } = api(ctx);
    const h = await client.call('POST', `/v1/handoffs/${encodeURIComponent(a.handoff)}/accept`);
    const r = await fetchInto(ctx, h.session);
    if (ctx.json) return printJson('pull-handoff', { ...h, written: r.written });
    print(`took ${h.session} (${r.written} new event(s))${h.message ? `: “${h.message}”` : ''}`);
  }),
};
