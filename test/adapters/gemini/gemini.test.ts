import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapter } from '../../../adapters/gemini/index.js';
import type { AdapterEnv, CapturedSession, ReadResult } from '../../../engine/capture/contract.js';
import type { Message, ToolResultBlock, ToolUseBlock } from '../../../engine/model/message.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const FIX = path.resolve(repoRoot, 'test/fixtures/gemini');
const GEN = path.join(FIX, 'generated-gemini-cli-0.61.0/dot-gemini');
const CHATS = path.join(GEN, 'tmp/demo-app/chats');
const LEGACY = path.join(FIX, 'generated-gemini-cli-0.38.2-legacy-json/dot-gemini/tmp/demo-app/chats');
const env: AdapterEnv = { home: '/nowhere', platform: 'linux', env: {} };

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const read = (file: string, cursor: unknown = null): Promise<ReadResult> =>
  adapter.read({ path: file, style: file.endsWith('.jsonl') ? 'append' : 'rewrite' }, cursor, env);
async function one(file: string): Promise<CapturedSession> {
  const r = await read(file);
  assert.equal(r.sessions.length, 1);
  return r.sessions[0]!;
}
const byId = (msgs: Message[]): Map<string, Message> => new Map(msgs.map((m) => [m.msg_id, m]));
function pairing(msgs: Message[]): void {
  const results = new Set(msgs.flatMap((m) => m.content.filter((b) => b.type === 'tool_result').map((b) => (b as ToolResultBlock).tool_use_id)));
  for (const m of msgs) {
    for (const u of m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use')) {
      assert.ok(results.has(u.tool_use_id) || m.unfinished_tool_use_ids?.includes(u.tool_use_id), `unpaired ${u.tool_use_id}`);
    }
  }
}

test('every gemini fixture parses without throwing, with paired tools and unique ids', async () => {
  for (const f of walk(FIX).filter((f) => /\.jsonl?$/.test(f) && !/(logs|projects)\.json$/.test(f))) {
    const r = await read(f);
    assert.deepEqual(r.problems, [], f);
    for (const s of r.sessions) {
      pairing(s.messages);
      assert.equal(new Set(s.messages.map((m) => m.msg_id)).size, s.messages.length, f);
      assert.ok(s.header.created_at, f);
    }
  }
});

