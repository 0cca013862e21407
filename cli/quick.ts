import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './context.js';
import { listCommand } from './commands/list.js';
import { searchCommand } from './commands/search.js';
import { showCommand } from './commands/show.js';
import { fastArgs } from './fast-args.js';
import { reportError } from './output.js';

/**
 * The commands people run most often, for which start-up is most of the wait. The bundler
 * makes this module one file with everything these commands use (scripts/bundle-cli.mjs), so
 * `sfs list` reads two files, not the dozen chunks the whole CLI is split into.
 */
const QUICK: Record<string, CommandModule<GlobalArgs, any>> = { list: listCommand, ls: listCommand, show: showCommand, search: searchCommand };

export const QUICK_COMMANDS = Object.keys(QUICK);

/** Runs a plain invocation of one of these commands; false when the whole CLI should handle it. */
export async function runQuick(argv: string[]): Promise<boolean> {
  const cmd = QUICK[argv[0] ?? ''];
  const args = cmd && fastArgs(cmd, argv);
  if (!cmd || !args) return false;
  try {
    await cmd.handler(args as never);
  } catch (err) {
    process.exitCode = reportError(err, argv.includes('--json'));
  }
  return true;
}
