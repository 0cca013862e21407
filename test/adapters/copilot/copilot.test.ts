import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapter } from '../../../adapters/copilot/index.js';
import type { AdapterEnv, ReadResult } from '../../../engine/capture/contract.js';
import type { Message, ToolResultBlock, ToolUseBlock } from '../../../engine/model/message.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const FIX = path.resolve(repoRoot, 'test/fixtures/copilot');
const STATE = path.join(FIX, 'generated-copilot-cli-1.0.102/dot-copilot/session-state');
const MAIN = path.join(STATE, '05060236-db17-4ef0-8f64-114ab9f70ff7/events.jsonl');
const env: AdapterEnv = { home: '/nowhere', platform: 'linux', env: {} };

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const read = (file: string, cursor: unknown = null): Promise<ReadResult> => adapter.read({ path: file, style: 'append' }, cursor, env);
function pairing(msgs: Message[]): void {
  const results = new Set(msgs.flatMap((m) => m.content.filter((b) => b.type === 'tool_result').map((b) => (b as ToolResultBlock).tool_use_id)));
  for (const m of msgs) {
    for (const u of m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use')) {
      assert.ok(results.has(u.tool_use_id) || m.unfinished_tool_use_ids?.includes(u.tool_use_id), `unpaired ${u.tool_use_id}`);
      assert.ok(!(results.has(u.tool_use_id) && m.unfinished_tool_use_ids?.includes(u.tool_use_id)), `marked but answered ${u.tool_use_id}`);
    }
  }
}
const sum = (msgs: Message[], k: 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens') =>
  msgs.reduce((n, m) => n + (m.usage?.[k] ?? 0), 0);
/** Per session: messages by id, later versions replacing earlier ones (what the engine keeps). */
function merge(...reads: ReadResult[]): Map<string, Map<string, Message>> {
  const out = new Map<string, Map<string, Message>>();
  for (const r of reads)
    for (const s of r.sessions) for (const m of s.messages) (out.get(s.nativeId) ?? out.set(s.nativeId, new Map()).get(s.nativeId)!).set(m.msg_id, m);
  return out;
}

test('every copilot fixture parses without throwing, tools paired', async () => {
  for (const f of walk(FIX).filter((f) => f.endsWith('.jsonl'))) {
    const r = await read(f);
    assert.deepEqual(r.problems, [], f);
    assert.ok(r.sessions.length >= 1, f);
    // flat_small.jsonl was trimmed so that every event id is the same string: messages collide by id there.
    if (!f.endsWith('flat_small.jsonl')) for (const s of r.sessions) pairing(s.messages);
  }
});

test('main session: title from workspace.yaml, git, version, tokens once per model call, compaction, error', async () => {
  const r = await read(MAIN);
  const main = r.sessions.find((s) => s.parentNativeId === null)!;
  assert.equal(main.nativeId, '05060236-db17-4ef0-8f64-114ab9f70ff7');
  assert.equal(main.header.title, 'SCN_TOOLS: please inspect this project');
  assert.equal(main.header.cwd, '/home/dev/projects/demo-app');
  assert.equal(main.header.git?.branch, 'feature/demo');
  assert.equal(main.header.tool_version, '1.0.102');
  assert.equal(main.header.model?.model_id, 'claude-sonnet-4.5');
  const m = main.messages;
  assert.equal(m.filter((x) => x.role === 'user').length, 3);
  assert.equal(m.filter((x) => x.role === 'assistant').length, 7);
  assert.equal(m.filter((x) => x.role === 'tool').length, 5);
  assert.equal(sum(m, 'input_tokens'), 19250);
  assert.equal(sum(m, 'output_tokens'), 294);
  assert.equal(sum(m, 'cache_read_tokens'), 6300);
  assert.equal(sum(m, 'cache_write_tokens'), 2100);
  assert.equal(m.filter((x) => x.is_compaction).length, 1);
  assert.match(JSON.stringify(m.find((x) => x.is_compaction)!.content), /<summary>/);
  assert.equal(m.filter((x) => x.is_api_error).length, 1);
  const thinking = m.flatMap((x) => x.content).find((b) => b.type === 'thinking') as { signature: string };
  assert.equal(thinking.signature, 'bW9jay1zaWduYXR1cmU=');
  const uses = m.flatMap((x) => x.content.filter((b): b is ToolUseBlock => b.type === 'tool_use')).map((u) => u.name);
  assert.deepEqual(uses, ['bash', 'view', 'create', 'bash', 'task']);
  m.forEach((x, i) => assert.equal(x.parent_msg_id ?? null, i === 0 ? null : m[i - 1]!.msg_id));
  assert.ok(m.every((x) => !x.unfinished_tool_use_ids));
});

test('sub-agent events become their own session', async () => {
  const r = await read(MAIN);
  const sub = r.sessions.find((s) => s.parentNativeId !== null)!;
  assert.equal(sub.nativeId, '05060236-db17-4ef0-8f64-114ab9f70ff7/d413b9b4-de2f-4503-8b80-0757db1efe49');
  assert.equal(sub.parentNativeId, '05060236-db17-4ef0-8f64-114ab9f70ff7');
  assert.equal(sub.header.title, 'SUBAGENT_TASK: list the files in the current directory and report them.');
  assert.equal(sum(sub.messages, 'input_tokens'), 5000);
  assert.equal(sum(sub.messages, 'output_tokens'), 84);
  assert.deepEqual(
    sub.messages.map((x) => x.role),
    ['user', 'system', 'assistant', 'tool', 'assistant'],
  );
  assert.equal(r.sessions.length, 2);
});

test('resume-test sessions: our events first, title from workspace.yaml', async () => {
  const a = (await read(path.join(FIX, 'resume-test-1.0.102/44444444-2222-4333-8444-555555555555/events.jsonl'))).sessions[0]!;
  assert.equal(a.header.title, 'Imported session');
  assert.equal(a.messages[0]!.msg_id, '1370e6ef-d3d3-4f17-8e6f-50ca4f79e48e');
  const b = (await read(path.join(FIX, 'resume-test-1.0.102/55555555-2222-4333-8444-555555555555/events.jsonl'))).sessions[0]!;
  assert.equal(b.header.title, 'follow-up');
});

test('reading twice gives identical results', async () => {
  assert.deepEqual((await read(MAIN)).sessions, (await read(MAIN)).sessions);
});

test('two appended halves equal the whole, at every line boundary (open tool calls re-emitted)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'copilot-split-'));
  const bytes = readFileSync(MAIN);
  const whole = merge(await read(MAIN));
  const cuts = [...bytes.entries()].filter(([, c]) => c === 10).map(([i]) => i + 1);
  for (const cut of [...cuts, Math.floor(bytes.length / 3)]) {
    const f = path.join(dir, 'events.jsonl');
    writeFileSync(f, bytes.subarray(0, cut));
    const first = await read(f);
    appendFileSync(f, bytes.subarray(cut));
    const second = await read(f, JSON.parse(JSON.stringify(first.cursor)));
    const got = merge(first, second);
    assert.deepEqual([...got.keys()].sort(), [...whole.keys()].sort(), `cut ${cut}`);
    for (const [k, msgs] of whole) assert.deepEqual(got.get(k), msgs, `cut ${cut} session ${k}`);
  }
});

