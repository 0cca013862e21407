import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/kilo-code/index.js';
import type { AdapterEnv, CaptureSource, CapturedSession } from '../../../engine/capture/contract.js';
import type { Message } from '../../../engine/model/message.js';
import { assertSchemaValid, assertToolsPaired, fixtures, tempDir } from '../shared/helpers.js';

/** The Kilo CLI 7.7.7 database (fixtures/kilo-code/generated-kilo-cli-7.7.7/README.md says how it was made). */
const DB = path.join(fixtures, 'kilo-code/generated-kilo-cli-7.7.7/dot-local-share-kilo/kilo.db');
const MAIN = 'ses_df37f55baffefkJ6v6I6fgzojC';
const CHILD = 'ses_df37edc1cffeOOaCZKCdQxYewF';
const OVERFLOW = 'ses_df37ec069ffeASkAHKHnxZ0jyK';
const BADREQ = 'ses_df37e8c4dffeXWLLmpiZqfNXvU';
const env: AdapterEnv = { home: '/nonexistent', platform: 'linux', env: {} };
const src = (p: string): CaptureSource => ({ path: p, style: 'rewrite' });
const text = (m: Message) =>
  m.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n');

async function readFixture(): Promise<Map<string, CapturedSession>> {
  const r = await adapter.read(src(DB), null, env);
  assert.deepEqual(r.problems, []);
  await assertSchemaValid('kilo-code', r.sessions, DB);
  return new Map(r.sessions.map((s) => [s.nativeId, s]));
}

test('Kilo CLI store: four sessions with titles, cwd, version, model and creation times', async () => {
  const s = await readFixture();
  assert.deepEqual([...s.keys()], [MAIN, CHILD, OVERFLOW, BADREQ]);
  const main = s.get(MAIN)!;
  assert.equal(main.header.title, 'Inspect the demo project');
  assert.equal(main.header.cwd, '/tmp/kilo-run/home/projects/demo-app');
  assert.equal(main.header.tool_version, '7.7.7');
  assert.deepEqual(main.header.model, { provider: 'mock', model_id: 'claude-mock-1' });
  assert.equal(main.header.created_at, new Date(1795506088517).toISOString());
  assert.equal(main.header.native_path, DB);
  // Kilo's default title ("New session - <time>") gives way to the first prompt.
  assert.equal(s.get(BADREQ)!.header.title, '"SCN_BADREQ: this request is refused"');
});

test('main session: roles in order, thinking with its signature, every tool call paired, a failed call, usage, stop reasons', async () => {
  const ms = (await readFixture()).get(MAIN)!.messages;
  assert.deepEqual(
    ms.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'tool', 'assistant'],
  );
  assert.equal(text(ms[0]!), '"SCN_TOOLS: please inspect this project"');
  assert.deepEqual(ms[1]!.content[0], { type: 'thinking', text: 'List the files first.', signature: 'bW9jay1zaWduYXR1cmU=' });
  assert.deepEqual(ms[1]!.content[2], { type: 'tool_use', tool_use_id: 'toolu_mock_1a', name: 'bash', input: { command: 'ls', description: 'List files' } });
  assert.deepEqual(ms[2]!.content, [{ type: 'tool_result', tool_use_id: 'toolu_mock_1a', content: 'README.md\nsrc\n' }]);
  const failed = ms[8]!.content[0] as { tool_use_id: string; content: string; is_error?: boolean };
  assert.equal(failed.tool_use_id, 'toolu_mock_4d');
  assert.equal(failed.is_error, true);
  assert.match(failed.content, /^File not found: .*missing\.md$/);
  const task = ms[11]!.content.find((b) => b.type === 'tool_use') as { name: string; input: { subagent_type: string } };
  assert.equal(task.name, 'task');
  assert.equal(task.input.subagent_type, 'general');
  assertToolsPaired(ms);
  // Kilo's own ids: messages keep msg_…, tool results are keyed by their part (prt_…)
  assert.ok(ms.filter((m) => m.role !== 'tool').every((m) => m.msg_id.startsWith('msg_')));
  assert.ok(ms.filter((m) => m.role === 'tool').every((m) => m.msg_id.startsWith('prt_')));
  assert.equal(ms[0]!.parent_msg_id, null);
  for (let i = 1; i < ms.length; i++) assert.equal(ms[i]!.parent_msg_id, ms[i - 1]!.msg_id);
  const assistants = ms.filter((m) => m.role === 'assistant');
  assert.ok(assistants.every((m) => m.model === 'claude-mock-1' && m.provider === 'mock'));
  assert.deepEqual(
    assistants.map((m) => m.stop_reason),
    ['tool-calls', 'tool-calls', 'tool-calls', 'tool-calls', 'stop', 'tool-calls', 'stop'],
  );
  assert.deepEqual(assistants[0]!.usage, { input_tokens: 120, output_tokens: 30, cache_read_tokens: 64, cache_write_tokens: 0 });
  assert.equal(ms[0]!.timestamp, new Date(1795506098793).toISOString());
  assert.equal(ms[2]!.timestamp, new Date(1795506102512).toISOString()); // the tool's end time
  for (let i = 1; i < ms.length; i++) assert.ok(ms[i]!.timestamp! >= ms[i - 1]!.timestamp!, `time order at ${i}`);
});

