import assert from 'node:assert/strict';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/claude-code/index.js';
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
  tmp,
  usageTotals,
  walk,
} from '../shared/helpers.js';

const gen = path.join(fixtures, 'claude-code/generated-claude-code-2.1.197/dot-claude');
const proj = path.join(gen, 'projects/-home-dev-projects-demo-app');
const main = path.join(proj, '54966ca3-cfa7-46f3-97ab-335ba9fada5a.jsonl');
const image = path.join(proj, '4dee2827-7d49-4885-9553-346a259d7efd.jsonl');
const tui = path.join(proj, '13b6103f-27f3-4775-9eea-65c12b17e9b3.jsonl');
const sub = path.join(proj, '54966ca3-cfa7-46f3-97ab-335ba9fada5a/subagents/agent-a41c214daf2a9e945.jsonl');

test('every claude-code fixture parses without exceptions and pairs its tool calls', async () => {
  const files = await walk(path.join(fixtures, 'claude-code'), (f) => f.endsWith('.jsonl') && !f.endsWith('history.jsonl'));
  assert.ok(files.length >= 15);
  for (const f of files) {
    const r = await readAll(adapter, f);
    for (const s of r.sessions) assertToolsPaired(s.messages);
    await assertSchemaValid('claude-code', r.sessions, f);
    if (!f.endsWith('edge_cases.jsonl')) assert.deepEqual(r.problems, [], f);
  }
  // edge_cases.jsonl has three lines that are JSON but not objects
  const edge = await readAll(adapter, path.join(fixtures, 'claude-code/public/daaain-claude-code-log/edge_cases.jsonl'));
  assert.equal(edge.problems.length, 3);
  assert.ok(edge.problems.every((p) => p.path.endsWith('edge_cases.jsonl') && p.where));
});

test('main session: roles, title, usage counted once per API message, compaction, API error', async () => {
  const r = await readAll(adapter, main);
  assert.equal(r.sessions.length, 1);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, '54966ca3-cfa7-46f3-97ab-335ba9fada5a');
  assert.equal(s.parentNativeId, null);
  assert.equal(s.header.title, 'SCN_TOOLS: please inspect this project');
  assert.equal(s.header.cwd, '/home/dev/projects/demo-app');
  assert.deepEqual(s.header.git, { branch: 'feature/demo' });
  assert.equal(s.header.tool_version, '2.1.197');
  assert.deepEqual(s.header.model, { provider: 'anthropic', model_id: 'claude-sonnet-4-5' });
  assert.ok(!Number.isNaN(Date.parse(s.header.created_at)));
  const ms = s.messages;
  assert.equal(ms.length, 44); // 44 chain entries (lines with a uuid)
  const count = (pred: (m: (typeof ms)[number]) => boolean) => ms.filter(pred).length;
  assert.equal(
    count((m) => m.role === 'assistant'),
    19,
  );
  assert.equal(
    count((m) => m.role === 'user'),
    18,
  ); // 11 user lines + 7 attachments (injected)
  assert.equal(
    count((m) => m.role === 'user' && !m.is_injected && !m.is_compaction),
    5,
  );
  assert.equal(
    count((m) => m.role === 'tool'),
    5,
  );
  assert.equal(
    count((m) => m.role === 'system'),
    2,
  );
  // 8 real API messages: input 1250..1850 and a final 1450, output 42 each
  assert.deepEqual(usageTotals(ms), { input_tokens: 12300, output_tokens: 336, cache_read_tokens: 7200, cache_write_tokens: 2400 });
  assert.equal(
    count((m) => !!m.usage),
    8,
  );
  assert.equal(
    count((m) => m.is_compaction === true),
    4,
  ); // 2 boundaries + 2 summaries
  const err = ms.filter((m) => m.is_api_error);
  assert.equal(err.length, 1);
  assert.equal(err[0]!.content[0]!.type === 'text' && err[0]!.content[0]!.text, 'Prompt is too long');
  // ids are the native uuids, parents the native tree
  assert.ok(ms[0]!.msg_id.startsWith('68334882-'));
  assert.equal(ms[0]!.parent_msg_id, null);
  const ids = new Set(ms.map((m) => m.msg_id));
  assert.equal(ids.size, ms.length);
  for (const m of ms.slice(1)) assert.ok(m.parent_msg_id && ids.has(m.parent_msg_id), `parent of ${m.msg_id}`);
  // thinking keeps its signature verbatim
  const th = ms.find((m) => m.content[0]?.type === 'thinking')!.content[0] as { signature?: string };
  assert.ok(th.signature && th.signature.length > 0);
  assertToolsPaired(ms);
  assert.ok(ms.every((m) => !m.unfinished_tool_use_ids));
});

