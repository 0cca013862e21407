import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IDS, example, newSfs, type Sfs } from '../helpers/cli.js';

describe('sfs rules compile / sfs summary', () => {
  let sfs: Sfs;
  let repo: string;
  before(async () => {
    sfs = newSfs();
    repo = sfs.path('repo');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'https://github.com/acme/app.git']);
    await sfs.ok(['import', example('complete')]);
  });
  after(() => sfs.dispose());

  test("compile writes the five tools' files, leaves a hand-written CLAUDE.md alone, and is deterministic", async () => {
    writeFileSync(path.join(repo, 'CLAUDE.md'), '# Written by hand\n');
    writeFileSync(sfs.path('rules.md'), '# Rules\n\n- Always run the tests.\n');
    const init = await sfs.ok(['rules', 'init', '--from', sfs.path('rules.md')], { cwd: repo });
    assert.equal(init.project, 'github.com/acme/app');
    const first = await sfs.ok(['rules', 'compile'], { cwd: repo });
    assert.deepEqual(
      first.results.map((r: { path: string; action: string }) => [r.path, r.action]),
      [
        ['CLAUDE.md', 'skipped'],
        ['AGENTS.md', 'created'],
        ['.cursor/rules/sessionfs.mdc', 'created'],
        ['.cursorrules', 'created'],
        ['.github/copilot-instructions.md', 'created'],
        ['GEMINI.md', 'created'],
      ],
    );
    assert.equal(readFileSync(path.join(repo, 'CLAUDE.md'), 'utf8'), '# Written by hand\n');
    const agents = readFileSync(path.join(repo, 'AGENTS.md'), 'utf8');
    assert.match(agents, /Managed by SessionFS[\s\S]*- Always run the tests\.\n$/);
    const again = await sfs.ok(['rules', 'compile'], { cwd: repo });
    assert.deepEqual(
      again.results.slice(1).map((r: { action: string }) => r.action),
      ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged'],
    );
    assert.equal(readFileSync(path.join(repo, 'AGENTS.md'), 'utf8'), agents);
    const dry = await sfs.ok(['rules', 'compile', '--tool', 'claude-code', '--force', '--dry-run'], { cwd: repo });
    assert.deepEqual(
      dry.results.map((r: { action: string }) => r.action),
      ['would overwrite'],
    );
    assert.equal(readFileSync(path.join(repo, 'CLAUDE.md'), 'utf8'), '# Written by hand\n');
    const forced = await sfs.ok(['rules', 'compile', '--tool', 'claude-code', '--force'], { cwd: repo });
    assert.equal(forced.results[0].action, 'updated');
    assert.equal(readFileSync(path.join(repo, 'CLAUDE.md.sfs-backup'), 'utf8'), '# Written by hand\n');
    assert.equal(readFileSync(path.join(repo, 'CLAUDE.md'), 'utf8'), agents);
    const shown = await sfs.ok(['rules', 'show'], { cwd: repo });
    assert.equal(shown.version, 1);
    assert.ok(shown.targets.every((t: { state: string }) => t.state === 'current'));
    assert.ok(!existsSync(path.join(repo, '.cursorrules.sfs-backup')));
  });

  test('summary lists the files and tool calls of a session', async () => {
    const s = await sfs.ok(['summary', IDS.complete]);
    assert.deepEqual(s.files_written, ['src/api/auth.py', 'tests/test_auth.py']);
    assert.ok(s.files_read.includes('src/api/auth.py'));
    assert.equal(s.tool_calls, 4);
    assert.equal(s.duration_ms, 130_000);
    assert.ok(s.cost_usd > 0);
    const human = await sfs.out(['summary', IDS.complete]);
    assert.match(human, /Files written \(2\)\n  src\/api\/auth\.py\n  tests\/test_auth\.py/);
    const today = await sfs.ok(['summary', '--today']);
    assert.equal(typeof today.totals.sessions, 'number');
    await sfs.fails(['summary'], 'USAGE', 2);
  });
});