test('sub-agent session links to its parent; overflow compaction and API errors are marked', async () => {
  const s = await readFixture();
  const child = s.get(CHILD)!;
  assert.equal(child.parentNativeId, MAIN);
  assert.equal(child.header.agent_id, 'general');
  assert.equal(child.header.title, 'List project files (@general subagent)');
  assert.deepEqual(
    child.messages.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant'],
  );
  assert.equal(text(child.messages[0]!), 'SUBAGENT_TASK: list the files in the project and report them.');
  assert.equal(s.get(MAIN)!.parentNativeId, null);
  const overflow = s.get(OVERFLOW)!.messages;
  assert.deepEqual(
    overflow.map((m) => [m.role, !!m.is_compaction, !!m.is_api_error]),
    [
      ['user', false, false],
      ['system', true, false],
      ['assistant', true, true],
    ],
  );
  assert.deepEqual(overflow[1]!.content, [{ type: 'compaction', auto: true, overflow: true }]);
  assert.match(text(overflow[2]!), /^ContextOverflowError: Session too large to compact/);
  const bad = s.get(BADREQ)!.messages;
  assert.deepEqual(
    bad.map((m) => m.role),
    ['user', 'assistant'],
  );
  assert.equal(bad[1]!.is_api_error, true);
  assert.equal(text(bad[1]!), 'APIError: mock: unsupported parameter (SCN_BADREQ)');
});

test('incremental: an unchanged store reads nothing; a changed session alone is read again', async () => {
  const first = await adapter.read(src(DB), null, env);
  const again = await adapter.read(src(DB), first.cursor, env);
  assert.equal(again.sessions.length, 0);
  assert.deepEqual(again.problems, []);
  // A copy that Kilo "continues": a new user message and its text part in the bad-request session.
  const dir = tempDir('sfs-kilo-cli-');
  const copy = path.join(dir, 'kilo.db');
  copyFileSync(DB, copy);
  const base = await adapter.read(src(copy), null, env);
  const db = new Database(copy);
  const t = 1795506200000;
  db.prepare('INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)').run(
    'msg_zz_new',
    BADREQ,
    t,
    t,
    JSON.stringify({ role: 'user', time: { created: t }, agent: 'code' }),
  );
  db.prepare('INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)').run(
    'prt_zz_new',
    'msg_zz_new',
    BADREQ,
    t,
    t,
    JSON.stringify({ type: 'text', text: 'try again' }),
  );
  db.prepare('INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)').run(
    'prt_zz_bad',
    'msg_zz_new',
    BADREQ,
    t,
    t,
    '{"type":"text","te',
  );
  db.close();
  const next = await adapter.read(src(copy), base.cursor, env);
  assert.deepEqual(
    next.sessions.map((s) => s.nativeId),
    [BADREQ],
  );
  const ms = next.sessions[0]!.messages;
  assert.equal(ms.at(-1)!.msg_id, 'msg_zz_new');
  assert.equal(text(ms.at(-1)!), 'try again');
  assert.equal(ms.at(-1)!.parent_msg_id, ms.at(-2)!.msg_id);
  // the unreadable part is reported by id; the rest of the message is kept
  assert.deepEqual(
    next.problems.map((p) => [p.path, p.where]),
    [[copy, 'part prt_zz_bad']],
  );
});

