import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IDS, ROOT, example, newSfs, type Sfs } from '../helpers/cli.js';

const DEFAULTS = { 'list.limit': 50, 'show.page_size': 50, 'search.limit': 20, 'import.max_messages_bytes': 536870912 };
/** The settings this suite is about (others may be added). */
const pick = (settings: Record<string, unknown>) => Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, settings[k]]));

describe('sfs config / completion / help', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('minimal'), example('complete'), example('subagent')]);
  });
  after(() => sfs.dispose());

  test('config show: every setting with its default', async () => {
    const file = path.join(sfs.home, 'config.json');
    const data = await sfs.ok(['config', 'show']);
    assert.equal(data.file, file);
    assert.deepEqual(pick(data.settings), DEFAULTS);
    const lines = (await sfs.out(['config', 'show'])).trimEnd().split('\n');
    assert.equal(lines[0], `# ${file}`);
    for (const l of [
      'list.limit = 50 # sessions shown by `sfs list` without --limit',
      'show.page_size = 50 # messages per page in `sfs show`',
      'search.limit = 20 # hits shown by `sfs search` without --limit',
      'import.max_messages_bytes = 536870912 # largest messages.jsonl `sfs import` accepts',
    ]) {
      assert.ok(lines.includes(l), l);
    }
    assert.equal(lines.length, Object.keys(data.settings).length + 1, 'one line per setting');
  });

  test('config set changes what commands do, and is kept in config.json', async () => {
    assert.equal(await sfs.out(['config', 'set', 'list.limit', '2']), 'list.limit = 2\n');
    assert.deepEqual(await sfs.ok(['config', 'set', 'show.page_size', '3']), { key: 'show.page_size', value: 3 });
    await sfs.ok(['config', 'set', 'search.limit', '1']);
    assert.deepEqual(JSON.parse(readFileSync(path.join(sfs.home, 'config.json'), 'utf8')), { 'list.limit': 2, 'show.page_size': 3, 'search.limit': 1 });
    assert.deepEqual(pick((await sfs.ok(['config', 'show'])).settings), { ...DEFAULTS, 'list.limit': 2, 'show.page_size': 3, 'search.limit': 1 });

    const [list, show, search, listAll] = await Promise.all([
      sfs.ok(['list']),
      sfs.ok(['show', IDS.complete]),
      sfs.ok(['search', 'relationship']),
      sfs.ok(['list', '--limit', '10']),
    ]);
    assert.deepEqual([list.total, list.sessions.length], [3, 2]);
    assert.equal(show.messages.items.length, 3);
    assert.equal(search.hits.length, 1);
    assert.equal(listAll.sessions.length, 3, '--limit overrides the setting');
    assert.match(await sfs.out(['show', IDS.complete]), /^messages 1–3 of 8; next: sfs show ses_a896004566411b61e5051b52 --offset 3$/m);
  });

  test('config errors: unknown key and bad values exit 2; a malformed file is named', async () => {
    const bad = await sfs.fails(['config', 'set', 'list.limt', '5'], 'USAGE', 2);
    assert.match(bad.message, /^unknown setting "list\.limt"; known: /);
    const known = bad.message.split('; known: ')[1]!.split(', ');
    for (const k of Object.keys(DEFAULTS)) assert.ok(known.includes(k), k);
    assert.match(
      (await sfs.failsJson(['config', 'set', 'list.limit', 'many'], 'USAGE', 2)).message,
      /^bad value for list\.limit: expected a whole number from 1 to 100000$/,
    );
    await sfs.failsJson(['config', 'set', 'import.max_messages_bytes', '10'], 'USAGE', 2);
    await sfs.failsJson(['config', 'set', 'list.limit'], 'USAGE', 2);
    await sfs.failsJson(['config'], 'USAGE', 2);

    const other = newSfs();
    try {
      writeFileSync(path.join(other.home, 'config.json'), '{ "list.limit": ');
      const err = await other.fails(['list'], 'INVALID_INPUT', 5);
      assert.match(err.message, new RegExp(`^${path.join(other.home, 'config.json')}: not valid JSON`));
    } finally {
      other.dispose();
    }
  });

  test('completion prints a shell script; the script asks sfs for commands', async () => {
    const script = await sfs.out(['completion']);
    assert.match(script, /^###-begin-sfs-completions-###$/m);
    assert.match(script, /^###-end-sfs-completions-###$/m);
    assert.match(script, /sfs --get-yargs-completions/);
    const words = (await sfs.out(['--get-yargs-completions', 'sfs', ''])).split('\n');
    for (const c of ['list', 'show', 'search', 'export', 'import', 'fork', 'checkpoint', 'alias', 'delete', 'restore', 'purge', 'storage', 'config']) {
      assert.ok(words.includes(c), c);
    }
  });

  test('completion --help prints help, not the script', async () => {
    for (const flag of ['--help', '-h']) {
      const help = await sfs.out(['completion', flag]);
      assert.match(help, /^sfs completion$/m);
      assert.match(help, /Print a shell completion script/);
      assert.doesNotMatch(help, /completions-###/);
    }
  });

  test('--help and --version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(await sfs.out(['--version']), `${pkg.version}\n`);
    const help = await sfs.out(['--help']);
    assert.match(help, /^sfs <command> \[options\]$/m);
    assert.match(help, /^ {2}sfs show <session>/m);
    assert.match(help, /^ {2}sfs completion/m);
    const showHelp = await sfs.out(['show', '--help']);
    assert.match(showHelp, /--no-messages/);
  });
});
