import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/roo-code/index.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { sampleTask } from '../cline-family/helpers.js';
import { fixtures, tempDir, writeTree } from '../shared/helpers.js';

const PARENT = '019a0b1c-2d3e-7f00-8000-000000000001';
const CHILD = '019a0b1c-2d40-7f00-8000-000000000002';

function store(): AdapterEnv {
  const home = tempDir('sfs-roo-');
  const root = path.join(home, '.config', 'Code', 'User', 'globalStorage', 'rooveterinaryinc.roo-cline');
  const { api, ui } = sampleTask(PARENT);
  writeTree(root, {
    [`tasks/${PARENT}/api_conversation_history.json`]: [
      ...api,
      { role: 'user', ts: 1_800_000_000_080, isSummary: true, content: [{ type: 'text', text: 'Condensed: fixed tests' }] },
      { type: 'reasoning', ts: 1_800_000_000_090, summary: [{ type: 'summary_text', text: 'thinking about it' }], encrypted_content: 'gAAAA-opaque' },
    ],
    [`tasks/${PARENT}/ui_messages.json`]: ui,
    [`tasks/${PARENT}/history_item.json`]: {
      id: PARENT,
      number: 1,
      ts: 1_800_000_000_000,
      task: 'Orchestrate the fix',
      workspace: '/home/dev/proj',
      mode: 'orchestrator',
      childIds: [CHILD],
    },
    [`tasks/${CHILD}/api_conversation_history.json`]: [
      { role: 'user', ts: 1_800_000_000_500, content: 'Sub-task: run tests' },
      { role: 'assistant', ts: 1_800_000_000_600, content: 'Done' },
    ],
    'tasks/_index.json': {
      version: 1,
      updatedAt: 1,
      entries: [{ id: CHILD, ts: 1_800_000_000_500, task: 'Run the tests', workspace: '/home/dev/proj', parentTaskId: PARENT, rootTaskId: PARENT }],
    },
  });
  return { home, platform: 'linux', env: {} };
}

test('Roo task folders: HistoryItem, sub-task link, condensed summary, reasoning items', async () => {
  const env = store();
  const sources = await adapter.listSources(env);
  assert.equal(sources.length, 2); // _index.json is not a task
  const [parent, child] = await Promise.all(sources.map((s) => adapter.read(s, null, env)));
  const p = parent!.sessions[0]!;
  assert.deepEqual(parent!.problems, []);
  assert.equal(p.nativeId, PARENT);
  assert.equal(p.header.title, 'Orchestrate the fix');
  assert.equal(p.header.cwd, '/home/dev/proj');
  assert.equal(p.parentNativeId, null);
  const last = p.messages.slice(-3);
  // condense_context from the UI timeline (t+70) is placed by time before the API entries at t+80 and t+90
  assert.deepEqual([last[0]!.role, last[0]!.is_compaction, last[0]!.content[0]], ['system', true, { type: 'summary', text: 'Summary of the work so far' }]);
  assert.deepEqual([last[1]!.role, last[1]!.is_compaction], ['user', true]); // the isSummary message
  assert.deepEqual(last[2]!.content, [{ type: 'thinking', text: 'thinking about it', signature: 'gAAAA-opaque' }]);
  const c = child!.sessions[0]!;
  assert.equal(c.parentNativeId, PARENT);
  assert.equal(c.header.title, 'Run the tests');
  assert.equal(c.header.created_at, new Date(1_800_000_000_500).toISOString());
});

test('the Cline classic fixture read as a Roo task without an index: title from the first prompt, time from the UUID v7', async () => {
  const home = tempDir('sfs-roo-');
  const root = path.join(home, '.config', 'VSCodium', 'User', 'globalStorage', 'rooveterinaryinc.roo-cline');
  const api = JSON.parse(
    readFileSync(path.join(fixtures, 'cline/public/Dicklesworthstone-cross_agent_session_resumer/tasks/1700001234567/api_conversation_history.json'), 'utf8'),
  );
  writeTree(root, { [`tasks/${CHILD}/api_conversation_history.json`]: api });
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const [src] = await adapter.listSources(env);
  const r = await adapter.read(src!, null, env);
  assert.equal(r.sessions[0]!.header.title, 'Review Cline parser behavior.');
  assert.equal(r.sessions[0]!.header.created_at, new Date(0x019a0b1c2d40).toISOString());
  assert.equal(r.sessions[0]!.messages.length, 4);
});

test('ids are identical across reads', async () => {
  const env = store();
  const read = async () => Promise.all((await adapter.listSources(env)).map((s) => adapter.read(s, null, env)));
  assert.deepEqual(
    (await read()).map((r) => r.sessions),
    (await read()).map((r) => r.sessions),
  );
});

test('locate: hosts, platforms and roo-cline.customStoragePath', () => {
  const home = tempDir('sfs-roo-');
  writeTree(home, { '.config/Code/User/settings.json': '{\n  // comment\n  "roo-cline.customStoragePath": "/mnt/roo-store",\n}' });
  const dirs = adapter.storeDirs({ home, platform: 'linux', env: {} });
  assert.ok(dirs.includes('/mnt/roo-store'));
  assert.ok(dirs.includes(path.join(home, '.config/Windsurf/User/globalStorage/rooveterinaryinc.roo-cline')));
  assert.ok(
    adapter.storeDirs({ home: '/h', platform: 'linux', env: { XDG_CONFIG_HOME: '/x' } }).includes('/x/Code/User/globalStorage/rooveterinaryinc.roo-cline'),
  );
  assert.ok(
    adapter
      .storeDirs({ home: '/Users/u', platform: 'darwin', env: {} })
      .includes('/Users/u/Library/Application Support/Cursor/User/globalStorage/rooveterinaryinc.roo-cline'),
  );
  assert.ok(
    adapter
      .storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: {} })
      .includes('C:\\Users\\u\\AppData\\Roaming\\Code\\User\\globalStorage\\rooveterinaryinc.roo-cline'),
  );
});
