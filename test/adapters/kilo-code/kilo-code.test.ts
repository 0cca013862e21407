import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/kilo-code/index.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { fixtures, tempDir, writeTree } from '../shared/helpers.js';

const api = JSON.parse(
  readFileSync(path.join(fixtures, 'cline/public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567/api_conversation_history.json'), 'utf8'),
);

test('Kilo task folder: task_history.json index and the cline_messages.json alias', async () => {
  const home = tempDir('sfs-kilo-');
  const root = path.join(home, '.config', 'Code', 'User', 'globalStorage', 'kilocode.kilo-code');
  writeTree(root, {
    'tasks/a1b2c3d4-0000-4000-8000-000000000000/api_conversation_history.json': api,
    'tasks/a1b2c3d4-0000-4000-8000-000000000000/cline_messages.json': [
      { ts: 1700001234600, type: 'say', say: 'api_req_started', text: JSON.stringify({ tokensIn: 11, tokensOut: 22 }) },
    ],
    'task_history.json': [{ id: 'a1b2c3d4-0000-4000-8000-000000000000', ts: 1700001234567, task: 'Kilo title', workspace: '/w/kilo' }],
  });
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const sources = await adapter.listSources(env);
  assert.equal(sources.length, 1);
  const r = await adapter.read(sources[0]!, null, env);
  assert.deepEqual(r.problems, []);
  const s = r.sessions[0]!;
  assert.equal(s.header.title, 'Kilo title');
  assert.equal(s.header.cwd, '/w/kilo');
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  // the API messages carry no ts and the request no index: the one request goes to the first answer
  assert.deepEqual(s.messages[1]!.usage, { input_tokens: 11, output_tokens: 22 });
  assert.deepEqual((await adapter.read(sources[0]!, null, env)).sessions, r.sessions);
});

test('locate: lower- and mixed-case extension folders, hosts, platforms', async () => {
  const home = tempDir('sfs-kilo-');
  writeTree(path.join(home, '.config', 'VSCodium', 'User', 'globalStorage', 'kilocode.Kilo-Code'), { 'tasks/t1/api_conversation_history.json': api });
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  assert.equal((await adapter.listSources(env)).length, 1);
  assert.ok(
    adapter.storeDirs({ home: '/h', platform: 'linux', env: { XDG_CONFIG_HOME: '/x' } }).includes('/x/Code - Insiders/User/globalStorage/kilocode.kilo-code'),
  );
  assert.ok(
    adapter
      .storeDirs({ home: '/Users/u', platform: 'darwin', env: {} })
      .includes('/Users/u/Library/Application Support/Code/User/globalStorage/kilocode.kilo-code'),
  );
  assert.ok(
    adapter.storeDirs({ home: 'C:\\U', platform: 'win32', env: { APPDATA: 'E:\\R' } }).includes('E:\\R\\Cursor\\User\\globalStorage\\kilocode.kilo-code'),
  );
});
