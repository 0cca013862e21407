import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { TOOL_NAMES } from '../../engine/capture/contract.js';
import { adapterEnv } from '../adapter-env.js';
import { handler, type GlobalArgs } from '../context.js';
import type { InstallResult } from '../mcp/install/install.js';
import type { ServerSpec } from '../mcp/install/targets.js';
import { color, print, printJson } from '../output.js';

interface InstallArgs extends GlobalArgs {
  for?: string;
  all?: boolean;
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
      const extra = r.message ? ` — ${r.message}` : r.backup ? color.dim(` (previous file kept as ${r.backup})`) : '';
      print(`${ACTION_COLOR[r.action]!(r.action.padEnd(9))} ${r.tool.padEnd(11)} ${r.file}${extra}`);
    }
    if (!results.length) print(color.dim('nothing to do: no config file registers SessionFS'));
  }
  if (results.some((r) => r.action === 'failed')) process.exitCode = results.every((r) => r.action === 'failed') ? 5 : 1;
}

const installBuilder = (y: Argv<GlobalArgs>) =>
  y
    .option('for', { choices: TOOL_NAMES as unknown as string[], describe: 'the AI tool whose config to change' })
    .option('all', { type: 'boolean', describe: 'every tool found on this machine' })
    .conflicts('for', 'all') as Argv<InstallArgs>;

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
          report('mcp.install', runInstall({ tool: a.for, all: a.all, spec: serverSpec(), env: adapterEnv() }), ctx.json);
        }),
      } as CommandModule<GlobalArgs, InstallArgs>)
      .command({
        command: 'uninstall',
        describe: "Remove the SessionFS MCP server from a tool's config",
        builder: installBuilder,
        handler: handler<InstallArgs>(async (a, ctx) => {
          const { runInstall } = await import('../mcp/install/install.js');
          report('mcp.uninstall', runInstall({ tool: a.for, all: a.all, spec: null, env: adapterEnv() }), ctx.json);
        }),
      } as CommandModule<GlobalArgs, InstallArgs>)
      .demandCommand(1, 'use `sfs mcp serve`, `sfs mcp install --for TOOL` or `sfs mcp uninstall --for TOOL`'),
  handler: () => undefined,
};
