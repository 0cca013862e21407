import assert from 'node:assert/strict';
import { copyFile, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/codex/index.js';
import {
  assertSameMessages,
  assertSchemaValid,
  assertToolsPaired,
  badInputs,
  env,
  fixtures,
  merge,
  readAll,
  readInHalves,
  srcTestDir,
  tmp,
  usageTotals,
  walk,
} from '../shared/helpers.js';

const home = path.join(fixtures, 'codex/generated-codex-0.169.0/dot-codex');
const day = path.join(home, 'sessions/2026/11/24');
const main = path.join(day, 'rollout-2026-11-24T04-00-48-01a20bb6-a20e-7161-b797-48b808b8cbd7.jsonl');
const child = path.join(day, 'rollout-2026-11-24T04-00-48-01a20bb6-a4df-7160-8740-38c824a89e6b.jsonl');
const image = path.join(day, 'rollout-2026-11-24T04-01-02-01a20bb6-d942-7d20-bec0-dff283af6d0f.jsonl');
const renamed = path.join(day, 'rollout-2026-11-24T04-01-16-01a20bb7-11a3-7a81-9909-0aaceda58dd5.jsonl');
const zst = path.join(srcTestDir('codex'), 'data', path.basename(image) + '.zst');

test('every codex fixture parses without exceptions and pairs its tool calls', async () => {
  const files = await walk(path.join(fixtures, 'codex'), (f) => /\.jsonl$/.test(f) && !/(history|session_index)\.jsonl$/.test(f));
  assert.ok(files.length >= 15);
  for (const f of files) {
    const r = await readAll(adapter, f);
    assert.deepEqual(r.problems, [], f);
    for (const s of r.sessions) assertToolsPaired(s.messages);
    await assertSchemaValid('codex', r.sessions, f);
  }
});

test('main rollout: roles, title, usage once per model call, compaction, error', async () => {
  const r = await readAll(adapter, main);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, '01a20bb6-a20e-7161-b797-48b808b8cbd7');
  assert.equal(s.parentNativeId, null);
  assert.equal(s.header.title, 'SCN_TOOLS: please inspect this project');
  assert.equal(s.header.cwd, '/home/dev/projects/demo-app');
  assert.equal(s.header.git?.branch, 'feature/demo');
  assert.equal(s.header.git?.commit_sha, '721e5728443eaf442a1b4ec0e18018e89921ae85');
  assert.equal(s.header.tool_version, '0.169.0');
  assert.deepEqual(s.header.model, { provider: 'mock', model_id: 'gpt-5.1-codex' });
  assert.equal(s.header.created_at, '2026-11-24T04:00:48.151Z');
  const ms = s.messages;
  assert.equal(ms.length, 35);
  const count = (pred: (m: (typeof ms)[number]) => boolean) => ms.filter(pred).length;
  assert.equal(
    count((m) => m.role === 'assistant'),
    21,
  );
  assert.equal(
    count((m) => m.role === 'user'),
    6,
  );
  assert.equal(
    count((m) => m.role === 'user' && !m.is_injected),
    4,
  );
  assert.equal(
    count((m) => m.role === 'tool'),
    6,
  );
  assert.equal(
    count((m) => m.role === 'developer' && m.is_injected === true),
    1,
  );
  // ten token_usage_record lines; the thread total is input 33500 (20480 cached), output 570, reasoning 120
  assert.equal(
    count((m) => !!m.usage),
    10,
  );
  assert.deepEqual(usageTotals(ms), { input_tokens: 13020, output_tokens: 570, cache_read_tokens: 20480, cache_write_tokens: 0, reasoning_tokens: 120 });
  const comp = ms.filter((m) => m.is_compaction);
  assert.equal(comp.length, 1);
  assert.equal(comp[0]!.content[0]!.type, 'summary');
  const err = ms.filter((m) => m.is_api_error);
  assert.equal(err.length, 1);
  assert.match((err[0]!.content[0] as { text: string }).text, /ran out of room/);
  // native ids where present, chained parents
  assert.equal(ms[3]!.msg_id, 'rs_mockmwu630cq1');
  assert.equal(ms[0]!.parent_msg_id, null);
  for (let i = 1; i < ms.length; i++) assert.equal(ms[i]!.parent_msg_id, ms[i - 1]!.msg_id);
  assert.equal(new Set(ms.map((m) => m.msg_id)).size, ms.length);
  const call = ms.find((m) => m.content[0]?.type === 'tool_use')!;
  assert.deepEqual(call.content[0], { type: 'tool_use', tool_use_id: 'call_mockmwu630cq4', name: 'exec_command', input: { cmd: 'ls -la' } });
  assert.equal(call.model, 'gpt-5.1-codex');
  const spawn = ms.flatMap((m) => m.content).find((b) => b.type === 'tool_use' && b.name === 'spawn_agent') as Record<string, unknown>;
  assert.equal(spawn.namespace, 'multi_agent_v1');
  const thinking = ms.find((m) => m.content[0]?.type === 'thinking')!.content[0] as { text: string; signature: string };
  assert.equal(thinking.signature, 'bW9jay1lbmNyeXB0ZWQ=');
  assert.match(thinking.text, /First list the files/);
  assertToolsPaired(ms);
});

