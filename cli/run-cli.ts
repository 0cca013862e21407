import { createRequire } from 'node:module';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from './context.js';
import { SfsError } from '../engine/index.js';
import { reportError } from './output.js';
import { commandsFor } from './commands/registry.js';
import { fastCommand } from './fast-args.js';

/**
 * The whole CLI: every command, loaded on demand. A plain invocation of one command runs
 * without yargs (see fast-args.ts); anything else goes through yargs. `entry` is main.js's
 * URL, from which package.json is found wherever the bundler put this module.
 */
export async function runCli(argv: string[], entry: string): Promise<void> {
  const json = argv.includes('--json');
  const commands = await commandsFor(argv);
  const fast = commands.length === 1 ? fastCommand(commands[0]!, argv) : undefined;
  if (!fast) return runYargs(argv, commands, entry);
  try {
    await fast.command.handler(fast.args as never);
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
}

async function runYargs(argv: string[], commands: CommandModule<GlobalArgs, any>[], entry: string): Promise<void> {
  const json = argv.includes('--json');
  // yargs' CommonJS build loads several times faster than its ESM entry; start-up matters for `sfs list`.
  const require = createRequire(entry);
  const yargs = require('yargs/yargs') as (args: string[]) => Argv;

  const parser = yargs(argv).scriptName('sfs');
  for (const c of commands) parser.command(c);
  // Our own command, not yargs' .completion(): that one prints the script even for `sfs completion --help`.
  parser.command({
    command: 'completion',
    describe: 'Print a shell completion script (bash/zsh): sfs completion >> ~/.bashrc',
    handler: () => {
      parser.showCompletionScript();
    },
  });

  parser
    .usage('$0 <command> [options]\n\nCapture, search, fork and export AI coding sessions.')
    .option('json', { type: 'boolean', describe: 'machine-readable output (versioned envelope)', global: true })
    .demandCommand(1, 'name a command; `sfs --help` lists them')
    .strict()
    .help()
    .alias('h', 'help')
    // Without an argument yargs looks for package.json from the working directory ("unknown" elsewhere).
    .version((require('../../package.json') as { version: string }).version)
    .wrap(Math.min(110, process.stdout.columns || 80))
    // Throwing stops yargs: returning would let it go on to the next check and run the handler anyway.
    .fail((msg: string | null, err: Error | undefined) => {
      if (err && !(err instanceof SfsError) && !msg) throw err;
      throw err instanceof SfsError ? err : new SfsError('USAGE', msg ?? err?.message ?? 'bad usage');
    });

  // Validation failures are thrown synchronously by parseAsync, handler failures reject: catch both.
  try {
    await parser.parseAsync();
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
}
