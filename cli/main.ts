#!/usr/bin/env node
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { SfsError } from '../engine/index.js';
import { reportError } from './output.js';
import { commandsFor } from './commands/registry.js';
import { fastArgs } from './fast-args.js';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const commands = await commandsFor(argv);

// A plain invocation of one command runs without yargs (see fast-args.ts); anything else goes through yargs.
const fast = commands.length === 1 ? fastArgs(commands[0]!, argv) : undefined;
if (fast) {
  try {
    await commands[0]!.handler(fast as never);
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
} else await runYargs();

async function runYargs(): Promise<void> {
  // yargs' CommonJS build loads several times faster than its ESM entry; start-up matters for `sfs list`.
  const require = createRequire(import.meta.url);
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
