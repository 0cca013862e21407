#!/usr/bin/env node
/**
 * `sfs`. Imports nothing up front: `sfs list`, `show` and `search` load one file with what
 * they use (quick.ts); everything else, and any unusual invocation of those, loads the
 * whole CLI (run-cli.ts), split by command.
 */
const argv = process.argv.slice(2);
// The names quick.ts serves, repeated here so that other commands do not load it.
const QUICK = new Set(['list', 'ls', 'show', 'search']);

if (!(QUICK.has(argv[0] ?? '') && (await (await import('./quick.js')).runQuick(argv)))) {
  await (await import('./run-cli.js')).runCli(argv, import.meta.url);
}