test('sub-agent thread links to its parent; /rename title comes from session_index.jsonl', async () => {
  const c = (await readAll(adapter, child)).sessions[0]!;
  assert.equal(c.nativeId, '01a20bb6-a4df-7160-8740-38c824a89e6b');
  assert.equal(c.parentNativeId, '01a20bb6-a20e-7161-b797-48b808b8cbd7');
  assert.equal(c.header.agent_id, 'Goodall');
  assert.equal(c.header.title, 'SUBAGENT_TASK: list the files in the current directory and report them.');
  assert.deepEqual(usageTotals(c.messages), { input_tokens: 1504, output_tokens: 114, cache_read_tokens: 4096, cache_write_tokens: 0, reasoning_tokens: 20 });
  const r = (await readAll(adapter, renamed)).sessions[0]!;
  assert.equal(r.header.title, 'demo-inspection');
  assert.equal(r.header.interface, 'codex-tui');
});

test('image input becomes an image block; the title skips the <image> wrapper', async () => {
  const s = (await readAll(adapter, image)).sessions[0]!;
  const img = s.messages.flatMap((m) => m.content).find((b) => b.type === 'image') as { source: { type: string; media_type: string; data: string } };
  assert.equal(img.source.type, 'base64');
  assert.equal(img.source.media_type, 'image/png');
  assert.ok(img.source.data.startsWith('iVBORw0KGgo'));
  assert.equal(s.header.title, 'SCN_IMAGE: what is in this picture?');
});

test('a .jsonl.zst rollout gives the same session and ids as the plain file', async () => {
  const plain = await readAll(adapter, image);
  const packed = await readAll(adapter, zst);
  assert.deepEqual(packed.problems, []);
  assert.deepEqual(packed.sessions[0]!.messages, plain.sessions[0]!.messages);
  assert.equal(packed.sessions[0]!.nativeId, plain.sessions[0]!.nativeId);
  const dir = await tmp();
  const broken = path.join(dir, path.basename(zst));
  await writeFile(broken, 'not zstd');
  const b = await readAll(adapter, broken);
  assert.equal(b.sessions.length, 0);
  assert.equal(b.problems.length, 1);
});

test('reading twice gives identical ids and messages', async () => {
  for (const f of [main, child, image, renamed]) assert.deepEqual((await readAll(adapter, f)).sessions, (await readAll(adapter, f)).sessions);
});

test('first half then the rest from the cursor equals reading whole', async () => {
  for (const f of [main, child, renamed, path.join(fixtures, 'codex/public/jazzyalex-agent-sessions/stage0_small_cli-0.146.jsonl')]) {
    const whole = await readAll(adapter, f);
    const size = (await (await open(f)).stat()).size;
    for (const frac of [0.11, 0.5, 0.83]) {
      const { first, second } = await readInHalves(adapter, f, Math.floor(size * frac));
      assertSameMessages(whole, [first, second]);
      assert.deepEqual(usageTotals(merge(first, second)), usageTotals(merge(whole)));
    }
  }
});

