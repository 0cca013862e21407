import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/cursor/index.js';
import type { AdapterEnv, CaptureSource } from '../../../engine/capture/contract.js';
import { fixtures, tempDir, writeTree } from '../shared/helpers.js';

const PUB = path.join(fixtures, 'cursor', 'public');
const env: AdapterEnv = { home: '/nonexistent', platform: 'linux', env: {} };
const src = (p: string): CaptureSource => ({ path: p, style: 'rewrite' });

test('synthetic global DB (cursorDiskKV composerData + bubbles)', async () => {
  const r = await adapter.read(src(path.join(PUB, 'Dicklesworthstone-cross_agent_session_resumer', 'state.vscdb')), null, env);
  assert.deepEqual(r.problems, []);
  assert.equal(r.sessions.length, 1);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, 'cur-composer-001');
  assert.equal(s.header.title, 'Implement database connection pooling');
  assert.equal(s.header.cwd, '/home/user/webapp');
  assert.equal(s.header.model?.model_id, 'gpt-4');
  assert.equal(s.header.created_at, new Date(1701388800000).toISOString());
  assert.deepEqual(
    s.messages.map((m) => `${m.role}:${m.msg_id}`),
    ['user:bubble-1', 'assistant:bubble-2', 'user:bubble-3', 'assistant:bubble-4'],
  );
  assert.deepEqual(
    s.messages.map((m) => m.parent_msg_id),
    [null, 'bubble-1', 'bubble-2', 'bubble-3'],
  );
});

