import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapter } from '../../../adapters/amp/index.js';
import type { AdapterEnv, ReadResult } from '../../../engine/capture/contract.js';
import type { ToolResultBlock } from '../../../engine/model/message.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const FIX = path.resolve(repoRoot, 'test/fixtures/amp/public');
const env: AdapterEnv = { home: '/nowhere', platform: 'linux', env: {} };
const read = (file: string): Promise<ReadResult> => adapter.read({ path: file, style: 'rewrite' }, null, env);

test('every amp fixture parses, with titles and cwd', async () => {
  const expect: Record<string, [string, string | null, number]> = {
    'Dicklesworthstone-cross_agent_session_resumer/T-aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.json': ['Amp fixture session', '/data/projects/fixture-amp', 4],
    'Dicklesworthstone-cross_agent_session_resumer/T-aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaab.json': ['Database migration helper', '/home/user/webapp', 4],
    'Dicklesworthstone-coding_agent_session_search/thread-001.json': ['Amp sample thread', null, 2],
  };
  for (const [rel, [title, cwd, n]] of Object.entries(expect)) {
    const r = await read(path.join(FIX, rel));
    assert.deepEqual(r.problems, []);
    const s = r.sessions[0]!;
    assert.equal(s.header.title, title);
    assert.equal(s.header.cwd, cwd);
    assert.equal(s.messages.length, n);
    assert.deepEqual(
      s.messages.map((m) => m.role),
      n === 4 ? ['user', 'assistant', 'user', 'assistant'] : ['user', 'assistant'],
    );
    s.messages.forEach((m, i) => assert.equal(m.parent_msg_id ?? null, i === 0 ? null : s.messages[i - 1]!.msg_id));
  }
  assert.equal(readdirSync(FIX).length, 2);
});

const thread = {
  v: 7,
  id: 'T-019b9d03-0000-7000-8000-000000000001',
  created: 1764000000000,
  title: '',
  env: {
    initial: {
      trees: [
        {
          displayName: 'demo',
          uri: 'file:///home/dev/projects/demo%20app',
          repository: { type: 'git', url: 'https://github.com/o/r', ref: 'main', sha: 'abc' },
        },
      ],
      platform: { os: 'linux', client: 'cli', clientVersion: '0.0.1764' },
      tags: ['model:claude-sonnet-4'],
    },
  },
  messages: [
    {
      role: 'user',
      messageId: 0,
      content: [
        { type: 'text', text: 'Fix the tests\nplease' },
        { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'AAAA' } },
      ],
      meta: { sentAt: 1764000001000 },
    },
    {
      role: 'assistant',
      messageId: 1,
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig==' },
        { type: 'tool_use', id: 'tu1', name: 'Bash', input: { cmd: 'npm test' } },
        { type: 'tool_use', id: 'tu2', name: 'Read', input: {} },
      ],
      state: { type: 'complete', stopReason: 'tool_use' },
      usage: { model: 'claude-sonnet-4', inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 100, cacheCreationInputTokens: 20, timestamp: 1764000002000 },
    },
    { role: 'user', messageId: 2, content: [{ type: 'tool_result', toolUseID: 'tu1', run: { status: 'error', error: { message: 'exit 1' } } }] },
    { role: 'assistant', messageId: 3, content: [{ type: 'text', text: 'oops' }], state: { type: 'error' } },
  ],
  usageLedger: { events: [{ id: 'u', model: 'claude-sonnet-4', tokens: { input: 7, output: 3 }, toMessageId: 3 }] },
};

