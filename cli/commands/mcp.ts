import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { TOOL_NAMES, SfsError, projectOf } from '../../engine/index.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import type { InstallResult } from '../mcp/install/install.js';
import type { ServerSpec } from '../mcp/install/targets.js';
import { color, print, printJson } from '../output.js';

interface InstallArgs extends GlobalArgs {
  for?: string;
  all?: boolean;
  scope: 'user' | 'project';
  project?: string;
}

/** The repository root a project-scope install writes into: --project DIR, else the current directory's repository. */
function projectRoot(a: InstallArgs): string | undefined {
  if (a.scope !== 'project') {
    if (a.project !== undefined) throw new SfsError('USAGE', '--project applies to --scope project');
    return undefined;
  }
  const dir = path.resolve(a.project ?? process.cwd());
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new SfsError('NOT_FOUND', `${dir} is not a directory`);
  return projectOf(dir).root;
}

/**
 * How clients start us: this Node binary and this installation's entry point, by
 * absolute path (editors started from a desktop do not see the shell's PATH), with
 * SFS_HOME passed on when it is set so the server opens the same store.
 */
function serverSpec(): ServerSpec {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const env: Record<string, string> = {};
  if (process.env.SFS_HOME) env.SFS_HOME = process.env.SFS_HOME;
  return { command: process.execPath, args: [main, 'mcp', 'serve'], env };
}

const ACTION_COLOR: Record<string, (s: string) => string> = {
  installed: color.green,
  updated: color.green,
  removed: color.green,
  unchanged: color.dim,
  absent: color.dim,
  skipped: color.dim,
  failed: color.red,
};

function report(command: string, results: InstallResult[], json: boolean): void {
  if (json) printJson(command, { results });
  else {
    for (const r of results) {
      const extra =
        (r.message ? ` — ${r.message}` : r.backup ? color.dim(` (previous file kept as ${r.backup})`) : '') + (r.note ? color.dim(` — ${r.note}`) : '');
      print(`${ACTION_COLOR[r.action]!(r.action.padEnd(9))} ${r.tool.padEnd(11)} ${r.file}${extra}`);
    }
    if (!results.length) print(color.dim('nothing to do: no config file registers SessionFS'));
  }
  if (results.some((r) => r.action === 'failed')) process.exitCode = results.every((r) => r.action === 'failed') ? 5 : 1;
}

const installBuilder = (y: Argv<GlobalArgs>) =>
  y
    .option('for', { choices: TOOL_NAMES as unknown as string[], describe: 'the AI tool whose config to change' })
    .option('all', { type: 'boolean', describe: 'every tool found on this machine (at project scope: every tool the project has a directory or file of)' })
    .option('scope', {
      choices: ['user', 'project'] as const,
      default: 'user' as const,
      describe: "user: your own config files; project: the repository's (.mcp.json, .cursor/mcp.json, .gemini/settings.json, …)",
    })
    .option('project', { type: 'string', describe: "with --scope project: the project directory (default: the current directory's repository)" })
    .conflicts('for', 'all') as unknown as Argv<InstallArgs>;

export const mcpCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'mcp',
  describe: 'The SessionFS MCP server for AI tools, and its registration in their configs',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command({
        command: 'serve',
        describe: 'Run the MCP server on stdin/stdout (AI tools start this)',
        handler: handler<GlobalArgs>(async (_a, ctx) => {
          // The SDK loads only here, so other commands do not pay for it.
          const { serveMcp } = await import('../mcp/server.js');
          await serveMcp(ctx.paths);
        }),
      } as CommandModule<GlobalArgs, GlobalArgs>)
      .command({
        command: 'install',
        describe: "Register the SessionFS MCP server in a tool's config (keeps every other setting, backs up the file)",
        builder: installBuilder,
        handler: handler<InstallArgs>(async (a, ctx) => {
          const { runInstall } = await import('../mcp/install/install.js');
          report(
            'mcp.install',
            runInstall({ tool: a.for, all: a.all, spec: serverSpec(), env: adapterEnv(), scope: a.scope, projectRoot: projectRoot(a) }),
            ctx.json,
          );
        }),
      } as CommandModule<GlobalArgs, InstallArgs>)
      .command({
        command: 'uninstall',
        describe: "Remove the SessionFS MCP server from a tool's config",
        builder: installBuilder,
        handler: handler<InstallArgs>(async (a, ctx) => {
          const { runInstall } = await import('../mcp/install/install.js');
          report(
            'mcp.uninstall',
            runInstall({ tool: a.for, all: a.all, spec: null, env: adapterEnv(), scope: a.scope, projectRoot: projectRoot(a) }),
            ctx.json,
          );
        }),
      } as CommandModule<GlobalArgs, InstallArgs>)
      .demandCommand(1, 'use `sfs mcp serve`, `sfs mcp install --for TOOL` or `sfs mcp uninstall --for TOOL`'),
  handler: () => undefined,
};
