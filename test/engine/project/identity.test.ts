import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { normalizeRemote, projectFromArg, projectOf } from '../../../engine/project/identity.js';
import { tempDir } from '../../helpers/tmp.js';

test('git remotes normalise to host/path, whatever the URL spelling', () => {
  for (const url of [
    'git@github.com:acme/app.git',
    'https://github.com/acme/app',
    'https://user:tok@GitHub.com/acme/app.git/',
    'ssh://git@github.com:22/acme/app.git',
    'git+ssh://git@github.com/acme/app',
  ]) {
    assert.equal(normalizeRemote(url), 'github.com/acme/app', url);
  }
  assert.equal(normalizeRemote('git@gitlab.com:acme/app.git'), 'gitlab.com/acme/app'); // another forge: another project
  assert.equal(normalizeRemote('https://git.example.org/group/sub/app.git'), 'git.example.org/group/sub/app');
  assert.equal(normalizeRemote('/srv/git/app.git'), null);
  assert.equal(normalizeRemote('file:///srv/git/app.git'), null);
});

test('a directory resolves to its repository: remote key, or local:<root> without one', (t) => {
  const dir = realpathSync(tempDir(t));
  const repo = path.join(dir, 'repo');
  mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
  execFileSync('git', ['init', '-q', repo]);
  assert.deepEqual(projectOf(path.join(repo, 'src', 'deep')), { key: `local:${repo}`, root: repo, remote: null });
  execFileSync('git', ['-C', repo, 'remote', 'add', 'upstream', 'https://github.com/acme/app.git']);
  assert.equal(projectOf(repo).key, 'github.com/acme/app');
  execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'git@gitlab.com:me/app.git']);
  assert.equal(projectOf(path.join(repo, 'src')).key, 'gitlab.com/me/app'); // origin first
  assert.equal(projectOf(path.join(dir, 'plain')).key, `local:${path.join(dir, 'plain')}`);
  assert.equal(projectFromArg('github.com/acme/app', dir).key, 'github.com/acme/app');
  assert.equal(projectFromArg(repo, dir).key, 'gitlab.com/me/app');
});