test('an open tool call is listed as unfinished until its result arrives', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'copilot-open-'));
  const f = path.join(dir, 'events.jsonl');
  const lines = readFileSync(MAIN, 'utf8').split('\n');
  writeFileSync(f, lines.slice(0, 7).join('\n') + '\n'); // up to tool.execution_start
  const r = await read(f);
  const a = r.sessions[0]!.messages.find((m) => m.role === 'assistant')!;
  assert.deepEqual(a.unfinished_tool_use_ids, ['toolu_mockmwu67ekba']);
  assert.ok(JSON.stringify(r.cursor).length < 20_000);
});

test('bad input never throws', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'copilot-bad-'));
  const f = path.join(dir, 'x.jsonl');
  writeFileSync(
    f,
    Buffer.concat([
      Buffer.from('{"type":"session.start","data":{"sessionId":"s1","startTime":"2026-01-01T00:00:00Z"},"id":"e1"}\ngarbage\n{"no":"type"}\n'),
      Buffer.from('{"type":"user.message","data":{"content":"hi \\udc00 there"},"id":"e2"}\n'),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from(
        '{"type":"assistant.message","data":{"content":"ok","toolRequests":[{"toolCallId":"c1","name":"bash","arguments":"{\\"command\\":\\"ls\\"}"}]},"id":"e3"}\n{"type":"user.mess',
      ),
    ]),
  );
  const r = await read(f);
  assert.deepEqual(
    r.problems.map((p) => p.where),
    ['2', '3', '5'],
  );
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, 's1');
  assert.deepEqual(
    s.messages.map((m) => m.msg_id),
    ['e2', 'e3'],
  );
  assert.deepEqual((s.messages[1]!.content[1] as ToolUseBlock).input, { command: 'ls' });
  assert.deepEqual(s.messages[1]!.unfinished_tool_use_ids, ['c1']);
  assert.ok(!JSON.stringify(s).includes('\\udc00'));
  const empty = path.join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  assert.deepEqual((await read(empty)).sessions, []);
  mkdirSync(path.join(dir, 'd.jsonl'));
  assert.equal((await read(path.join(dir, 'd.jsonl'))).problems.length, 1);
  assert.equal((await read(path.join(dir, 'missing.jsonl'))).problems.length, 1);
  const bad = path.join(dir, 'sess');
  mkdirSync(bad);
  writeFileSync(path.join(bad, 'events.jsonl'), '{"type":"user.message","data":{"content":"x"},"id":"u"}\n');
  writeFileSync(path.join(bad, 'workspace.yaml'), 'name: [unclosed\n');
  const y = await read(path.join(bad, 'events.jsonl'));
  assert.equal(y.problems.length, 1);
  assert.equal(y.sessions[0]!.header.title, 'x');
});

