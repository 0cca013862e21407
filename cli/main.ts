#!/usr/bin/env node
/**
 * `sfs`. Imports nothing up front: `sfs list`, `show` and `search` load one file with what
 * they use (quick.ts), the capture passes theirs (capture-entry.ts); everything else, and
 * any unusual invocation of those, loads the whole CLI (run-cli.ts), split by command. The bundler makes this file and quick.ts
 * CommonJS (scripts/bundle-cli.mjs), so no top-level await here.
 */
const argv = process.argv.slice(2);
// The names quick.ts serves, repeated here so that other commands do not load it.
const QUICK = new Set(['list', 'ls', 'show', 'search']);

async function main(): Promise<void> {
  if (QUICK.has(argv[0] ?? '') && (await (await import('./quick.js')).runQuick(argv))) return;
  // The capture passes (capture-entry.ts): each declines anything but a plain `import --all|--from`, `daemon run`.
  if (argv[0] === 'import' && (await (await import('./import-entry.js')).runCapture(argv))) return;
  if (argv[0] === 'daemon' && (await (await import('./daemon-entry.js')).runCapture(argv))) return;
  await (await import('./run-cli.js')).runCli(argv, import.meta.url);
}

void main();
