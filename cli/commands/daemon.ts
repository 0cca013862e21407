import type { Argv, CommandModule } from 'yargs';
import { ADAPTERS } from '../../adapters/index.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import { startDaemon, stopDaemon } from '../daemon/control.js';
import { daemonFiles } from '../daemon/files.js';
import { keepYoungGenerationSmall } from '../daemon/heap.js';
import { followLines, formatLogLine, tailLines } from '../daemon/logs.js';
import { runningDaemon } from '../daemon/process.js';
import { runDaemon } from '../daemon/run.js';
import { readStatus, type DaemonStatus } from '../daemon/status.js';
import { color, formatDuration, print, printJson, shortTime } from '../output.js';
import { renderTable } from '../table.js';
import { plural } from '../../engine/index.js';

const start = handler<GlobalArgs>(async (_a, ctx) => {
  const r = await startDaemon(ctx.paths);
  if (ctx.json) return printJson('daemon.start', { pid: r.pid, already_running: r.already });
  print(r.already ? `daemon already running (pid ${r.pid})` : `${color.green('daemon started')} (pid ${r.pid})`);
});

const stop = handler<GlobalArgs>(async (_a, ctx) => {
  const r = await stopDaemon(ctx.paths);
  if (ctx.json) return printJson('daemon.stop', { stopped: !!r, pid: r?.pid ?? null });
  print(r ? `daemon stopped (pid ${r.pid})` : 'no daemon running');
});

const restart = handler<GlobalArgs>(async (_a, ctx) => {
  const stopped = await stopDaemon(ctx.paths);
  const r = await startDaemon(ctx.paths);
  if (ctx.json) return printJson('daemon.restart', { stopped_pid: stopped?.pid ?? null, pid: r.pid });
  print(`${color.green('daemon restarted')} (pid ${r.pid})`);
});

interface RunArgs extends GlobalArgs {
  background?: boolean;
}

const run = handler<RunArgs>(async (a, ctx) => {
  keepYoungGenerationSmall(); // before the catch-up allocates: an idle daemon should not keep its peak heap
  await runDaemon(ctx.paths, { adapters: ADAPTERS, env: adapterEnv(), echo: !a.background });
  // Everything is closed; do not let a straggling handle keep the process alive.
  setTimeout(() => process.exit(), 1000).unref();
});

const status = handler<GlobalArgs>(async (_a, ctx) => {
  const files = daemonFiles(ctx.paths);
  const pid = runningDaemon(files);
  const st = pid ? readStatus(files) : null;
  const current = st && st.pid === pid?.pid ? st : null;
  if (ctx.json) {
    return printJson('daemon.status', {
      running: !!pid,
      pid: pid?.pid ?? null,
      started_at: pid?.started_at ?? null,
      uptime_ms: pid ? Date.now() - Date.parse(pid.started_at) : null,
      status: current,
    });
  }
  if (!pid) return print(`no daemon running ${color.dim('(`sfs daemon start` starts one)')}`);
  const up = formatDuration(Date.now() - Date.parse(pid.started_at));
  if (!current) return print(`daemon starting (pid ${pid.pid}, up ${up})`);
  printStatus(current, up);
});

