import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newSfs } from '../helpers/cli.js';

const mode = (p: string) => statSync(p).mode & 0o777;

// Compiled rule files are project files, committed and read by tools and teammates: they get
// ordinary modes (0644 / 0755 less the umask), not the 0600 / 0700 kept for private config.
for (const [umask, file, dir] of [
  [0o022, 0o644, 0o755],
  [0o027, 0o640, 0o750],
] as const) {
  test(`rules compile creates files ${file.toString(8)} and folders ${dir.toString(8)} under umask ${umask.toString(8).padStart(3, '0')}`, async (t) => {
    const sfs = newSfs();
    const before = process.umask(umask); // the CLI inherits it
    t.after(() => {
      process.umask(before);
      sfs.dispose();
    });
    const repo = sfs.path('repo');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(sfs.path('rules.md'), '# Rules\n\n- Run the tests.\n');
    await sfs.ok(['rules', 'init', '--from', sfs.path('rules.md')], { cwd: repo });
    const r = await sfs.ok(['rules', 'compile'], { cwd: repo });
    assert.deepEqual(
      r.results.map((x: { action: string }) => x.action),
      ['created', 'created', 'created', 'created', 'created', 'created'],
    );
    for (const f of ['CLAUDE.md', 'AGENTS.md', '.cursor/rules/sessionfs.mdc', '.cursorrules', '.github/copilot-instructions.md', 'GEMINI.md']) {
      assert.equal(mode(path.join(repo, f)).toString(8), file.toString(8), f);
    }
    for (const d of ['.cursor', '.cursor/rules', '.github']) assert.equal(mode(path.join(repo, d)).toString(8), dir.toString(8), d);
  });
}
