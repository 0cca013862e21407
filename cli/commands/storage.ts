import type { Argv, CommandModule } from 'yargs';
import { storageReport } from '../../engine/ops/storage.js';
import { prune } from '../../engine/ops/prune.js';
import { handler, type GlobalArgs } from '../context.js';
import { parseDays } from '../dates.js';
import { color, print, printJson, shortTime, truncate } from '../output.js';
import { renderTable } from '../table.js';
import { plural } from '../../engine/plural.js';

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

interface PruneArgs extends GlobalArgs {
  'dry-run'?: boolean;
  'older-than'?: string;
}

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Purge deleted sessions (and with --older-than, inactive ones); keeps aliased, checkpointed and forked-from sessions',
  builder: (y: Argv<GlobalArgs>) =>
    y.option('dry-run', { type: 'boolean', describe: 'list what would be purged' }).option('older-than', { type: 'string', describe: 'also sessions inactive for longer than AGE (30d, 8w)' }) as Argv<PruneArgs>,
  handler: handler<PruneArgs>(async (a, ctx) => {
    const store = await ctx.store();
    const res = await prune(store, { dryRun: a['dry-run'], olderThanDays: a['older-than'] ? parseDays(a['older-than'], '--older-than') : undefined });
    if (ctx.json) return printJson('storage.prune', res);
    if (!res.purged.length) return print(color.dim('Nothing to prune.'));
    print(renderTable(['SESSION', 'WHY', 'UPDATED', 'MSGS', 'TITLE'], res.purged.map((c) => [c.id.slice(0, 12), c.reason, shortTime(c.updated_at), String(c.message_count), truncate(c.title, 50)])));
    print(res.dryRun ? color.dim(`${res.purged.length} sessions would be purged (dry run).`) : `purged ${res.purged.length} sessions`);
  }),
};

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
    print(`${color.dim('sessions'.padEnd(12))} ${r.sessions} (${r.deleted} deleted, ${r.purged} purged)`);
    print(`${color.dim('messages'.padEnd(12))} ${r.messages}`);
    print(`${color.dim('config'.padEnd(12))} ${r.config_dir}`);
  }),
};