test('locate: default, COPILOT_HOME, Windows, listing and sourceFor', async () => {
  assert.deepEqual(adapter.storeDirs({ home: '/home/u', platform: 'linux', env: {} }), ['/home/u/.copilot']);
  assert.deepEqual(adapter.storeDirs({ home: '/home/u', platform: 'darwin', env: { COPILOT_HOME: '/data/cp' } }), ['/data/cp']);
  assert.deepEqual(adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: {} }), ['C:\\Users\\u\\.copilot']);
  const e: AdapterEnv = { home: '/x', platform: 'linux', env: { COPILOT_HOME: path.join(FIX, 'generated-copilot-cli-1.0.102/dot-copilot') } };
  const sources = (await adapter.listSources(e)).map((s) => path.relative(STATE, s.path)).sort();
  assert.deepEqual(sources, ['05060236-db17-4ef0-8f64-114ab9f70ff7/events.jsonl', 'f76689c2-efb6-4fde-9799-6924d08f47b5/events.jsonl']);
  assert.deepEqual(adapter.sourceFor(path.join(STATE, 'abc/workspace.yaml'), e), { path: path.join(STATE, 'abc/events.jsonl'), style: 'append' });
  assert.deepEqual(adapter.sourceFor(path.join(STATE, 'flat.jsonl'), e), { path: path.join(STATE, 'flat.jsonl'), style: 'append' });
  assert.equal(adapter.sourceFor(path.join(STATE, 'abc/checkpoints/index.md'), e), null);
  assert.equal(adapter.sourceFor('/elsewhere/events.jsonl', e), null);
});