test('bad input never throws and reports problems', async () => {
  const good = JSON.stringify({
    timestamp: '2026-01-01T00:00:00Z',
    type: 'response_item',
    payload: { type: 'message', id: 'g1', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
  });
  const name = 'rollout-2026-01-01T00-00-00-01a20bb6-0000-7000-8000-000000000000.jsonl';
  const [empty, garbage, utf8, partial, dir, missing] = await badInputs(adapter, name, good);
  assert.equal(empty!.sessions.length, 0);
  assert.ok(garbage!.problems.length >= 3);
  assert.ok(garbage!.sessions[0]!.messages.some((m) => m.msg_id === 'g1'));
  assert.ok(utf8!.sessions[0]!.messages.some((m) => m.msg_id === 'g1'));
  assert.equal(partial!.sessions[0]!.messages.length, 1);
  assert.equal(dir!.problems.length, 1);
  assert.equal(missing!.problems.length, 1);
});

test('locate honours CODEX_HOME and lists .jsonl and .jsonl.zst rollouts (plain wins)', async () => {
  assert.deepEqual(adapter.storeDirs(env()), ['/home/dev/.codex']);
  assert.deepEqual(adapter.storeDirs(env({ CODEX_HOME: '/data/codex' })), ['/data/codex']);
  assert.deepEqual(adapter.storeDirs(env({}, 'win32', 'C:\\Users\\dev')), ['C:\\Users\\dev\\.codex']);
  const sources = await adapter.listSources(env({ CODEX_HOME: home }));
  assert.deepEqual(
    sources.map((s) => path.basename(s.path)),
    [main, child, image, renamed].map((f) => path.basename(f)),
  );
  const dir = await tmp();
  const d = path.join(dir, 'sessions/2026/11/24');
  await mkdir(d, { recursive: true });
  await mkdir(path.join(dir, 'archived_sessions'));
  await copyFile(zst, path.join(d, path.basename(zst)));
  await copyFile(zst, path.join(dir, 'archived_sessions', 'rollout-2026-11-24T04-00-48-01a20bb6-a4df-7160-8740-38c824a89e6b.jsonl.zst'));
  await copyFile(child, path.join(dir, 'archived_sessions', path.basename(child)));
  const e = env({ CODEX_HOME: dir });
  const listed = (await adapter.listSources(e)).map((s) => [path.relative(dir, s.path), s.style]);
  assert.deepEqual(listed, [
    [path.join('archived_sessions', path.basename(child)), 'append'],
    [path.join('sessions/2026/11/24', path.basename(zst)), 'rewrite'],
  ]);
  assert.deepEqual(adapter.sourceFor(path.join(d, path.basename(image)), e), { path: path.join(d, path.basename(image)), style: 'append' });
  assert.equal(adapter.sourceFor(path.join(dir, 'session_index.jsonl'), e), null);
  assert.equal(adapter.sourceFor('/elsewhere/sessions/rollout-x.jsonl', e), null);
});

const legacy = path.join(fixtures, 'codex/public/Dicklesworthstone-cross_agent_session_resumer/codex_legacy.json');
const readLegacy = (file: string, cursor: unknown = null) => adapter.read({ path: file, style: 'rewrite' }, cursor, env());

test('legacy single-JSON rollout (≤ 0.2x): id, cwd, title, roles, timestamps, chained ids', async () => {
  const r = await readLegacy(legacy);
  assert.deepEqual(r.problems, []);
  assert.equal(r.sessions.length, 1);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, 'codex-legacy-001');
  assert.equal(s.header.cwd, '/data/projects/oldproject');
  assert.equal(s.header.title, 'Migrate from Python 2 to Python 3');
  // no session timestamp in this file: the first item's time (epoch seconds)
  assert.equal(s.header.created_at, '2025-01-15T00:13:20.000Z');
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  assert.deepEqual(
    s.messages.map((m) => m.timestamp),
    ['2025-01-15T00:13:20.000Z', '2025-01-15T00:13:30.000Z', '2025-01-15T00:13:40.000Z', '2025-01-15T00:13:50.000Z'],
  );
  assert.deepEqual(s.messages[3]!.content, [{ type: 'text', text: 'Updated all unicode handling. The migration is complete.' }]);
  assert.equal(s.messages[0]!.parent_msg_id, null);
  for (let i = 1; i < s.messages.length; i++) assert.equal(s.messages[i]!.parent_msg_id, s.messages[i - 1]!.msg_id);
  assert.equal(new Set(s.messages.map((m) => m.msg_id)).size, 4);
  await assertSchemaValid('codex', r.sessions, legacy);
  // unchanged file: the cursor says so and nothing is re-read
  const again = await readLegacy(legacy, r.cursor);
  assert.equal(again.sessions.length, 0);
  assert.deepEqual(again.cursor, r.cursor);
});

/** The shape the TypeScript CLI's saveRollout wrote: Responses API items, no per-item time. */
function tsCliRollout(id: string, items: unknown[]): string {
  return JSON.stringify(
    { session: { timestamp: '2025-04-20T09:15:02.118Z', id, instructions: '', model: 'o4-mini', provider: 'openai', lastResponseId: 'resp_1' }, items },
    null,
    2,
  );
}