test('tools session: roles, title, tokens counted once per record, pairing', async () => {
  const s = await one(path.join(CHATS, 'session-2026-11-24T04-02-1ee066f1.jsonl'));
  assert.equal(s.nativeId, '1ee066f1-d2c9-49bc-8e4c-875b4387b565');
  assert.equal(s.header.title, 'SCN_TOOLS: please inspect this project');
  assert.equal(s.header.cwd, '/home/dev/projects/demo-app');
  assert.deepEqual(s.header.model, { provider: 'google', model_id: 'gemini-2.5-pro' });
  assert.equal(s.parentNativeId, null);
  const roles = s.messages.map((m) => m.role).join(',');
  assert.equal(roles, 'user,user,assistant,tool,assistant,tool,assistant,tool,assistant,tool,assistant,user,assistant,tool,assistant');
  assert.equal(s.messages[0]!.is_injected, true); // <session_context>
  const assistants = s.messages.filter((m) => m.role === 'assistant');
  assert.equal(assistants.length, 7);
  const sum = (k: 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'reasoning_tokens') => assistants.reduce((n, m) => n + (m.usage?.[k] ?? 0), 0);
  // input 4100+4300+…+5300 = 32900, minus 7 × 1024 cached, counted apart
  assert.equal(sum('input_tokens'), 25732);
  assert.equal(sum('cache_read_tokens'), 7168);
  assert.equal(sum('output_tokens'), 280);
  assert.equal(sum('reasoning_tokens'), 100); // four records with 25 thought tokens
  const uses = s.messages.flatMap((m) => m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use'));
  assert.deepEqual(
    uses.map((u) => u.name),
    ['run_shell_command', 'read_file', 'write_file', 'run_shell_command', 'invoke_agent'],
  );
  const results = s.messages.flatMap((m) => m.content.filter((b): b is ToolResultBlock => b.type === 'tool_result'));
  assert.deepEqual(
    results.map((r) => r.tool_use_id),
    uses.map((u) => u.tool_use_id),
  ); // once each, not twice
  // chained: every parent is the message before it
  s.messages.forEach((m, i) => assert.equal(m.parent_msg_id ?? null, i === 0 ? null : s.messages[i - 1]!.msg_id));
});

test('sub-agent session points at its parent', async () => {
  const s = await one(path.join(CHATS, '1ee066f1-d2c9-49bc-8e4c-875b4387b565/f2d2168f-9b20-4391-89c0-3829d22255b6.jsonl'));
  assert.equal(s.nativeId, 'f2d2168f-9b20-4391-89c0-3829d22255b6');
  assert.equal(s.parentNativeId, '1ee066f1-d2c9-49bc-8e4c-875b4387b565');
  const err = s.messages
    .flatMap((m) => m.content)
    .find((b) => b.type === 'tool_result' && (b as ToolResultBlock).tool_use_id.endsWith('#1-0')) as ToolResultBlock;
  assert.equal(err.is_error, true);
});

test('image and generated summary title', async () => {
  const s = await one(path.join(CHATS, 'session-2026-11-24T04-02-564d40f4.jsonl'));
  assert.equal(s.header.title, 'Demo project inspection');
  const img = s.messages.flatMap((m) => m.content).find((b) => b.type === 'image');
  assert.deepEqual((img as { source: unknown }).source, {
    type: 'base64',
    media_type: 'image/png',
    data: 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==',
  });
  // the failed prompt the CLI later dropped from its history stays captured
  assert.ok(s.messages.some((m) => m.msg_id === 'ab38fc8d-ab3a-4634-80ce-0e7a9d0df39d'));
});

test('compression checkpoint and API error', async () => {
  const s = await one(path.join(CHATS, 'session-2026-11-24T04-02-9c16acc7.jsonl'));
  const comp = s.messages.filter((m) => m.is_compaction).map((m) => m.msg_id.slice(0, 8));
  assert.deepEqual(comp, ['882ae9b4', 'f11a9a5a']);
  const errs = s.messages.filter((m) => m.is_api_error);
  assert.equal(errs.length, 1);
  assert.match(JSON.stringify(errs[0]!.content), /scripted error/);
  // the pre-compression turns are still there
  assert.ok(s.messages.some((m) => m.msg_id === 'bae55126-e565-4f2a-97d1-3a7b4e89f1e7'));
  assert.equal(s.messages.at(-1)!.msg_id, '8ba8a67a-610f-4d2e-ac62-b274f9c7566b');
});

test('legacy single-JSON session and its sub-agent', async () => {
  const s = await one(path.join(LEGACY, 'session-2026-11-24T04-07-01997934.json'));
  assert.equal(s.nativeId, '01997934-2c2e-4777-86c0-cfef1cc4231d');
  assert.equal(s.header.title, 'SCN_TOOLS: please inspect this project');
  pairing(s.messages);
  assert.ok(s.messages.filter((m) => m.role === 'tool').length >= 5);
  const sub = await one(path.join(LEGACY, '01997934-2c2e-4777-86c0-cfef1cc4231d/j7kh0s.json'));
  assert.equal(sub.parentNativeId, '01997934-2c2e-4777-86c0-cfef1cc4231d');
});

test('resume-test file: our lines plus the CLI appended ones', async () => {
  const s = await one(path.join(FIX, 'resume-test-0.61.0/session-2026-11-20T10-00-33333333.jsonl'));
  assert.equal(s.header.title, 'IMPORTED_MARKER_GM: what is 2+2?');
  assert.deepEqual(
    s.messages.slice(0, 2).map((m) => m.msg_id),
    ['m1', 'm2'],
  );
  assert.ok(s.messages.some((m) => m.content.some((b) => b.type === 'text' && (b as { text: string }).text === 'follow-up')));
});

test('reading twice gives identical messages', async () => {
  for (const f of readdirSync(CHATS).filter((n) => n.endsWith('.jsonl'))) {
    const a = await read(path.join(CHATS, f));
    const b = await read(path.join(CHATS, f));
    assert.deepEqual(a.sessions, b.sessions);
  }
});

test('reading in two appended halves equals reading whole, at every line boundary', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gemini-split-'));
  const sources = [
    ...readdirSync(CHATS)
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => path.join(CHATS, n)),
    path.join(FIX, 'resume-test-0.61.0/session-2026-11-20T10-00-33333333.jsonl'),
  ];
  for (const src of sources) {
    const bytes = readFileSync(src);
    const whole = (await read(src)).sessions[0]!;
    const cuts = [...bytes.entries()].filter(([, c]) => c === 10).map(([i]) => i + 1);
    for (const cut of [...cuts, Math.floor(bytes.length / 2)]) {
      const f = path.join(dir, path.basename(src));
      writeFileSync(f, bytes.subarray(0, cut));
      const first = await read(f);
      appendFileSync(f, bytes.subarray(cut));
      const second = await read(f, JSON.parse(JSON.stringify(first.cursor)));
      const merged = byId([...(first.sessions[0]?.messages ?? []), ...(second.sessions[0]?.messages ?? [])]);
      assert.deepEqual(
        [...merged.values()].sort((x, y) => x.msg_id.localeCompare(y.msg_id)),
        [...whole.messages].sort((x, y) => x.msg_id.localeCompare(y.msg_id)),
        `${src} cut at ${cut}`,
      );
      assert.equal(second.sessions[0]?.header.title, whole.header.title);
    }
  }
});

