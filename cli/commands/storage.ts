import type { Argv, CommandModule } from 'yargs';
import {
  storageReport,
  evictSessions,
  pruneCandidates,
  type PruneCandidate,
  SfsError,
  RelayApi,
  readCredentials,
  sessionsHeldByRelay,
  plural,
} from '../../engine/index.js';
import { confirm } from '../confirm.js';
import { handler, type GlobalArgs } from '../context.js';
import { parseDays } from '../dates.js';
import { color, print, printJson, shortTime, truncate } from '../output.js';
import { renderTable } from '../table.js';

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

interface PruneArgs extends GlobalArgs {
  'dry-run'?: boolean;
  'older-than'?: string;
  yes?: boolean;
}

const sessionsWord = (n: number) => `${n} session${n === 1 ? '' : 's'}`;

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe:
    'Free disk space: evict deleted sessions (and with --older-than, inactive ones) from this machine only; they stay on the relay and your other machines',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('dry-run', { type: 'boolean', describe: 'list what would be evicted' })
      .option('older-than', { type: 'string', describe: 'also sessions inactive for longer than AGE (30d, 8w)' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'do not ask' }) as Argv<PruneArgs>,
  handler: handler<PruneArgs>(async (a, ctx) => {
    const store = await ctx.store();
    const candidates = pruneCandidates(await store.view(), { olderThanDays: a['older-than'] ? parseDays(a['older-than'], '--older-than') : undefined });
    // Signed in: only what the relay holds in full may go (it can be fetched back); the rest is kept.
    const creds = readCredentials(ctx.paths);
    const held =
      creds && candidates.length
        ? await sessionsHeldByRelay(
            store.log,
            new RelayApi(creds.relay, creds.token),
            candidates.map((c) => c.id),
          )
        : undefined;
    const evict = held ? candidates.filter((c) => held.has(c.id)) : candidates;
    const kept = held ? candidates.filter((c) => !held.has(c.id)) : [];
    const size = evict.reduce((n, c) => n + c.message_bytes, 0);
    const keptNote = kept.length
      ? `${sessionsWord(kept.length)} not yet synced to ${creds!.relay} ${kept.length === 1 ? 'was' : 'were'} kept (sfs sync now, then prune again)`
      : '';
    const report = { signed_in: !!creds, relay: creds?.relay ?? null, evicted: evict, kept_unsynced: kept };
    if (a['dry-run'] || !evict.length) {
      if (ctx.json) return printJson('storage.prune', { dryRun: !!a['dry-run'], ...report, bytes_before: null, bytes_after: null, freed_bytes: 0 });
      if (!evict.length && !kept.length) return print(color.dim('Nothing to prune.'));
      if (evict.length) {
        print(table(evict));
        print(color.dim(`${sessionsWord(evict.length)} (${bytes(size)} of messages) would be evicted from this machine (dry run).`));
      } else print(color.dim('Nothing to evict.'));
      if (keptNote) print(keptNote);
      return;
    }
    const where = creds
      ? `They stay on ${creds.relay} and your other machines; sfs pull ID fetches one back.`
      : 'You are not signed in to a relay: these copies exist nowhere else, and evicting them erases them for good.';
    if (!a.yes) {
      // Nothing goes by surprise: without a terminal to ask on, only --yes evicts.
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new SfsError(
          'USAGE',
          `storage prune needs --yes when there is no terminal to ask on: ${sessionsWord(evict.length)} would be evicted (--dry-run lists them)`,
        );
      }
      if (!ctx.json) print(table(evict));
      if (!(await confirm(`Evict ${sessionsWord(evict.length)} (${bytes(size)} of messages) from this machine? ${where}`))) {
        throw new SfsError('USAGE', `storage prune not confirmed: nothing evicted`);
      }
    }
    const r = await evictSessions(
      store,
      evict.map((c) => c.id),
    );
    const freed = r.bytes_before - r.bytes_after;
    if (ctx.json)
      return printJson('storage.prune', {
        dryRun: false,
        ...report,
        evicted: evict.filter((c) => r.evicted.includes(c.id)),
        bytes_before: r.bytes_before,
        bytes_after: r.bytes_after,
        freed_bytes: freed,
      });
    print(
      `evicted ${sessionsWord(r.evicted.length)} from this machine; the store went from ${bytes(r.bytes_before)} to ${bytes(r.bytes_after)} (${freed >= 0 ? `${bytes(freed)} freed` : `${bytes(-freed)} more`})`,
    );
    if (!creds) print(color.dim('not signed in to a relay: the evicted sessions are gone for good'));
    else print(color.dim('sfs list --evicted shows them; sfs pull ID fetches one back'));
    if (keptNote) print(keptNote);
  }),
};

function table(rows: PruneCandidate[]): string {
  return renderTable(
    ['SESSION', 'WHY', 'UPDATED', 'MSGS', 'TITLE'],
    rows.map((c) => [c.id.slice(0, 12), c.reason, shortTime(c.updated_at), String(c.message_count), truncate(c.title, 50)]),
  );
}

export const storageCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'storage',
  describe: 'Show where data lives and how much space it takes (storage prune: free space)',
  builder: (y: Argv<GlobalArgs>) => y.command(pruneCommand),
  handler: handler<GlobalArgs>(async (_a, ctx) => {
    const store = await ctx.store();
    const r = await storageReport(store);
    if (ctx.json) return printJson('storage', r);
    print(`${color.dim('data'.padEnd(12))} ${r.data_dir}`);
    print(`${color.dim('event log'.padEnd(12))} ${bytes(r.log_bytes)} (${plural(r.events, 'event')}, origin ${r.origin})`);
    print(`${color.dim('projections'.padEnd(12))} ${bytes(r.projection_bytes)}`);
    print(`${color.dim('sessions'.padEnd(12))} ${r.sessions} (${r.deleted} deleted, ${r.purged} purged${r.evicted ? `, ${r.evicted} evicted` : ''})`);
    print(`${color.dim('messages'.padEnd(12))} ${r.messages}`);
    print(`${color.dim('config'.padEnd(12))} ${r.config_dir}`);
  }),
};
