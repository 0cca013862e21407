import type { Argv, CommandModule } from 'yargs';
import { ADAPTERS, adapterFor } from '../../adapters/index.js';
import { watchPlan, loadConfig, setConfig, watchKey, SfsError, type SfsPaths } from '../../engine/index.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import { daemonFiles } from '../daemon/files.js';
import { runningDaemon } from '../daemon/process.js';
import { color, print, printJson } from '../output.js';
import { renderTable } from '../table.js';

/** Tells a running daemon to re-read the config now (it also notices the file change by itself). */
export function notifyDaemon(paths: SfsPaths): number | null {
  const d = runningDaemon(daemonFiles(paths));
  if (!d) return null;
  try {
    process.kill(d.pid, 'SIGHUP');
    return d.pid;
  } catch {
    return null;
  }
}

interface ToolArgs extends GlobalArgs {
  tool: string;
}

function toggle(on: boolean) {
  return handler<ToolArgs>(async (a, ctx) => {
    const adapter = adapterFor(a.tool);
    if (!adapter) throw new SfsError('USAGE', `unknown tool "${a.tool}"; known: ${ADAPTERS.map((x) => x.tool).join(', ')}`);
    setConfig(ctx.paths, watchKey(adapter.tool), on ? 'on' : 'off');
    const pid = notifyDaemon(ctx.paths);
    if (ctx.json) return printJson(on ? 'watcher.enable' : 'watcher.disable', { tool: adapter.tool, watched: on, daemon_notified: pid !== null });
    print(`${on ? color.green('watching') : 'not watching'} ${adapter.displayName}${pid ? color.dim(` (daemon pid ${pid} notified)`) : ''}`);
  });
}

const list = handler<GlobalArgs>(async (_a, ctx) => {
  const plan = watchPlan(ADAPTERS, loadConfig(ctx.paths), adapterEnv());
  if (ctx.json)
    return printJson('watcher.list', {
      tools: plan.map((p) => ({
        tool: p.tool,
        setting: p.setting,
        watched: p.watched,
        store_found: p.found,
        store_dirs: p.existing.length ? p.existing : p.storeDirs,
      })),
    });
  const rows = plan.map((p) => [
    p.tool,
    p.watched ? color.green('yes') : color.dim('no'),
    p.setting,
    p.found ? p.existing.join(', ') : color.dim(`none (${p.storeDirs[0] ?? '-'})`),
  ]);
  print(renderTable(['TOOL', 'WATCHED', 'SETTING', 'STORE'], rows));
  print(color.dim('auto = watched when its store exists; `sfs watcher enable|disable TOOL` changes it'));
});

export const watcherCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'watcher',
  describe: 'Choose which tools the daemon watches (list, enable, disable)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command({ command: 'list', describe: 'Each tool: watched or not, and where its store is', handler: list } as CommandModule<GlobalArgs, GlobalArgs>)
      .command({
        command: 'enable <tool>',
        describe: 'Watch a tool (even before its store exists)',
        builder: (yy: Argv<GlobalArgs>) => yy.positional('tool', { type: 'string', demandOption: true }) as Argv<ToolArgs>,
        handler: toggle(true),
      } as CommandModule<GlobalArgs, ToolArgs>)
      .command({
        command: 'disable <tool>',
        describe: 'Stop watching a tool (what was captured stays)',
        builder: (yy: Argv<GlobalArgs>) => yy.positional('tool', { type: 'string', demandOption: true }) as Argv<ToolArgs>,
        handler: toggle(false),
      } as CommandModule<GlobalArgs, ToolArgs>)
      .demandCommand(1, 'use `sfs watcher list|enable TOOL|disable TOOL`'),
  handler: () => undefined,
};
