import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { derivedId } from '../helpers/cli.js';
import { fakeHome } from '../helpers/fake-home.js';

/** The session's recorded directory and the native session whose history names files under it (Read/Edit calls). */
const OLD_ROOT = '/home/dev/projects/demo-app';
const NATIVE = '54966ca3-cfa7-46f3-97ab-335ba9fada5a';

test('resume --project on another machine rewrites the history’s paths to the new root and remembers the mapping', async (t) => {
  const h = fakeHome(t, ['claude-code']);
  const id = derivedId('claude-code', NATIVE);
  const newRoot = path.join(h.root, 'code', 'demo-app');
  mkdirSync(newRoot, { recursive: true });
  assert.equal((await h.run(['import', '--from', 'claude-code'])).code, 0);
  const source = readFileSync(path.join(h.home, '.claude/projects/-home-dev-projects-demo-app', `${NATIVE}.jsonl`), 'utf8');
  assert.ok(source.split(`${OLD_ROOT}/`).length > 3, 'the fixture names files under its root');

  const first = await h.json(['resume', id, '--in', 'codex', '--project', newRoot, '--no-launch']);
  assert.equal(first.cwd, newRoot);
  assert.equal(first.path_map.from, OLD_ROOT);
  assert.equal(first.path_map.to, newRoot);
  assert.ok(first.path_map.replaced >= 3, `replaced ${first.path_map.replaced}`);
  assert.equal(first.path_map.recorded, true);
  const written = readFileSync(first.path, 'utf8');
  assert.ok(!written.includes(`${OLD_ROOT}/`), 'no path under the old root is left in the written history');
  assert.ok(written.split(`${newRoot}/`).length > 3, 'the files are named under the new root');

  const config = await h.json(['config', 'show']);
  assert.deepEqual(config.settings['paths.map'], { [OLD_ROOT]: newRoot });

  // The next resume of the project needs no flag: the directory comes from paths.map.
  const second = await h.json(['resume', id, '--in', 'codex', '--no-launch']);
  assert.equal(second.cwd, newRoot);
  assert.equal(second.project_fallback, null);
  assert.deepEqual([second.path_map.from, second.path_map.to, second.path_map.recorded], [OLD_ROOT, newRoot, false]);
  assert.ok(!readFileSync(second.path, 'utf8').includes(`${OLD_ROOT}/`));

  const human = await h.run(['resume', id, '--in', 'codex', '--no-launch']);
  assert.match(human.stdout, new RegExp(`paths under ${OLD_ROOT} now read ${newRoot} \\(\\d+ paths rewritten in the history\\)`));
});

test('sfs config set paths.map: OLD=NEW adds or replaces, OLD= removes, a relative or root path is refused naming it', async (t) => {
  const h = fakeHome(t, []);
  assert.equal((await h.run(['config', 'set', 'paths.map', '/srv/a=/home/me/a'])).code, 0);
  assert.equal((await h.run(['config', 'set', 'paths.map', '/srv/b/=/home/me/b'])).code, 0);
  assert.equal((await h.run(['config', 'set', 'paths.map', '/srv/a=/work/a'])).code, 0);
  assert.deepEqual((await h.json(['config', 'show'])).settings['paths.map'], { '/srv/a': '/work/a', '/srv/b': '/home/me/b' });
  assert.match((await h.run(['config', 'show'])).stdout, /^paths\.map = \/srv\/a=\/work\/a, \/srv\/b=\/home\/me\/b /m);
  assert.equal((await h.run(['config', 'set', 'paths.map', '/srv/a='])).code, 0);
  assert.deepEqual((await h.json(['config', 'show'])).settings['paths.map'], { '/srv/b': '/home/me/b' });
  for (const bad of ['srv/a=/x', '/srv/a=x/y', '/=/x', '/srv/a']) {
    const r = await h.run(['config', 'set', 'paths.map', bad]);
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /bad value for paths\.map/);
  }
});
