import type { CommandModule } from 'yargs';
import {
  plural,
  refoldSession,
  resolveSession,
  attributeFetched,
  resolveRemoteSession,
  readSyncSettings,
  writeSyncSettings,
  SfsError,
  syncOnce,
} from '../../engine/index.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { print, printJson, shortTime } from '../output.js';
import { renderTable } from '../table.js';
import { api, asCli } from './remote.js';
import { parseDurationMs } from '../duration.js';

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
  const r = await asCli(syncOnce(store, { sessions: [id] }));
  return { id, pushed: r.pushed };
}

export const pushCommand: CommandModule<GlobalArgs, IdArgs> = {
  command: 'push <session>',
  describe: 'Send a session to the relay (your other machines get it), or share it into a team space with --space',
  builder: (y) =>
    y.positional('session', { type: 'string', demandOption: true }).option('space', { type: 'string', describe: 'team space to share it into' }) as never,
  handler: handler(async (a, ctx) => {
    // Pushed first: the relay lets an account share only a session with its own events there.
    const one = await pushOne(ctx, a.session);
    const id = one.id;
    let pushed = one.pushed;
    let shared: { copied: number; withheld: number } | undefined;
    if (a.space) {
      // The relay copies only what was scrubbed well enough for the space; this machine sends the
      // rest again now, scrubbed for it (the relay lists it for backfill in the next welcome).
      const res: { space: string; copied: number; withheld: number } = await api(ctx).api.call('POST', '/v1/shares', { session: id, space: a.space });
      shared = res;
      // Recorded in the log (and so on her other machines): teammates' events of this session through that space now enter her view of it.
      const store = await ctx.store();
      await store.log.append({ events: [{ type: 'session.shared', session: id, body: { space: res.space, space_name: a.space } }] });
      if (res.withheld) {
        pushed += (await asCli(syncOnce(store))).pushed;
      }
    }
    if (ctx.json) return printJson('push', { session: id, pushed, space: a.space ?? null, copied: shared?.copied ?? null, withheld: shared?.withheld ?? null });
    print(
      `pushed ${id} (${plural(pushed, 'new event')})${a.space ? `; shared into ${a.space} (${plural(shared!.copied, 'event')} copied${shared!.withheld ? `, ${shared!.withheld} pushed again, scrubbed for ${a.space}` : ''})` : ''}`,
    );
  }),
};

/** Fetches a session's events; one evicted from this machine (storage prune) comes back whole. */
async function fetchInto(ctx: Ctx, session: string, space?: string): Promise<{ written: number; duplicates: number; restored: number }> {
  const { api: client } = api(ctx);
  const fetched = await client.sessionEvents(session, space);
  const store = await ctx.store();
  const wasEvicted = (await store.log.evictedSessions()).includes(session);
  const r = await store.log.ingest(attributeFetched(fetched), undefined, { sparse: true, restore: true });
  // The restored bodies went back into events already folded: fold the session again.
  if (wasEvicted) await refoldSession(store.projections, store.log, session);
  return { written: r.written, duplicates: r.duplicates, restored: r.restored ?? 0 };
}

interface RemoteSession {
  space: string;
  session: string;
  /** From the session's own events in that space (its discovery, its latest title edit); null when unknown or purged. */
  title: string | null;
  tool: string | null;
  created_at: string | null;
  events: number;
  first_ts: number;
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
  builder: (y) =>
    y.positional('session', { type: 'string', demandOption: true }).option('space', { type: 'string', describe: 'only from this space' }) as never,
  handler: handler(async (a, ctx) => {
    const id = resolveRemoteSession(
      a.session,
      (await remoteSessions(ctx, a.space)).map((r) => r.session),
    );
    const r = await fetchInto(ctx, id, a.space);
    if (ctx.json) return printJson('pull', { session: id, ...r });
    print(
      `pulled ${id}: ${plural(r.written, 'new event')}, ${r.duplicates} already here${r.restored ? ` (${plural(r.restored, 'evicted event')} restored)` : ''}`,
    );
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
    print(
      renderTable(
        ['SPACE', 'SESSION', 'TOOL', 'TITLE', 'STARTED', 'LAST', 'EVENTS', ''],
        rows.map((r) => [
          r.space,
          r.session,
          r.tool ?? '',
          oneLine(r.title ?? '', 50),
          shortTime(r.created_at ?? new Date(r.first_ts).toISOString()),
          shortTime(new Date(r.last_ts).toISOString()),
          String(r.events),
          r.purged ? 'purged' : '',
        ]),
      ),
    );
  }),
};