test('a partial last line waits; a replaced file is re-read from the start', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gemini-partial-'));
  const f = path.join(dir, 'session-x.jsonl');
  const text = readFileSync(path.join(FIX, 'resume-test-0.61.0/session-2026-11-20T10-00-33333333.jsonl'), 'utf8');
  const lines = text.split('\n');
  writeFileSync(f, lines.slice(0, 2).join('\n') + '\n' + lines[2]!.slice(0, 20));
  const a = await read(f);
  assert.deepEqual(
    a.sessions[0]!.messages.map((m) => m.msg_id),
    ['m1'],
  );
  writeFileSync(f, lines.slice(0, 3).join('\n') + '\n'); // same file, grown past the partial line
  const b = await read(f, a.cursor);
  assert.deepEqual(
    b.sessions[0]!.messages.map((m) => m.msg_id),
    ['m2'],
  );
  writeFileSync(f, '{"sessionId":"other"}\n{"id":"z1","type":"user","content":"hi"}\n');
  const c = await read(f, b.cursor);
  assert.equal(c.sessions[0]!.nativeId, 'other');
  assert.deepEqual(
    c.sessions[0]!.messages.map((m) => m.msg_id),
    ['z1'],
  );
});

test('bad input: garbage lines, lone surrogates, invalid UTF-8, empty file, directory, missing file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gemini-bad-'));
  const f = path.join(dir, 'session-bad.jsonl');
  writeFileSync(
    f,
    Buffer.concat([
      Buffer.from('{"sessionId":"bad-1","startTime":"2026-01-01T00:00:00Z"}\nnot json\n[1,2]\n'),
      Buffer.from('{"id":"u1","type":"user","content":[{"text":"bad \\ud800 surrogate "}]}\n'),
      Buffer.from([
        0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x2c, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0x75, 0x73, 0x65, 0x72, 0x22, 0x7d,
        0x0a,
      ]),
      Buffer.from('{"$rewindTo":"nope"}\n{"id":"u2","type":"gemini","content":"ok","toolCalls":[{"id":"c1","name":"x","args":{}}]}\n'),
    ]),
  );
  const r = await read(f);
  assert.deepEqual(
    r.problems.map((p) => p.where),
    ['2', '3'],
  );
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, 'bad-1');
  assert.ok(!JSON.stringify(s).includes('\\ud800'));
  assert.deepEqual(s.messages.find((m) => m.msg_id === 'u2')!.unfinished_tool_use_ids, ['c1']);
  const empty = path.join(dir, 'session-empty.jsonl');
  writeFileSync(empty, '');
  assert.deepEqual((await read(empty)).sessions, []);
  const d = path.join(dir, 'session-dir.jsonl');
  mkdirSync(d);
  assert.equal((await read(d)).problems.length, 1);
  assert.equal((await read(path.join(dir, 'missing.json'))).problems.length, 1);
  const corrupt = path.join(dir, 'session-corrupt.json');
  writeFileSync(corrupt, '{"sessionId":"x","messages":[{"id":"a","type":"user","content":"hi"}');
  assert.equal((await read(corrupt)).problems.length, 1);
});

