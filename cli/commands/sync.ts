import type { CommandModule } from 'yargs';
import {
  SfsError,
  resolveSession,
  readCredentials,
  readSyncSettings,
  writeSyncSettings,
  type SyncMode,
  BLOCKED_KEY,
  syncCursorKey as cursorKey,
  pushedKey,
  RelayApi,
  plural,
  syncOnce,
} from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { print, printJson } from '../output.js';
import { asCli } from './remote.js';
import { autosyncNote, setAutosync } from '../autosync.js';

interface SyncArgs extends GlobalArgs {
  action: 'status' | 'now' | 'auto' | 'watch' | 'unwatch';
  session?: string;
  mode?: SyncMode;
}

export const syncCommand: CommandModule<GlobalArgs, SyncArgs> = {
  command: 'sync <action> [session]',
  describe: 'Sync with the relay: status, now (one pass), auto --mode off|all|selective, watch/unwatch <session>',
  builder: (y) =>
    y
      .positional('action', { choices: ['status', 'now', 'auto', 'watch', 'unwatch'] as const, demandOption: true })
      .positional('session', { type: 'string', describe: 'for watch/unwatch: id, alias or prefix' })
      .option('mode', { choices: ['off', 'all', 'selective'] as const, describe: 'for auto: what continuous sync pushes' }) as never,
  handler: handler(async (a, ctx) => {
    const settings = readSyncSettings(ctx.paths);
    if (a.action === 'auto') {
      if (!a.mode) {
        if (ctx.json) return printJson('sync auto', settings);
        return print(`autosync: ${settings.mode}${settings.mode === 'selective' ? ` (${settings.watch.length} watched)` : ''}`);
      }
      setAutosync(ctx.paths, a.mode);
      if (ctx.json) return printJson('sync auto', { ...settings, mode: a.mode });
      return print(autosyncNote(a.mode));
    }
    if (a.action === 'watch' || a.action === 'unwatch') {
      if (!a.session) throw new SfsError('USAGE', `sync ${a.action} needs a session`);
      const store = await ctx.store();
      const id = resolveSession(await store.view(), a.session);
      const watch = a.action === 'watch' ? [...settings.watch, id] : settings.watch.filter((s) => s !== id);
      writeSyncSettings(ctx.paths, { ...settings, watch });
      if (ctx.json) return printJson(`sync ${a.action}`, { session: id, mode: settings.mode });
      const note = settings.mode === 'selective' ? '' : ` (autosync is ${settings.mode}; watching matters in selective mode)`;
      return print(`${a.action === 'watch' ? 'watching' : 'no longer watching'} ${id}${note}`);
    }
    const creds = readCredentials(ctx.paths);
    if (!creds) throw new SfsError('AUTH', 'not signed in to a relay: run sfs auth signup or sfs auth login first');
    const store = await ctx.store();
    if (a.action === 'now') {
      // Asked for now: with autosync off this pass pushes everything (selective: the watched sessions).
      const r = await asCli(syncOnce(store, settings.mode === 'off' ? { filter: () => true } : {}));
      if (ctx.json) return printJson('sync now', r);
      return print(`synced with ${creds.relay}: pushed ${r.pushed}, pulled ${plural(r.pulled, 'event')} across ${plural(r.spaces, 'space')}`);
    }
    // status: local facts first; the relay's spaces when it answers.
    const info = await store.log.info();
    let spaces: Array<{ id: string; name: string; kind: string }> = [];
    let reachable = true;
    try {
      spaces = (await new RelayApi(creds.relay, creds.token).call('GET', '/v1/spaces')).spaces;
    } catch {
      reachable = false;
    }
    const personal = spaces.find((s) => s.kind === 'personal');
    const pushed = personal ? ((await store.log.getCursor<number>(pushedKey(creds.relay, personal.id))) ?? 0) : undefined;
    const own = info.origins[info.origin] ?? 0;
    const pulls = await Promise.all(
      spaces.map(async (s) => ({ space: s.name, cursor: (await store.log.getCursor<number>(cursorKey(creds.relay, s.id))) ?? 0 })),
    );
    const blocked = ((await store.log.getCursor<string[]>(BLOCKED_KEY)) ?? []).length;
    const out = {
      relay: creds.relay,
      username: creds.username,
      reachable,
      mode: settings.mode,
      watched: settings.watch.length,
      origin: info.origin,
      local_seq: own,
      pushed_seq: pushed ?? null,
      pull_cursors: pulls,
      dlp_blocked: blocked,
    };
    if (ctx.json) return printJson('sync status', out);
    print(`relay     ${creds.relay} (${reachable ? 'reachable' : 'unreachable'}) as ${creds.username}`);
    print(`autosync  ${settings.mode}${settings.mode === 'selective' ? `, ${settings.watch.length} watched` : ''}`);
    print(`pushed    ${pushed ?? '?'} of ${plural(own, 'local event')} (origin ${info.origin}; filtered-out events count as pushed)`);
    for (const p of pulls) print(`pulled    ${p.space} up to relay cursor ${p.cursor}`);
    if (blocked) print(`dlp       ${plural(blocked, 'event')} held back by a block policy (sfs dlp scan <id>)`);
  }),
};