function printStatus(st: DaemonStatus, up: string): void {
  const age = Date.now() - Date.parse(st.updated_at);
  print(
    `daemon running · pid ${st.pid} · up ${up} · ${st.phase} · store ${st.store_role}${age > 15_000 ? color.yellow(` · status ${formatDuration(age)} old`) : ''}`,
  );
  const rows = st.tools.map((t) => [
    t.tool,
    t.installed_version ? (t.warnings?.some((w) => w.kind === 'newer-version') ? color.yellow(t.installed_version) : t.installed_version) : color.dim('-'),
    t.watched ? color.green('yes') : color.dim(t.setting === 'off' ? 'off' : 'no'),
    t.store_found ? 'found' : color.dim('none'),
    String(t.sources_seen),
    String(t.sessions_captured),
    String(t.messages_added),
    shortTime(t.last_capture_at),
    t.errors ? color.yellow(String(t.errors)) : '0',
    String(t.queue_depth),
    t.quarantined.length ? color.red(String(t.quarantined.length)) : '0',
  ]);
  print(renderTable(['TOOL', 'VERSION', 'WATCHED', 'STORE', 'SOURCES', 'SESSIONS', 'MESSAGES', 'LAST CAPTURE', 'ERRORS', 'QUEUE', 'QUARANTINED'], rows));
  // Older daemons (before warnings existed) write no `warnings`.
  const warnings = st.tools.flatMap((t) => t.warnings ?? []);
  if (warnings.length) {
    print(color.yellow(color.bold(`\n${warnings.length === 1 ? 'warning' : 'warnings'} (capture may be missing sessions)`)));
    for (const w of warnings) print(color.yellow(`${w.tool} ${w.kind}${w.record_type ? ` "${w.record_type}"` : ''}: ${w.message}`));
  }
  const problems = st.tools.flatMap((t) => t.recent_problems.map((p) => ({ tool: t.tool, ...p }))).slice(-10);
  if (problems.length) {
    print(color.bold('\nrecent problems'));
    for (const p of problems) print(`${shortTime(p.at)} ${p.tool} ${p.path}${p.where ? `:${p.where}` : ''}: ${p.message}`);
  }
  const q = st.tools.flatMap((t) => t.quarantined);
  if (q.length) {
    print(color.bold('\nquarantined (retried when they change, at most every 10 minutes)'));
    for (const s of q) print(`${s.tool} ${s.path}: ${plural(s.failures, 'failure')}, last: ${s.error ?? '-'}`);
  }
  if (!st.sync && st.autosync?.signed_in) print(`sync: off · autosync ${st.autosync.mode} ${color.dim('(sfs sync auto --mode all turns it on)')}`);
  if (st.sync)
    print(
      `sync: ${st.sync.state} · ${st.sync.relay} · pushed ${st.sync.pushed} · pulled ${st.sync.pulled}${st.sync.lastError ? color.yellow(` · ${st.sync.lastError}`) : ''}`,
    );
  print(color.dim(`\nlog: ${st.log_file}`));
}

interface LogsArgs extends GlobalArgs {
  follow?: boolean;
  lines: number;
}

const logs = handler<LogsArgs>(async (a, ctx) => {
  const file = daemonFiles(ctx.paths).log;
  const show = (l: string) => print(ctx.json ? l : formatLogLine(l));
  const { lines, size } = tailLines(file, a.lines);
  if (!lines.length && !a.follow) return print(color.dim(`no daemon log yet (${file})`));
  for (const l of lines) show(l);
  if (!a.follow) return;
  const ac = new AbortController();
  const stopFollowing = () => ac.abort();
  process.once('SIGINT', stopFollowing);
  process.once('SIGTERM', stopFollowing);
  await followLines(file, size, show, ac.signal);
});

export const daemonCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'daemon',
  describe: 'Run the background capture daemon (start, stop, restart, status, logs, run)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command({ command: 'start', describe: 'Start the daemon in the background (returns once it is up)', handler: start } as CommandModule<
        GlobalArgs,
        GlobalArgs
      >)
      .command({ command: 'stop', describe: 'Stop the daemon (it finishes the capture under way)', handler: stop } as CommandModule<GlobalArgs, GlobalArgs>)
      .command({ command: 'restart', describe: 'Stop and start the daemon', handler: restart } as CommandModule<GlobalArgs, GlobalArgs>)
      .command({
        command: 'status',
        describe: 'Per tool: store, sources, sessions, last capture, errors, queue, quarantined',
        handler: status,
      } as CommandModule<GlobalArgs, GlobalArgs>)
      .command({
        command: 'logs',
        describe: 'Print the daemon log (-f follows it)',
        builder: (yy: Argv<GlobalArgs>) =>
          yy
            .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new lines' })
            .option('lines', { alias: 'n', type: 'number', default: 50, describe: 'lines to show first' }) as Argv<LogsArgs>,
        handler: logs,
      } as CommandModule<GlobalArgs, LogsArgs>)
      .command({
        command: 'run',
        describe: 'Run the daemon in the foreground (log lines on stderr; Ctrl-C stops it)',
        builder: (yy: Argv<GlobalArgs>) => yy.option('background', { type: 'boolean', hidden: true }) as Argv<RunArgs>,
        handler: run,
      } as CommandModule<GlobalArgs, RunArgs>)
      .demandCommand(1, 'use `sfs daemon start|stop|restart|status|logs|run`'),
  handler: () => undefined,
};