test('titles: custom-title wins over ai-title; image blocks are kept', async () => {
  const t = (await readAll(adapter, tui)).sessions[0]!;
  assert.equal(t.header.title, 'demo-inspection');
  assert.equal(t.header.interface, 'cli');
  const i = (await readAll(adapter, image)).sessions[0]!;
  const img = i.messages.flatMap((m) => m.content).find((b) => b.type === 'image') as { source: { type: string; media_type: string; data: string } };
  assert.equal(img.source.type, 'base64');
  assert.equal(img.source.media_type, 'image/png');
  assert.ok(img.source.data.length > 20);
  assert.equal(i.header.title, 'SCN_IMAGE: what is in this picture?');
});

test('sub-agent transcript is its own session linked to the parent', async () => {
  const r = await readAll(adapter, sub);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, '54966ca3-cfa7-46f3-97ab-335ba9fada5a/agent-a41c214daf2a9e945');
  assert.equal(s.parentNativeId, '54966ca3-cfa7-46f3-97ab-335ba9fada5a');
  assert.equal(s.header.agent_id, 'a41c214daf2a9e945');
  assert.equal(s.header.title, 'Explore project'); // from agent-*.meta.json
  assert.ok(s.messages.every((m) => m.is_sidechain === true));
  assertToolsPaired(s.messages);
});

test('reading twice gives identical ids and messages', async () => {
  for (const f of [main, tui, image, sub]) {
    const a = await readAll(adapter, f);
    const b = await readAll(adapter, f);
    assert.deepEqual(b.sessions, a.sessions);
  }
});

test('first half then the rest from the cursor equals reading whole', async () => {
  for (const f of [main, tui, image]) {
    const whole = await readAll(adapter, f);
    const size = (await (await open(f)).stat()).size;
    for (const frac of [0.13, 0.5, 0.77]) {
      const { first, second } = await readInHalves(adapter, f, Math.floor(size * frac));
      assertSameMessages(whole, [first, second]);
      assert.deepEqual(usageTotals(merge(first, second)), usageTotals(merge(whole)));
      assert.equal(second.sessions[0]!.header.title, whole.sessions[0]!.header.title);
    }
  }
});

test('a replaced or truncated file is read again from the start', async () => {
  const dir = await tmp();
  const f = path.join(dir, 'aaaa.jsonl');
  const line = (u: string, text: string) =>
    JSON.stringify({
      type: 'user',
      uuid: u,
      parentUuid: null,
      sessionId: 'aaaa',
      timestamp: '2026-01-01T00:00:00Z',
      message: { role: 'user', content: text },
    }) + '\n';
  await writeFile(f, line('u1', 'first') + line('u2', 'second'));
  const a = await readAll(adapter, f);
  await writeFile(f, line('u9', 'other'));
  const b = await readAll(adapter, f, a.cursor);
  assert.deepEqual(
    b.sessions[0]!.messages.map((m) => m.msg_id),
    ['u9'],
  );
});

test('bad input never throws and reports problems', async () => {
  const good = JSON.stringify({
    type: 'user',
    uuid: 'g1',
    parentUuid: null,
    sessionId: 's',
    timestamp: '2026-01-01T00:00:00Z',
    message: { role: 'user', content: 'hello' },
  });
  const [empty, garbage, utf8, partial, dir, missing] = await badInputs(adapter, 's.jsonl', good);
  assert.equal(empty!.sessions.length, 0);
  assert.ok(garbage!.problems.length >= 4);
  assert.ok(garbage!.sessions[0]!.messages.some((m) => m.msg_id === 'g1'));
  assert.ok(garbage!.sessions[0]!.messages.some((m) => m.msg_id === 'x'));
  assert.ok(utf8!.sessions[0]!.messages.some((m) => m.msg_id === 'g1'));
  assert.equal(partial!.sessions[0]!.messages.length, 1);
  assert.equal(dir!.problems.length, 1);
  assert.equal(missing!.problems.length, 1);
});

