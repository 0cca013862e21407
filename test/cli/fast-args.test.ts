import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { COMMANDS } from '../../cli/commands/registry.js';
import { fastArgs, GLOBAL_OPTIONS } from '../../cli/fast-args.js';

// main.ts runs a plain invocation without yargs: for every argument list fastArgs accepts,
// the handler must get exactly what yargs would give it; what it refuses goes to yargs.
const yargs = createRequire(import.meta.url)('yargs/yargs') as (args: string[]) => Argv;

async function viaYargs(cmd: CommandModule<any, any>, argv: string[]): Promise<Record<string, unknown> | Error> {
  let got: Record<string, unknown> | undefined;
  const record = (a: Record<string, unknown>) => void (got = a);
  // Subcommands (`daemon run`) record too, instead of running.
  const builder = cmd.builder;
  const recording =
    typeof builder === 'function'
      ? (y: Argv) => {
          const command = y.command.bind(y);
          (y as { command: unknown }).command = (sub: unknown, ...rest: unknown[]) =>
            typeof sub === 'object' && sub !== null && rest.length === 0
              ? command({ ...(sub as CommandModule), handler: record })
              : (command as any)(sub, ...rest);
          return (builder as (y: Argv) => Argv)(y);
        }
      : builder;
  const parser = yargs(argv)
    .scriptName('sfs')
    .command({ ...cmd, builder: recording, handler: record } as CommandModule)
    .option('json', { type: GLOBAL_OPTIONS.json!.type, global: true })
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    return err as Error;
  }
  return got ?? new Error('no handler ran');
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

async function same(name: string, argv: string[]): Promise<boolean> {
  const [cmd] = await COMMANDS[name]!();
  const fast = fastArgs(cmd!, argv);
  if (!fast) return false;
  const slow = await viaYargs(cmd!, argv);
  assert.ok(!(slow instanceof Error), `yargs refuses ${argv.join(' ')} (${String(slow)}) but the fast path took it`);
  assert.deepEqual(defined(fast), defined(slow), argv.join(' '));
  return true;
}

test('list, show and search read their usual arguments without yargs, exactly as yargs reads them', async () => {
  const taken: string[][] = [
    ['list'],
    ['ls'],
    ['list', '--json'],
    ['list', '--limit', '5', '--tool', 'codex'],
    ['list', '--limit=0', '--sort', 'title', '--reverse'],
    ['list', '--sort=messages', '--deleted', '--subagents', '--text', 'hello world'],
    ['list', '--tool', '123', '--since', '7d', '--json=false'],
    ['list', '--project=', '--evicted=true'],
    ['show', 'ses_abc'],
    ['show', '12345'],
    ['show', 'ses_abc', '--no-messages', '--json'],
    ['show', 'ses_abc', '--page', '2', '--limit', '10', '--thinking', '--all', '--tail'],
    ['show', 'ses_abc', '--messages=false', '--offset', '3'],
    ['search', 'some words'],
    ['search', 'q', '--role', 'user', '--limit', '3', '--raw', '--json'],
    ['search', '"quoted phrase" word*', '--project', '/tmp/x', '--until', '2026-01-01'],
  ];
  for (const argv of taken) assert.ok(await same(argv[0]!, argv), `fast path refused ${argv.join(' ')}`);
});

test('import --all and daemon run (the start-up a no-op pass is measured against) read their arguments without yargs, exactly as yargs reads them', async () => {
  const taken: string[][] = [
    ['import', '--all'],
    ['import', '--all', '--json'],
    ['import', '--from', 'codex'],
    ['import', '--from=amp', '--via-cli'],
    ['import', '--from', 'amp', '--no-via-cli'],
    ['import', 'a.sfs'],
    ['import', 'a.sfs', 'b.sfs', '--json'],
    ['daemon', 'run'],
    ['daemon', 'run', '--background'],
    ['daemon', 'run', '--json'],
    ['daemon', 'status', '--json'],
  ];
  for (const argv of taken) assert.ok(await same(argv[0]!, argv), `fast path refused ${argv.join(' ')}`);
  const { fastCommand } = await import('../../cli/fast-args.js');
  const [daemon] = await COMMANDS.daemon!();
  const run = fastCommand(daemon!, ['daemon', 'run', '--background']);
  assert.equal(run?.command.command, 'run', 'the subcommand runs, not the parent');
  for (const argv of [['daemon'], ['daemon', 'bogus'], ['daemon', 'run', 'x'], ['daemon', '--json'], ['import', '--viaCli'], ['import', '--all', '--', 'x']]) {
    const [cmd] = await COMMANDS[argv[0]!]!();
    assert.equal(fastArgs(cmd!, argv), undefined, argv.join(' '));
  }
});

test('anything unusual is left to yargs', async () => {
  const left: string[][] = [
    ['list', '--help'],
    ['list', '-h'],
    ['list', '--bogus'],
    ['list', '--limit', '5', '--limit', '6'],
    ['list', '--limit', 'five'],
    ['list', '--limit'],
    ['list', '--sort', 'size'],
    ['list', '--reverse', 'true'],
    ['list', 'extra'],
    ['list', '--', 'x'],
    ['show'],
    ['show', '-x'],
    ['show', 'a', 'b'],
    ['search', 'q', '--role', 'wizard'],
    ['search', 'q', '--tool', '--json'],
  ];
  for (const argv of left) {
    const [cmd] = await COMMANDS[argv[0]!]!();
    assert.equal(fastArgs(cmd!, argv), undefined, argv.join(' '));
  }
});

test('for every command, whatever the fast path takes, yargs reads the same', async () => {
  let taken = 0;
  for (const name of Object.keys(COMMANDS)) {
    for (const argv of [[name], [name, 'a1'], [name, 'a1', 'b2'], [name, 'a1', 'b2', 'c3'], [name, '--json'], [name, 'a1', '--json']]) {
      if (await same(name, argv)) taken++;
    }
  }
  assert.ok(taken > 20, `only ${taken} argument lists took the fast path`);
});

test('main.ts sends to quick.ts exactly the commands quick.ts serves', async () => {
  const { QUICK_COMMANDS } = await import('../../cli/quick.js');
  const main = readFileSync(fileURLToPath(new URL('../../../cli/main.ts', import.meta.url)), 'utf8');
  const names = /new Set\(\[([^\]]*)\]\)/
    .exec(main)![1]!
    .match(/'[^']+'/g)!
    .map((s) => s.slice(1, -1));
  assert.deepEqual(names.sort(), [...QUICK_COMMANDS].sort());
});
