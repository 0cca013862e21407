import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './context.js';
import { fastCommand } from './fast-args.js';
import { reportError } from './output.js';

/**
 * The capture passes, whose cost is mostly start-up when nothing changed: `sfs import --all`
 * (or `--from TOOL`, import-entry.ts) and `sfs daemon run` (daemon-entry.ts). The bundler
 * makes each one file with everything it uses (dist/bin/capture/, scripts/bundle-cli.mjs):
 * Node's module loader then reads one file instead of the 20 to 50 chunks the command
 * reaches in the split CLI (−34 ms of a 367 ms daemon start at 2,000 sessions). Code a pass
 * does not run (the adapters' readers when nothing changed) is only pre-parsed by V8.
 */
export async function runPlain(
  cmd: CommandModule<GlobalArgs, any>,
  argv: string[],
  serves: (args: Record<string, unknown>, command: string) => boolean,
): Promise<boolean> {
  const fast = fastCommand(cmd, argv);
  if (!fast || !serves(fast.args, String(fast.command.command))) return false;
  try {
    await fast.command.handler(fast.args as never);
  } catch (err) {
    process.exitCode = reportError(err, argv.includes('--json'));
  }
  return true;
}