test('the empty file Gemini opens on every resume is no session; a file is read whole once a turn is recorded', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gemini-stray-'));
  // As Gemini CLI 0.61 writes it beside the resumed file: a header with the resumed session's id and the injected context.
  const id = 'ed485f07-5075-4267-9216-9ce19c77de48';
  const t0 = '2026-11-24T07:50:30.269Z';
  const context = {
    id: 'd04923d38bb0f6017037e74183378ef4',
    timestamp: t0,
    type: 'user',
    content: [{ text: '<session_context>\nThis is the Gemini CLI. We are setting up the context for our chat.' }],
  };
  const f = path.join(dir, 'session-2026-11-24T07-50-ed485f07.jsonl');
  writeFileSync(f, JSON.stringify({ sessionId: id, projectHash: 'bcf3c3a6', startTime: t0, lastUpdated: t0, kind: 'main' }) + '\n');
  const headerOnly = await read(f);
  assert.deepEqual([headerOnly.sessions, headerOnly.cursor, headerOnly.problems], [[], null, []]);
  appendFileSync(f, JSON.stringify({ $set: { messages: [context], lastUpdated: t0 } }) + '\n');
  appendFileSync(f, JSON.stringify({ id: 'i1', timestamp: t0, type: 'info', content: 'Update available' }) + '\n');
  const stray = await read(f, headerOnly.cursor);
  assert.deepEqual([stray.sessions, stray.cursor, stray.problems], [[], null, []]);
  // A turn (a new session's first prompt): everything before it is read too.
  appendFileSync(
    f,
    [
      { id: 'p1', timestamp: t0, type: 'user', content: [{ text: 'hello' }] },
      { id: 'r1', timestamp: t0, type: 'gemini', content: 'hi' },
    ]
      .map((r) => JSON.stringify(r) + '\n')
      .join(''),
  );
  const turn = await read(f, stray.cursor);
  assert.equal(turn.sessions.length, 1);
  const s = turn.sessions[0]!;
  assert.equal(s.nativeId, id);
  assert.equal(s.header.title, 'hello');
  assert.deepEqual(
    s.messages.map((m) => [m.msg_id, m.role, m.is_injected ?? false]),
    [
      [context.id, 'user', true],
      ['i1', 'system', true],
      ['p1', 'user', false],
      ['r1', 'assistant', false],
    ],
  );
  // Once a session, always one, also for a cursor stored before the reader tracked this.
  appendFileSync(f, JSON.stringify({ $set: { lastUpdated: '2026-11-24T07:51:00.000Z' } }) + '\n');
  assert.deepEqual(
    (await read(f, turn.cursor)).sessions.map((x) => [x.nativeId, x.messages.length]),
    [[id, 0]],
  );
  const older = JSON.parse(JSON.stringify(turn.cursor)) as { state: { conversation?: boolean } };
  delete older.state.conversation;
  assert.deepEqual(
    (await read(f, older)).sessions.map((x) => [x.nativeId, x.messages.length]),
    [[id, 0]],
  );
  // The legacy single-JSON form: a header and no messages is no session either.
  const legacy = path.join(dir, 'session-2026-11-24T07-50-ed485f07.json');
  writeFileSync(legacy, JSON.stringify({ sessionId: id, projectHash: 'bcf3c3a6', startTime: t0, lastUpdated: t0, messages: [context] }));
  assert.deepEqual((await read(legacy)).sessions, []);
  rmSync(dir, { recursive: true, force: true });
});

test('a 100 MB line is skipped and the rest is read', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gemini-big-'));
  const f = path.join(dir, 'session-big.jsonl');
  writeFileSync(f, '{"sessionId":"big"}\n{"id":"a","type":"user","content":"');
  appendFileSync(f, Buffer.alloc(100 * 1024 * 1024, 'a'));
  appendFileSync(f, '"}\n{"id":"b","type":"user","content":"after"}\n');
  const r = await read(f);
  assert.equal(r.problems.length, 1);
  assert.deepEqual(
    r.sessions[0]!.messages.map((m) => m.msg_id),
    ['b'],
  );
  assert.ok(statSync(f).size > 100 * 1024 * 1024);
  rmSync(dir, { recursive: true, force: true });
});

test('locate: default home, GEMINI_CLI_HOME, Windows, listing and sourceFor', async () => {
  assert.deepEqual(adapter.storeDirs({ home: '/home/u', platform: 'linux', env: {} }), ['/home/u/.gemini']);
  assert.deepEqual(adapter.storeDirs({ home: '/home/u', platform: 'darwin', env: { GEMINI_CLI_HOME: '/data/g' } }), ['/data/g/.gemini']);
  assert.deepEqual(adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: {} }), ['C:\\Users\\u\\.gemini']);
  const home = mkdtempSync(path.join(tmpdir(), 'gemini-home-'));
  const chats = path.join(home, '.gemini/tmp/demo-app/chats');
  mkdirSync(path.join(chats, '1ee066f1-d2c9-49bc-8e4c-875b4387b565'), { recursive: true });
  for (const n of readdirSync(CHATS).filter((n) => n.endsWith('.jsonl'))) copyFileSync(path.join(CHATS, n), path.join(chats, n));
  copyFileSync(
    path.join(CHATS, '1ee066f1-d2c9-49bc-8e4c-875b4387b565/f2d2168f-9b20-4391-89c0-3829d22255b6.jsonl'),
    path.join(chats, '1ee066f1-d2c9-49bc-8e4c-875b4387b565/f2d2168f-9b20-4391-89c0-3829d22255b6.jsonl'),
  );
  writeFileSync(path.join(chats, 'notes.txt'), 'x');
  const e: AdapterEnv = { home: '/elsewhere', platform: 'linux', env: { GEMINI_CLI_HOME: home } };
  const sources = await adapter.listSources(e);
  assert.equal(sources.length, 4);
  assert.ok(sources.every((s) => s.style === 'append'));
  assert.deepEqual(adapter.sourceFor(path.join(chats, 'session-a.json'), e), { path: path.join(chats, 'session-a.json'), style: 'rewrite' });
  assert.equal(adapter.sourceFor(path.join(chats, 'notes.txt'), e), null);
  assert.equal(adapter.sourceFor(path.join(home, '.gemini/tmp/demo-app/logs.json'), e), null);
  assert.equal(adapter.sourceFor('/home/u/.gemini/tmp/p/chats/session-a.jsonl', e), null);
});
