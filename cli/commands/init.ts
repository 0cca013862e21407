import type { Argv, CommandModule } from 'yargs';
import { ADAPTERS } from '../../adapters/index.js';
import { importAll, watchPlan, loadConfig, setConfig, watchKey, SfsError, readCredentials, plural } from '../../engine/index.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import { startDaemon } from '../daemon/control.js';
import { autosyncNote, offerAutosync } from '../autosync.js';
import { color, print, printJson } from '../output.js';
import { renderTable } from '../table.js';

/**
 * `sfs init`, the first-run wizard: find which tools are installed (their stores exist),
 * watch them, offer to import their history and to start the daemon. Safe to run again:
 * a tool the user turned off stays off, the import adds only what is new, a running
 * daemon is left alone.
 */
interface InitArgs extends GlobalArgs {
  yes?: boolean;
  import?: boolean;
  daemon?: boolean;
}

async function ask(message: string, fallback: boolean): Promise<boolean> {
  const { default: confirm } = await import('@inquirer/confirm');
  return confirm({ message, default: fallback });
}

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: 'init',
  describe: 'First run: find installed tools, watch them, import their history, start the daemon',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('yes', { alias: 'y', type: 'boolean', describe: 'accept every default without asking (for scripts)' })
      .option('import', { type: 'boolean', default: true, describe: 'import existing history (--no-import skips it)' })
      .option('daemon', { type: 'boolean', default: true, describe: 'start the daemon (--no-daemon skips it)' }) as Argv<InitArgs>,
  handler: handler<InitArgs>(async (a, ctx) => {
    const interactive = !a.yes;
    if (interactive && (!process.stdin.isTTY || !process.stdout.isTTY || ctx.json)) {
      throw new SfsError('USAGE', 'sfs init asks questions on a terminal; use --yes to accept the defaults');
    }
    const env = adapterEnv();
    const plan = watchPlan(ADAPTERS, loadConfig(ctx.paths), env);
    const detected = await Promise.all(
      plan.map(async (p) => ({
        ...p,
        sources: p.found
          ? (
              await ADAPTERS.find((x) => x.tool === p.tool)!
                .listSources(env)
                .catch(() => [])
            ).length
          : 0,
      })),
    );
    if (!ctx.json) {
      print(
        renderTable(
          ['TOOL', 'STORE', 'SESSION FILES'],
          detected.map((d) => [d.displayName, d.found ? d.existing.join(', ') : color.dim('not found'), d.found ? String(d.sources) : color.dim('-')]),
        ),
      );
    }

    // Watch every installed tool, unless the user turned it off before.
    let toWatch = detected.filter((d) => d.found && d.setting !== 'off').map((d) => d.tool);
    if (interactive && detected.some((d) => d.found)) {
      const { default: checkbox } = await import('@inquirer/checkbox');
      toWatch = await checkbox({
        message: 'Which tools should SessionFS capture?',
        choices: detected
          .filter((d) => d.found)
          .map((d) => ({ name: `${d.displayName} (${plural(d.sources, 'session file')})`, value: d.tool, checked: toWatch.includes(d.tool) })),
      });
    }
    const changed: string[] = [];
    for (const d of detected) {
      const want = toWatch.includes(d.tool) ? 'on' : d.found && interactive ? 'off' : d.setting;
      if (want !== d.setting) {
        setConfig(ctx.paths, watchKey(d.tool), want);
        changed.push(`${d.tool}=${want}`);
      }
    }

    const sessionFiles = detected.filter((d) => toWatch.includes(d.tool)).reduce((n, d) => n + d.sources, 0);
    let imported = null;
    if (
      toWatch.length &&
      a.import !== false &&
      (!interactive || (await ask(`Import the existing history now (${plural(sessionFiles, 'session file')})?`, true)))
    ) {
      const store = await ctx.store();
      imported = await importAll(
        store,
        ADAPTERS.filter((x) => toWatch.includes(x.tool)),
        env,
        { maxLineBytes: Number(loadConfig(ctx.paths)['capture.max_line_bytes']) },
      );
      if (!ctx.json) {
        const t = imported.totals;
        print(
          `imported: ${plural(t.sources, 'source')}, ${plural(t.sessionsNew, 'new session')}, ${plural(t.messagesAdded, 'message')} added, ${plural(t.problems, 'problem')}`,
        );
        for (const p of imported.problems.slice(0, 20)) print(`${color.yellow('problem')} ${p.path}${p.where ? `:${p.where}` : ''}: ${p.message}`);
      }
      // Hand the store over before the daemon wants to own it.
      await store.close();
    }

    let daemon = null;
    if (a.daemon !== false && (!interactive || (await ask('Start the capture daemon now?', true)))) {
      daemon = await startDaemon(ctx.paths);
      if (!ctx.json) print(daemon.already ? `daemon already running (pid ${daemon.pid})` : `${color.green('daemon started')} (pid ${daemon.pid})`);
    }

    // Signed in with autosync off: offer to turn sync on (it is never on unasked).
    const creds = readCredentials(ctx.paths);
    if (interactive && creds) print(autosyncNote(await offerAutosync(ctx.paths, creds.relay)));

    if (ctx.json) {
      return printJson('init', {
        tools: detected.map((d) => ({
          tool: d.tool,
          store_found: d.found,
          store_dirs: d.existing,
          session_files: d.sources,
          watched: toWatch.includes(d.tool),
        })),
        config_changes: changed,
        import: imported && { totals: imported.totals, problems: imported.problems },
        daemon: daemon && { pid: daemon.pid, already_running: daemon.already },
      });
    }
    if (!detected.some((d) => d.found)) print(color.yellow('No AI coding tool store found; `sfs watcher enable TOOL` watches one before it exists.'));
    print(color.dim('Next: `sfs list` to browse, `sfs daemon status` to see capture.'));
  }),
};