test('a full thread: blocks, pairing, usage once per message, errors, git, ids stable as it grows', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'amp-'));
  const f = path.join(dir, `${thread.id}.json`);
  writeFileSync(f, JSON.stringify(thread));
  const s = (await read(f)).sessions[0]!;
  assert.equal(s.nativeId, thread.id);
  assert.equal(s.header.title, 'Fix the tests');
  assert.equal(s.header.cwd, '/home/dev/projects/demo app');
  assert.deepEqual(s.header.git, { branch: 'main', remote_url: 'https://github.com/o/r', commit_sha: 'abc' });
  assert.equal(s.header.tool_version, '0.0.1764');
  assert.equal(s.header.created_at, '2025-11-24T16:00:00.000Z');
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant'],
  );
  assert.deepEqual(s.messages[0]!.content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } });
  assert.deepEqual(s.messages[1]!.content[0], { type: 'thinking', text: 'hmm', signature: 'sig==' });
  assert.deepEqual(s.messages[1]!.usage, { input_tokens: 10, output_tokens: 5, cache_read_tokens: 100, cache_write_tokens: 20 });
  assert.deepEqual(s.messages[1]!.unfinished_tool_use_ids, ['tu2']);
  assert.equal(s.messages[1]!.stop_reason, 'tool_use');
  const res = s.messages[2]!.content[0] as ToolResultBlock;
  assert.equal(res.tool_use_id, 'tu1');
  assert.equal(res.is_error, true);
  assert.equal(s.messages[3]!.is_api_error, true);
  assert.deepEqual(s.messages[3]!.usage, { input_tokens: 7, output_tokens: 3 });
  // rewritten with one more message: the earlier ids do not move
  writeFileSync(
    f,
    JSON.stringify({
      ...thread,
      v: 8,
      title: 'Named',
      messages: [...thread.messages, { role: 'user', messageId: 4, content: [{ type: 'text', text: 'again' }] }],
    }),
  );
  const s2 = (await read(f)).sessions[0]!;
  assert.equal(s2.header.title, 'Named');
  assert.deepEqual(
    s2.messages.slice(0, 4).map((m) => m.msg_id),
    s.messages.map((m) => m.msg_id),
  );
  assert.deepEqual((await read(f)).sessions, [s2]);
});

test('bad input never throws', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'amp-bad-'));
  const cases: Record<string, string | Buffer> = {
    'T-trunc.json': '{"id":"T-x","messages":[{"role":"user"',
    'T-empty.json': '',
    'T-array.json': '[1,2]',
    'T-bytes.json': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  };
  for (const [n, body] of Object.entries(cases)) {
    writeFileSync(path.join(dir, n), body);
    const r = await read(path.join(dir, n));
    assert.equal(r.sessions.length, 0, n);
    assert.equal(r.problems.length, 1, n);
  }
  writeFileSync(path.join(dir, 'T-mixed.json'), '{"id":"T-m","messages":[null,{"role":"robot"},{"role":"user","content":"hi \\ud800"}]}');
  const r = await read(path.join(dir, 'T-mixed.json'));
  assert.equal(r.problems.length, 2);
  assert.equal(r.sessions[0]!.messages.length, 1);
  assert.ok(!JSON.stringify(r.sessions).includes('\\ud800'));
  mkdirSync(path.join(dir, 'T-dir.json'));
  assert.equal((await read(path.join(dir, 'T-dir.json'))).problems.length, 1);
  assert.equal((await read(path.join(dir, 'nope.json'))).problems.length, 1);
});

test('locate: XDG_DATA_HOME, macOS, Windows and the editor extensions', async () => {
  assert.equal(adapter.storeDirs({ home: '/home/u', platform: 'linux', env: {} })[0], '/home/u/.local/share/amp/threads');
  const xdg = adapter.storeDirs({ home: '/home/u', platform: 'linux', env: { XDG_DATA_HOME: '/d', XDG_CONFIG_HOME: '/c' } });
  assert.equal(xdg[0], '/d/amp/threads');
  assert.ok(xdg.includes('/c/Code - Insiders/User/globalStorage/sourcegraph.amp/threads3'));
  const mac = adapter.storeDirs({ home: '/Users/u', platform: 'darwin', env: {} });
  assert.ok(mac.includes('/Users/u/Library/Application Support/VSCodium/User/globalStorage/sourcegraph.amp/threads3'));
  const win = adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' } });
  assert.ok(win.includes('C:\\Users\\u\\AppData\\Roaming\\Cursor\\User\\globalStorage\\sourcegraph.amp\\threads3'));
  const home = mkdtempSync(path.join(tmpdir(), 'amp-home-'));
  const threads = path.join(home, 'data/amp/threads');
  mkdirSync(threads, { recursive: true });
  writeFileSync(path.join(threads, 'T-1.json'), '{}');
  writeFileSync(path.join(threads, 'notes.txt'), '');
  const e: AdapterEnv = { home, platform: 'linux', env: { XDG_DATA_HOME: path.join(home, 'data') } };
  assert.deepEqual(await adapter.listSources(e), [{ path: path.join(threads, 'T-1.json'), style: 'rewrite' }]);
  assert.deepEqual(adapter.sourceFor(path.join(threads, 'T-2.json'), e), { path: path.join(threads, 'T-2.json'), style: 'rewrite' });
  assert.equal(adapter.sourceFor(path.join(threads, 'sub/T-2.json'), e), null);
  assert.equal(adapter.sourceFor(path.join(home, 'T-2.json'), e), null);
});
