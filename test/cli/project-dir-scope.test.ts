import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { newSfs, writeSfs } from '../helpers/cli.js';

// `list --project` and `search --project` resolve the directory through one function:
// every spelling of the same directory finds the same sessions in both.
test('list --project and search --project agree for ., relative paths, trailing slashes, symlinks and spaces', async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  const work = realpathSync(sfs.dir);
  const app = path.join(work, 'my app');
  mkdirSync(path.join(app, 'src'), { recursive: true });
  mkdirSync(path.join(work, 'my app-two'));
  symlinkSync(app, path.join(work, 'link'));
  const at = (id: string, cwd: string, n: number) =>
    writeSfs(sfs.path('in', id), {
      session_id: id,
      cwd,
      created_at: `2026-11-0${n}T10:00:00Z`,
      messages: [{ role: 'user', text: `tokenizer question ${n}`, at: `2026-11-0${n}T10:00:00Z` }],
    });
  await sfs.ok([
    'import',
    at('ses_aaaa00000001', app, 1),
    at('ses_aaaa00000002', path.join(app, 'src'), 2),
    at('ses_aaaa00000003', path.join(work, 'my app-two'), 3),
  ]);
  const inApp = ['ses_aaaa00000001', 'ses_aaaa00000002'];

  const spellings: Array<[string, string]> = [
    ['.', app],
    ['./', app],
    ['my app', work],
    ['my app/', work],
    ['my app//', work],
    ['./my app/./src/..', work],
    ['..', path.join(app, 'src')],
    ['link', work],
    ['link/', work],
    ['.', path.join(work, 'link')],
    [app, '/'],
    [path.join(work, 'link'), '/'],
  ];
  for (const [arg, cwd] of spellings) {
    const listed = (await sfs.ok(['list', '--project', arg], { cwd })).sessions.map((s: { id: string }) => s.id).sort();
    const found = [...new Set((await sfs.ok(['search', 'tokenizer', '--project', arg], { cwd })).hits.map((h: { session_id: string }) => h.session_id))].sort();
    assert.deepEqual(listed, inApp, `list --project ${JSON.stringify(arg)} in ${cwd}`);
    assert.deepEqual(found, inApp, `search --project ${JSON.stringify(arg)} in ${cwd}`);
  }
  // a path that is not on this machine (a session from elsewhere) still matches as written
  const elsewhere = (await sfs.ok(['list', '--project', '/nowhere/here'])).sessions;
  assert.deepEqual(elsewhere, []);
});