test('genuine 2024 workspace DB: inline composers and chat tabs', async () => {
  const r = await adapter.read(src(path.join(PUB, 'slevin48-cursor-history', 'workspaceStorage-state.vscdb')), null, env);
  assert.deepEqual(r.problems, []);
  assert.equal(r.sessions.length, 31); // 26 composers + 5 chat tabs
  const named = r.sessions.find((s) => s.nativeId === 'cf2ead9f-6bf9-41d0-829e-a7fcae7ddb5a')!;
  assert.equal(named.header.title, 'create a dedicated page for the copilot icon from the');
  assert.deepEqual(
    named.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  const tab = r.sessions.find((s) => s.nativeId === '2aa483d1-573c-4039-ae4e-7415e28d2605')!;
  assert.equal(tab.header.title, 'Ionic App Sidebar Customization Guide');
  assert.equal(tab.messages.length, 32); // 33 bubbles, the trailing empty draft skipped
  assert.equal(tab.header.model?.model_id, 'claude-3.5-sonnet');
  const first = r.sessions[0]!.messages[0]!;
  assert.deepEqual(first.content[1], {
    type: 'image',
    source: {
      type: 'file',
      path: 'C:\\Users\\ydebray\\OneDrive - MathWorks\\Documents\\ChatGPT\\mobile copilot\\Screenshot_2024-11-15-14-49-47-649_com.mathworks.matlabmobile.jpg',
    },
  });
  const again = await adapter.read(src(path.join(PUB, 'slevin48-cursor-history', 'workspaceStorage-state.vscdb')), null, env);
  assert.deepEqual(again.sessions, r.sessions);
});

test('agent store.db fixture (not a state DB) yields nothing and does not throw', async () => {
  const r = await adapter.read(src(path.join(PUB, 'jazzyalex-agent-sessions', 'test-store.db')), null, env);
  assert.equal(r.sessions.length, 0);
});

function modernStore(): { home: string; dbPath: string } {
  const home = tempDir('sfs-cursor-');
  const user = path.join(home, '.config', 'Cursor', 'User');
  const dbPath = path.join(user, 'globalStorage', 'state.vscdb');
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  db.exec('CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)');
  const put = db.prepare('INSERT INTO cursorDiskKV VALUES (?, ?)');
  const j = (v: unknown) => JSON.stringify(v);
  put.run(
    'composerData:c1',
    j({
      composerId: 'c1',
      name: 'Agent run',
      createdAt: 1800000000000,
      lastUpdatedAt: 1800000009000,
      createdOnBranch: 'feature/x',
      subComposerIds: ['c2'],
      latestConversationSummary: { summary: { summary: 'Earlier: looked at files' } },
      fullConversationHeadersOnly: [
        { bubbleId: 'b1', type: 1 },
        { bubbleId: 'b2', type: 2 },
        { bubbleId: 'b3', type: 2 },
        { bubbleId: 'gone', type: 2 },
      ],
    }),
  );
  put.run('bubbleId:c1:b1', Buffer.from(j({ type: 1, text: 'List files', createdAt: '2027-01-15T08:00:00.000Z' })));
  put.run(
    'bubbleId:c1:b2',
    j({
      type: 2,
      text: '',
      thinking: { text: 'Use ls', signature: 'sig1' },
      toolFormerData: { tool: 5, name: 'run_terminal_cmd', toolCallId: 'tc1', rawArgs: '{"command":"ls"}', status: 'completed', result: { output: 'a.txt' } },
      tokenCount: { inputTokens: 120, outputTokens: 30 },
      modelInfo: { modelName: 'claude-4-sonnet' },
    }),
  );
  put.run(
    'bubbleId:c1:b3',
    j({ type: 2, text: 'Now editing', toolFormerData: { name: 'edit_file', toolCallId: 'tc2', params: { path: 'a.txt' }, status: 'loading' } }),
  );
  put.run('composerData:c2', j({ composerId: 'c2', name: 'Sub-agent', createdAt: 1800000001000, fullConversationHeadersOnly: [{ bubbleId: 'x1', type: 1 }] }));
  put.run('bubbleId:c2:x1', j({ type: 1, text: 'child prompt' }));
  put.run('composerData:bad', '{not json');
  put.run('composerData:null', null);
  db.close();
  const ws = path.join(user, 'workspaceStorage', 'abc123');
  writeTree(ws, { 'workspace.json': { folder: 'file:///home/dev/my%20proj' } });
  const wdb = new Database(path.join(ws, 'state.vscdb'));
  wdb.exec('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)');
  wdb
    .prepare('INSERT INTO ItemTable VALUES (?, ?)')
    .run('composer.composerData', j({ allComposers: [{ composerId: 'c1', name: 'Agent run' }], composerDataVersion: 1 }));
  wdb.close();
  return { home, dbPath };
}

test('modern global DB: tools, thinking, tokens, sub-composers, summary, cwd from the workspace index', async () => {
  const { home, dbPath } = modernStore();
  const e: AdapterEnv = { home, platform: 'linux', env: {} };
  const sources = await adapter.listSources(e);
  assert.deepEqual(
    sources.map((s) => path.relative(home, s.path)),
    ['.config/Cursor/User/globalStorage/state.vscdb', '.config/Cursor/User/workspaceStorage/abc123/state.vscdb'],
  );
  const r = await adapter.read(src(dbPath), null, e);
  assert.deepEqual(r.problems.map((p) => p.where).sort(), ['bubbleId:c1:gone', 'composerData:bad']);
  const c1 = r.sessions.find((s) => s.nativeId === 'c1')!;
  const c2 = r.sessions.find((s) => s.nativeId === 'c2')!;
  assert.equal(c2.parentNativeId, 'c1');
  assert.equal(c1.header.cwd, '/home/dev/my proj');
  assert.equal(c1.header.git?.branch, 'feature/x');
  assert.equal(c1.header.model?.model_id, 'claude-4-sonnet');
  assert.deepEqual(
    c1.messages.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant', 'system'],
  );
  const [, a1, t1, a2, sum] = c1.messages;
  assert.deepEqual(a1!.content, [
    { type: 'thinking', text: 'Use ls', signature: 'sig1' },
    { type: 'tool_use', tool_use_id: 'tc1', name: 'run_terminal_cmd', input: { command: 'ls' } },
  ]);
  assert.deepEqual(a1!.usage, { input_tokens: 120, output_tokens: 30 });
  assert.deepEqual(t1!.content, [{ type: 'tool_result', tool_use_id: 'tc1', content: '{"output":"a.txt"}' }]);
  assert.deepEqual(a2!.unfinished_tool_use_ids, ['tc2']);
  assert.equal(sum!.is_compaction, true);
  // unchanged DB: nothing re-read; a changed DB re-reads only composers whose lastUpdatedAt moved
  const again = await adapter.read(src(dbPath), JSON.parse(JSON.stringify(r.cursor)), e);
  assert.equal(again.sessions.length, 0);
  const db = new Database(dbPath);
  db.prepare('INSERT INTO cursorDiskKV VALUES (?, ?)').run('bubbleId:c2:x2', JSON.stringify({ type: 2, text: 'child answer' }));
  db.close();
  const third = await adapter.read(src(dbPath), r.cursor, e);
  assert.deepEqual(
    third.sessions.map((s) => s.nativeId),
    ['c2'],
  );
  const full = await adapter.read(src(dbPath), null, e);
  assert.deepEqual(
    full.sessions.find((s) => s.nativeId === 'c1'),
    c1,
  );
});

test('corrupt, empty, missing and directory sources are reported, never thrown', async () => {
  const dir = tempDir('sfs-cursor-');
  writeFileSync(path.join(dir, 'garbage.vscdb'), 'this is not a database at all'.repeat(200));
  writeFileSync(path.join(dir, 'empty.vscdb'), '');
  mkdirSync(path.join(dir, 'isdir.vscdb'));
  for (const name of ['garbage.vscdb', 'isdir.vscdb', 'missing.vscdb']) {
    const r = await adapter.read(src(path.join(dir, name)), null, env);
    assert.equal(r.sessions.length, 0, name);
    assert.equal(r.problems.length, 1, name);
  }
  const empty = await adapter.read(src(path.join(dir, 'empty.vscdb')), null, env);
  assert.equal(empty.sessions.length, 0);
});

test('locate and sourceFor', () => {
  assert.deepEqual(adapter.storeDirs({ home: '/h', platform: 'linux', env: { XDG_CONFIG_HOME: '/x' } }), [
    '/x/Cursor/User/globalStorage',
    '/x/Cursor/User/workspaceStorage',
    '/h/.cursor/projects',
    '/h/.cursor/chats',
  ]);
  assert.deepEqual(adapter.storeDirs({ home: '/Users/u', platform: 'darwin', env: {} }).slice(2), ['/Users/u/.cursor/projects', '/Users/u/.cursor/chats']);
  assert.deepEqual(adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: {} }).slice(2), [
    'C:\\Users\\u\\.cursor\\projects',
    'C:\\Users\\u\\.cursor\\chats',
  ]);
  assert.deepEqual(adapter.storeDirs({ home: '/Users/u', platform: 'darwin', env: {} })[0], '/Users/u/Library/Application Support/Cursor/User/globalStorage');
  assert.deepEqual(adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: { APPDATA: 'D:\\R' } })[1], 'D:\\R\\Cursor\\User\\workspaceStorage');
  const e: AdapterEnv = { home: '/h', platform: 'linux', env: {} };
  assert.deepEqual(adapter.sourceFor('/h/.config/Cursor/User/globalStorage/state.vscdb-wal', e), src('/h/.config/Cursor/User/globalStorage/state.vscdb'));
  assert.deepEqual(
    adapter.sourceFor('/h/.config/Cursor/User/workspaceStorage/abc/workspace.json', e),
    src('/h/.config/Cursor/User/workspaceStorage/abc/state.vscdb'),
  );
  assert.equal(adapter.sourceFor('/h/.config/Cursor/User/globalStorage/storage.json', e), null);
});
