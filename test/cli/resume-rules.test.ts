import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IDS, example, newSfs, type Sfs } from '../helpers/cli.js';

describe("sfs resume writes the target tool's rules file first", () => {
  let sfs: Sfs;
  let repo: string;
  let env: Record<string, string>;
  const resume = (tool: string) => sfs.ok(['resume', IDS.complete, '--in', tool, '--project', repo, '--no-launch'], { env });
  before(async () => {
    sfs = newSfs();
    repo = sfs.path('repo');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'git@github.com:acme/resumed.git']);
    env = { HOME: sfs.path('home') };
    mkdirSync(env.HOME!);
    await sfs.ok(['import', example('complete')]);
  });
  after(() => sfs.dispose());

  test('no rules: nothing is written', async () => {
    const r = await resume('codex');
    assert.equal(r.rules, null);
    assert.ok(!existsSync(path.join(repo, 'AGENTS.md')));
  });

  test("missing, then current, then stale: written, left, rewritten; only the target's file", async () => {
    writeFileSync(sfs.path('v1.md'), '# Rules\n\n- Run the tests.\n');
    await sfs.ok(['rules', 'init', '--from', sfs.path('v1.md')], { cwd: repo });
    const first = await resume('codex');
    assert.equal(first.rules.project, 'github.com/acme/resumed');
    assert.equal(first.rules.version, 1);
    assert.deepEqual(first.rules.files, [{ path: 'AGENTS.md', state: 'missing', action: 'created' }]);
    assert.deepEqual(first.rules.warnings, []);
    assert.match(readFileSync(path.join(repo, 'AGENTS.md'), 'utf8'), /Managed by SessionFS[\s\S]*- Run the tests\.\n$/);
    assert.ok(!existsSync(path.join(repo, 'GEMINI.md')), "other tools' files are not touched");

    const again = await resume('codex');
    assert.deepEqual(again.rules.files, [{ path: 'AGENTS.md', state: 'current', action: 'unchanged' }]);

    writeFileSync(sfs.path('v2.md'), '# Rules\n\n- Run the tests.\n- Never push.\n');
    await sfs.ok(['rules', 'edit'], { cwd: repo, env: { EDITOR: `cp ${sfs.path('v2.md')}` } });
    const text = await sfs.out(['resume', IDS.complete, '--in', 'codex', '--project', repo, '--no-launch'], { env });
    assert.match(text, /^ {2}updated AGENTS\.md from the rules of github\.com\/acme\/resumed \(version 2\)$/m);
    assert.match(readFileSync(path.join(repo, 'AGENTS.md'), 'utf8'), /- Never push\.\n$/);
  });

  test('a hand-written or edited file is left alone with a warning', async () => {
    writeFileSync(path.join(repo, 'CLAUDE.md'), '# Mine\n');
    const r = await resume('claude-code');
    assert.deepEqual(r.rules.files, [{ path: 'CLAUDE.md', state: 'hand-written', action: 'skipped' }]);
    assert.equal(r.rules.warnings.length, 1);
    assert.match(r.rules.warnings[0], /^CLAUDE\.md was written by hand; left alone/);
    assert.equal(readFileSync(path.join(repo, 'CLAUDE.md'), 'utf8'), '# Mine\n');

    const agents = path.join(repo, 'AGENTS.md');
    writeFileSync(agents, readFileSync(agents, 'utf8') + '- added by hand\n');
    const text = await sfs.out(['resume', IDS.complete, '--in', 'codex', '--project', repo, '--no-launch'], { env });
    assert.equal(text.split('\n').filter((l) => l.includes('warning: AGENTS.md was edited by hand since compiled')).length, 1);
    assert.match(readFileSync(agents, 'utf8'), /- added by hand\n$/);
  });
});