test('legacy rollout: found in sessions/, tool calls paired, rewrites keep ids (diffed by identity)', async () => {
  const id = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
  const dir = await tmp();
  const sessions = path.join(dir, 'sessions');
  await mkdir(sessions);
  const file = path.join(sessions, `rollout-2025-04-20-${id}.json`);
  const turn1 = [
    { role: 'user', type: 'message', content: [{ type: 'input_text', text: 'list the files here' }] },
    { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Use ls.' }] },
    { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}', status: 'completed' },
  ];
  await writeFile(file, tsCliRollout(id, turn1));
  const e = env({ CODEX_HOME: dir });
  const listed = await adapter.listSources(e);
  assert.deepEqual(listed, [{ path: file, style: 'rewrite' }]);
  assert.deepEqual(adapter.sourceFor(file, e), { path: file, style: 'rewrite' });
  const first = await adapter.read(listed[0]!, null, e);
  assert.deepEqual(first.problems, []);
  const s1 = first.sessions[0]!;
  assert.equal(s1.nativeId, id);
  assert.equal(s1.header.created_at, '2025-04-20T09:15:02.118Z');
  assert.deepEqual(s1.header.model, { provider: 'openai', model_id: 'o4-mini' });
  assert.equal(s1.header.title, 'list the files here');
  assert.equal(s1.header.cwd, null);
  const call = s1.messages[2]!;
  assert.deepEqual(call.content, [{ type: 'tool_use', tool_use_id: 'call_1', name: 'shell', input: { command: ['ls'] } }]);
  assert.deepEqual(call.unfinished_tool_use_ids, ['call_1']);
  assert.equal(call.model, 'o4-mini');
  // Codex rewrites the file after the next turn: same ids for the old items, the call now has its output.
  const turn2 = [
    ...turn1,
    { type: 'function_call_output', call_id: 'call_1', output: '{"output":"a.txt\\nb.txt\\n","metadata":{"exit_code":0,"duration_seconds":0.1}}' },
    { id: 'msg_2', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Two files: a.txt and b.txt.' }] },
  ];
  await writeFile(file, tsCliRollout(id, turn2));
  const second = await adapter.read(listed[0]!, first.cursor, e);
  const s2 = second.sessions[0]!;
  assert.deepEqual(
    s2.messages.slice(0, 3).map((m) => m.msg_id),
    s1.messages.map((m) => m.msg_id),
  );
  assert.deepEqual(
    s2.messages.map((m) => m.role),
    ['user', 'assistant', 'assistant', 'tool', 'assistant'],
  );
  assert.equal(s2.messages[2]!.unfinished_tool_use_ids, undefined);
  assert.equal((s2.messages[3]!.content[0] as { tool_use_id: string }).tool_use_id, 'call_1');
  assert.equal(s2.messages[4]!.msg_id, 'msg_2');
  assertToolsPaired(s2.messages);
  await assertSchemaValid('codex', second.sessions, file);
});

test('legacy rollout: bad input is reported, never thrown', async () => {
  const dir = await tmp();
  const cases: Record<string, string> = {
    'rollout-empty.json': '',
    'rollout-cut.json': '{"session":{"id":"x"},"items":[{"role":"user"',
    'rollout-array.json': '[1,2]',
    'rollout-noitems.json': '{"session":{}}',
  };
  for (const [name, body] of Object.entries(cases)) {
    await writeFile(path.join(dir, name), body);
    const r = await readLegacy(path.join(dir, name));
    assert.equal(r.sessions.length, 0, name);
    assert.equal(r.problems.length, 1, `${name}: ${JSON.stringify(r.problems)}`);
    assert.equal(r.problems[0]!.path, path.join(dir, name));
  }
  await writeFile(path.join(dir, 'rollout-mixed.json'), JSON.stringify({ session: { id: 'm' }, items: [42, { role: 'user', content: 'hi' }] }));
  const mixed = await readLegacy(path.join(dir, 'rollout-mixed.json'));
  assert.equal(mixed.sessions[0]!.messages.length, 1);
  assert.deepEqual(
    mixed.problems.map((p) => p.where),
    ['items[0]'],
  );
  const missing = await readLegacy(path.join(dir, 'rollout-gone.json'));
  assert.equal(missing.problems.length, 1);
});