test('not a Kilo store, missing, a directory: reported, never thrown', async () => {
  const dir = tempDir('sfs-kilo-cli-');
  const other = path.join(fixtures, 'cursor/public/jazzyalex-agent-sessions/test-store.db');
  writeFileSync(path.join(dir, 'garbage.db'), 'not a database'.repeat(300));
  mkdirSync(path.join(dir, 'isdir.db'));
  for (const f of [other, path.join(dir, 'garbage.db'), path.join(dir, 'isdir.db'), path.join(dir, 'missing.db')]) {
    const r = await adapter.read(src(f), null, env);
    assert.equal(r.sessions.length, 0, f);
    assert.equal(r.problems.length, 1, f);
    assert.equal(r.problems[0]!.path, f);
  }
});

test('locate: ${XDG_DATA_HOME:-~/.local/share}/kilo, release-channel databases, KILO_DB; sourceFor maps the WAL to its database', async () => {
  assert.ok(adapter.storeDirs({ home: '/h', platform: 'linux', env: {} }).includes('/h/.local/share/kilo'));
  assert.ok(adapter.storeDirs({ home: '/h', platform: 'linux', env: { XDG_DATA_HOME: '/data' } }).includes('/data/kilo'));
  assert.ok(adapter.storeDirs({ home: '/Users/u', platform: 'darwin', env: {} }).includes('/Users/u/.local/share/kilo'));
  assert.ok(adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: {} }).includes('C:\\Users\\u\\.local\\share\\kilo'));
  const home = tempDir('sfs-kilo-cli-');
  const data = path.join(home, '.local', 'share', 'kilo');
  mkdirSync(data, { recursive: true });
  for (const n of ['kilo.db', 'kilo-beta.db', 'kilo.db-wal', 'telemetry-id']) writeFileSync(path.join(data, n), '');
  const e: AdapterEnv = { home, platform: 'linux', env: {} };
  assert.deepEqual(
    (await adapter.listSources(e)).map((s) => [path.basename(s.path), s.style]),
    [
      ['kilo-beta.db', 'rewrite'],
      ['kilo.db', 'rewrite'],
    ],
  );
  const custom = path.join(home, 'custom.db');
  writeFileSync(custom, '');
  assert.ok((await adapter.listSources({ ...e, env: { KILO_DB: custom } })).some((s) => s.path === custom));
  assert.deepEqual(adapter.sourceFor(path.join(data, 'kilo.db-wal'), e), src(path.join(data, 'kilo.db')));
  assert.deepEqual(adapter.sourceFor(path.join(data, 'kilo-beta.db'), e), src(path.join(data, 'kilo-beta.db')));
  assert.equal(adapter.sourceFor(path.join(data, 'telemetry-id'), e), null);
  assert.equal(adapter.sourceFor(path.join(data, 'storage', 'session_diff', 'x.json'), e), null);
  assert.deepEqual(adapter.sourceFor(path.join(data, 'custom.db'), { ...e, env: { KILO_DB: 'custom.db' } }), src(path.join(data, 'custom.db')));
});