test('a 100 MB line is skipped and reported, the rest is read', async () => {
  const dir = await tmp();
  const f = path.join(dir, 'big.jsonl');
  const good = (u: string) => JSON.stringify({ type: 'user', uuid: u, parentUuid: null, message: { role: 'user', content: 'hi' } }) + '\n';
  const fh = await open(f, 'w');
  await fh.write(good('a'));
  const chunk = Buffer.alloc(10 * 1024 * 1024, 0x61);
  await fh.write('{"type":"user","x":"');
  for (let i = 0; i < 10; i++) await fh.write(chunk);
  await fh.write('"}\n');
  await fh.write(good('b'));
  await fh.close();
  const r = await readAll(adapter, f);
  assert.deepEqual(
    r.sessions[0]!.messages.map((m) => m.msg_id),
    ['a', 'b'],
  );
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.where, '2');
});

test('locate honours CLAUDE_CONFIG_DIR, XDG_CONFIG_HOME and Windows paths', async () => {
  assert.deepEqual(adapter.storeDirs(env()), ['/home/dev/.claude/projects', '/home/dev/.config/claude/projects']);
  assert.deepEqual(adapter.storeDirs(env({ XDG_CONFIG_HOME: '/xdg' })), ['/home/dev/.claude/projects', '/xdg/claude/projects']);
  assert.deepEqual(adapter.storeDirs(env({ CLAUDE_CONFIG_DIR: '/cfg/claude' })), ['/cfg/claude/projects']);
  assert.deepEqual(adapter.storeDirs(env({}, 'win32', 'C:\\Users\\dev')), ['C:\\Users\\dev\\.claude\\projects']);
  assert.deepEqual(adapter.storeDirs(env({}, 'darwin', '/Users/dev'))[0], '/Users/dev/.claude/projects');
  const e = env({ CLAUDE_CONFIG_DIR: gen });
  const sources = await adapter.listSources(e);
  assert.deepEqual(sources.map((s) => path.relative(proj, s.path)).sort(), [
    '13b6103f-27f3-4775-9eea-65c12b17e9b3.jsonl',
    '4dee2827-7d49-4885-9553-346a259d7efd.jsonl',
    '54966ca3-cfa7-46f3-97ab-335ba9fada5a.jsonl',
    '54966ca3-cfa7-46f3-97ab-335ba9fada5a/subagents/agent-a41c214daf2a9e945.jsonl',
  ]);
  assert.ok(sources.every((s) => s.style === 'append'));
  assert.deepEqual(adapter.sourceFor(sub.replace(/\.jsonl$/, '.meta.json'), e), { path: sub, style: 'append' });
  assert.deepEqual(adapter.sourceFor(main, e), { path: main, style: 'append' });
  assert.equal(adapter.sourceFor(path.join(gen, 'history.jsonl'), e), null);
  assert.equal(adapter.sourceFor('/elsewhere/x.jsonl', e), null);
});

test('a tool call without a result is listed as unfinished, and cleared once the result arrives', async () => {
  const bytes = await (await import('node:fs/promises')).readFile(main, 'utf8');
  const lines = bytes.split('\n');
  // line 8 is the first Bash tool_use, line 9 its result
  const dir = await tmp();
  const f = path.join(dir, path.basename(main));
  await writeFile(f, lines.slice(0, 8).join('\n') + '\n');
  const first = await readAll(adapter, f);
  const call = first.sessions[0]!.messages.find((m) => m.content.some((b) => b.type === 'tool_use'))!;
  assert.deepEqual(call.unfinished_tool_use_ids, ['toolu_mockmwu6hkxs1w']);
  await writeFile(f, lines.slice(0, 9).join('\n') + '\n');
  const second = await readAll(adapter, f, first.cursor);
  const again = second.sessions[0]!.messages.find((m) => m.msg_id === call.msg_id)!;
  assert.equal(again.unfinished_tool_use_ids, undefined);
  assert.ok(again.usage === undefined || again.usage === null);
  const withUsage = merge(first, second).filter((m) => m.usage);
  assert.equal(withUsage.length, 1);
});
