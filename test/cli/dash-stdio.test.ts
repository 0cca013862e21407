import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { IDS, example, newSfs, type Sfs } from '../helpers/cli.js';

// "-" as a file name means standard output or input. yargs reads a lone "-" after a long
// option (or in a re-parsed positional) as an option marker unless told the option takes one value.
describe('"-" means standard output / standard input', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('minimal')]);
  });
  after(() => sfs.dispose());

  test('export --format md --out - prints the transcript (long option, as the README writes it)', async () => {
    for (const args of [['--out', '-'], ['--out=-'], ['-o', '-']]) {
      const stdout = await sfs.out(['export', IDS.minimal, '--format', 'md', ...args]);
      assert.match(stdout, /^# Hello world test\n/, args.join(' '));
      assert.ok(stdout.includes('Hello, world!'));
    }
    const anywhere = await sfs.out(['export', '--out', '-', '--format', 'md', IDS.minimal]);
    assert.match(anywhere, /^# Hello world test\n/);
    assert.deepEqual(readdirSync(sfs.dir), [], 'no file named "-" or <id>.md was written');
  });

  test('export --out - of a .sfs directory is a usage error, not a directory named "-"', async () => {
    const e = await sfs.fails(['export', IDS.minimal, '--out', '-'], 'USAGE', 2);
    assert.match(e.message, /--out - prints Markdown only/);
    assert.deepEqual(readdirSync(sfs.dir), []);
  });

  test('project set-context - reads the document from standard input', async () => {
    const repo = sfs.path('app');
    mkdirSync(repo);
    const doc = '# app\n\nRead from stdin.\n';
    const r = await sfs.ok(['project', 'set-context', '-'], { cwd: repo, input: doc });
    assert.equal(r.changed, true);
    assert.equal(await sfs.out(['project', 'get-context'], { cwd: repo }), doc);
    const again = await sfs.ok(['project', 'set-context', '-'], { cwd: repo, input: doc });
    assert.equal(again.changed, false);
  });
});
