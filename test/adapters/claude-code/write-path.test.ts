import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claudeSessionFile, encodeProjectDir, projectDirName } from '../../../adapters/claude-code/write-path.js';

const env = (vars: Record<string, string>) => ({ home: '/home/dev', platform: 'linux' as const, env: vars });

test('the project folder is named as Claude Code names it: every other character a dash, long names cut with a hash', () => {
  assert.equal(encodeProjectDir('/home/a/my.app'), '-home-a-my-app');
  assert.equal(encodeProjectDir('/home/a/café'), '-home-a-caf-');
  const long = '/srv/' + 'deeply/nested/'.repeat(20) + 'app';
  const name = encodeProjectDir(long);
  // Claude Code 2.1.332: the first 200 characters, '-', then |31-hash| in base 36.
  let h = 0;
  for (let i = 0; i < long.length; i++) h = (h * 31 + long.charCodeAt(i)) | 0;
  assert.equal(name, `${long.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200)}-${Math.abs(h).toString(36)}`);
  assert.equal(encodeProjectDir('/x'.repeat(100)).length, 200, 'exactly 200 characters is kept whole');
});

test('CLAUDE_CODE_PROJECT_DIR_NAME names the folder only beside CLAUDE_CONFIG_DIR, and only when it is a plain name', () => {
  assert.equal(projectDirName(env({ CLAUDE_CODE_PROJECT_DIR_NAME: 'shared' }), '/p/app'), '-p-app');
  assert.equal(projectDirName(env({ CLAUDE_CONFIG_DIR: '/cfg', CLAUDE_CODE_PROJECT_DIR_NAME: 'shared_1' }), '/p/app'), 'shared_1');
  for (const bad of ['', '../x', 'a/b', 'nul', 'COM1', 'x'.repeat(65), 'a b'])
    assert.equal(projectDirName(env({ CLAUDE_CONFIG_DIR: '/cfg', CLAUDE_CODE_PROJECT_DIR_NAME: bad }), '/p/app'), '-p-app', JSON.stringify(bad));
  assert.equal(claudeSessionFile(env({ CLAUDE_CONFIG_DIR: '/cfg', CLAUDE_CODE_PROJECT_DIR_NAME: 'shared' }), '/p/app', 'id'), '/cfg/projects/shared/id.jsonl');
});