/** Session text in one table cell: no line breaks or control characters, at most `max` characters. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

interface HandoffArgs extends GlobalArgs {
  session?: string;
  to?: string;
  message?: string;
  expires?: string;
  cancel?: string;
}

export const handoffCommand: CommandModule<GlobalArgs, HandoffArgs> = {
  command: 'handoff [session]',
  describe:
    "Hand a session, as it is now, to another account (they take it once with sfs pull-handoff); again to the same account extends the pending handoff to the session's current end",
  builder: (y) =>
    y
      .positional('session', { type: 'string', describe: 'the session to hand off' })
      .option('to', { type: 'string', describe: 'recipient username' })
      .option('message', { type: 'string', describe: 'a note for the recipient' })
      .option('expires', { type: 'string', describe: "how long it can be accepted (90m, 12h, 7d, 2w; default: the relay's, 7 days)" })
      .option('cancel', { type: 'string', describe: 'withdraw a handoff you made that was not accepted yet (hnd_… id)' }) as never,
  handler: handler(async (a, ctx) => {
    const { api: client } = api(ctx);
    if (a.cancel !== undefined) {
      if (a.session !== undefined || a.to !== undefined) throw new SfsError('USAGE', '--cancel takes a handoff id alone (sfs handoff --cancel hnd_…)');
      const c = await client.call('DELETE', `/v1/handoffs/${encodeURIComponent(a.cancel)}`);
      if (ctx.json) return printJson('handoff', { cancelled: c });
      return print(`cancelled handoff ${c.id} of ${c.session}: it can no longer be accepted`);
    }
    if (a.session === undefined) throw new SfsError('USAGE', 'name the session to hand off: sfs handoff <session> --to USER (or --cancel hnd_…)');
    if (!a.to) throw new SfsError('USAGE', 'sfs handoff needs --to USER (the recipient)');
    const expiresInMs = a.expires === undefined ? undefined : parseDurationMs(a.expires, '--expires');
    const { id } = await pushOne(ctx, a.session);
    const h = await client.call('POST', '/v1/handoffs', {
      session: id,
      to: a.to,
      message: a.message ?? null,
      ...(expiresInMs ? { expires_in_ms: expiresInMs } : {}),
    });
    if (ctx.json) return printJson('handoff', h);
    const until = shortTime(h.expires_at);
    if (h.extended) print(`updated handoff ${h.id} of ${id} to ${a.to}: it now hands over the session as it is now (expires ${until})`);
    else print(`handed ${id} to ${a.to} as it is now (expires ${until}): they run  sfs pull-handoff ${h.id}`);
  }),
};

interface PendingHandoff {
  id: string;
  session: string;
  title: string | null;
  tool: string | null;
  from: string;
  to: string;
  message: string | null;
  created_at: string;
  expires_at: string;
  state: string;
}

export const pullHandoffCommand: CommandModule<GlobalArgs, GlobalArgs & { handoff?: string }> = {
  command: 'pull-handoff [handoff]',
  describe: 'Take a session handed to you (hnd_… id); without one, list the handoffs waiting for you',
  builder: (y) => y.positional('handoff', { type: 'string', describe: 'the handoff to take (hnd_…)' }) as never,
  handler: handler(async (a, ctx) => {
    const { api: client } = api(ctx);
    if (a.handoff === undefined) {
      const me = (await client.call('GET', '/v1/me')).account.username as string;
      const all = (await client.call('GET', '/v1/handoffs')).handoffs as PendingHandoff[];
      const pending = all
        .filter((h) => h.to === me && h.state === 'pending')
        .map((h) => ({
          id: h.id,
          from: h.from,
          session: h.session,
          title: h.title,
          tool: h.tool,
          message: h.message,
          created_at: h.created_at,
          expires_at: h.expires_at,
        }));
      if (ctx.json) return printJson('pull-handoff', { handoffs: pending });
      if (!pending.length) return print('no handoffs waiting for you');
      return print(
        renderTable(
          ['ID', 'FROM', 'SESSION', 'TITLE', 'MESSAGE', 'CREATED', 'EXPIRES'],
          pending.map((h) => [
            h.id,
            h.from,
            h.session,
            oneLine(h.title ?? '', 40),
            oneLine(h.message ?? '', 60),
            shortTime(h.created_at),
            shortTime(h.expires_at),
          ]),
        ),
      );
    }
    const h = await client.call('POST', `/v1/handoffs/${encodeURIComponent(a.handoff)}/accept`);
    const r = await fetchInto(ctx, h.session);
    if (ctx.json) return printJson('pull-handoff', { ...h, written: r.written });
    if (h.already_accepted)
      return print(`handoff ${h.id} was already taken (${shortTime(h.accepted_at)}): nothing more was copied; ${plural(r.written, 'new event')} in this store`);
    print(`took ${h.session} (${plural(r.written, 'new event')})${h.message ? `: “${h.message}”` : ''}`);
  }),
};
