import { spawn } from 'node:child_process';
import type { Argv, CommandModule } from 'yargs';
import { ADAPTERS } from '../../adapters/index.js';
import { RESUME_TARGETS, SfsError, isResumeTarget, writeNativeCopy, type PathMap } from '../../engine/index.js';
import { WRITERS } from '../../adapters/writers.js';
import { commandLine } from '../launch.js';
import { resumeSummary, writeNative } from './resume.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import { runDoctor } from '../doctor/run.js';
import { color, print, printJson } from '../output.js';
import { LocalSource } from '../ui/api/local-source.js';
import { startUiServer } from '../ui/server.js';
import { runInTerminal } from '../ui/terminal.js';

interface Args extends GlobalArgs {
  port: number;
  open: boolean;
}

/**
 * Opens the URL in the user's browser. False when there is no opener (a server, a container) or
 * it fails at once (xdg-open without a desktop); then the URL is only printed.
 */
function openBrowser(url: string): Promise<boolean> {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
      const timer = setTimeout(() => resolve(true), 2000);
      child.once('error', () => (clearTimeout(timer), resolve(false)));
      child.once('exit', (code) => (clearTimeout(timer), resolve(code === 0)));
      child.unref();
    } catch {
      resolve(false);
    }
  });
}

export const uiCommand: CommandModule<GlobalArgs, Args> = {
  command: 'ui',
  describe: 'Open the web dashboard: browse, read, search and act on sessions in the browser (local only)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'port on 127.0.0.1 (0: any free port)' })
      .option('open', { type: 'boolean', default: true, describe: 'open the browser; --no-open only prints the URL' }) as Argv<Args>,
  handler: handler<Args>(async (a, ctx) => {
    if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new SfsError('USAGE', '--port must be a whole number from 0 to 65535');
    const source = new LocalSource(ctx.paths, process.cwd(), {
      doctor: async () => {
        const checks = await runDoctor(ctx.paths, { fix: false, adapters: ADAPTERS, env: adapterEnv() });
        const failed = checks.filter((c) => c.status === 'fail').length;
        return { ok: failed === 0, failed, warnings: checks.filter((c) => c.status === 'warn').length, checks };
      },
      // `sfs resume --print-command`: write the native session and hand back the command; the user starts the tool.
      resume: async (store, id, target) => {
        if (target !== undefined && !isResumeTarget(target)) throw new SfsError('USAGE', `cannot resume in "${target}" (${RESUME_TARGETS.join(', ')})`);
        const result = await writeNative({ ...ctx, store: async () => store }, { session: id, target, rules: true });
        const spec = WRITERS[result.target].launch(result.written, {});
        return { ...resumeSummary(result), command: commandLine(spec) };
      },
      // `sfs export --format <tool>` into a scratch home: the download holds the files, nothing is recorded.
      exportNative: async (db, id, target, home) => {
        if (!isResumeTarget(target)) throw new SfsError('USAGE', `cannot export as "${target}" (sfs, ${RESUME_TARGETS.join(', ')})`);
        await writeNativeCopy(db, {
          sessionId: id,
          target,
          fallbackCwd: process.cwd(),
          pathMap: ctx.config['paths.map'] as PathMap,
          maxTokens: ctx.config['resume.max_tokens'] as number,
          // No relocation variables (CLAUDE_CONFIG_DIR, CODEX_HOME…): every file lands under the scratch home.
          env: { home, platform: process.platform, env: {} },
          writerFor: (t) => WRITERS[t],
        });
      },
      runInTerminal: (argv) => runInTerminal(argv),
      sfsArgv: [process.execPath, process.argv[1]!],
    });
    const server = await startUiServer({ source, port: a.port });
    const opened = a.open ? await openBrowser(server.openUrl) : false;
    if (ctx.json) printJson('ui', { url: server.url, open_url: server.openUrl, port: server.port, opened });
    else {
      print(`${color.green('sfs ui')} serving on ${server.url} ${color.dim('(Ctrl-C stops it)')}`);
      print(`${opened ? 'opened' : 'open'} ${color.cyan(server.openUrl)}`);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.close();
  }),
};
