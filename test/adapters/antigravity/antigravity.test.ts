import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/antigravity/index.js';
import type { ToolResultBlock, ToolUseBlock } from '../../../engine/adapter-kit.js';
import { env, fixtures, tempDir } from '../shared/helpers.js';

const ID = '3b4a1d20-3968-4ed2-90b3-00eea3060b02';
const FIXTURE = path.join(fixtures, 'antigravity/public-examples/dot-gemini');

function home(): string {
  const h = tempDir('sfs-agy-');
  cpSync(FIXTURE, path.join(h, '.gemini'), { recursive: true });
  return h;
}
const logs = (h: string) => path.join(h, '.gemini', 'antigravity-cli', 'brain', ID, '.system_generated', 'logs');

test('antigravity: lists the untruncated step log of each conversation (the truncated one only without it), maps changes to it', async () => {
  const h = home();
  const e = env({}, 'linux', h);
  const full = path.join(logs(h), 'transcript_full.jsonl');
  assert.deepEqual(await adapter.listSources(e), [{ path: full, style: 'append' }]);
  assert.deepEqual(adapter.sourceFor(path.join(logs(h), 'transcript.jsonl'), e), { path: full, style: 'append' });
  assert.equal(adapter.sourceFor(path.join(h, '.gemini', 'antigravity-cli', 'brain', ID, 'task.md'), e), null);
  rmSync(full);
  assert.deepEqual(await adapter.listSources(e), [{ path: path.join(logs(h), 'transcript.jsonl'), style: 'append' }]);
});

test('antigravity: user requests without the harness metadata, model turns with thinking and calls, each output answering the oldest open call', async () => {
  const h = home();
  const e = env({}, 'linux', h);
  const src = (await adapter.listSources(e))[0]!;
  const r = await adapter.read(src, null, e, {});
  assert.deepEqual(r.problems, []);
  assert.equal(r.unknownTypes, undefined);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, ID);
  assert.equal(s.header.cwd, '/home/dev/app', 'from history.jsonl');
  assert.equal(s.header.title, 'List the files and show me main.py');
  assert.equal(s.header.created_at, '2026-06-20T09:00:00Z');
  const roles = s.messages.map((m) => m.role);
  assert.deepEqual(roles, ['user', 'assistant', 'tool', 'tool', 'assistant', 'tool', 'assistant', 'user', 'assistant']);
  assert.deepEqual(s.messages[0]!.content, [{ type: 'text', text: 'List the files and show me main.py' }]);
  assert.match(String(s.messages[0]!.harness_context), /ADDITIONAL_METADATA/);
  const calls = s.messages[1]!.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
  assert.deepEqual(
    calls.map((c) => c.name),
    ['list_dir', 'view_file'],
  );
  assert.equal(s.messages[1]!.content[0]!.type, 'thinking');
  const results = [s.messages[2]!, s.messages[3]!, s.messages[5]!].map((m) => (m.content[0] as ToolResultBlock).tool_use_id);
  const run = s.messages[4]!.content[0] as ToolUseBlock;
  assert.deepEqual(results, [calls[0]!.tool_use_id, calls[1]!.tool_use_id, run.tool_use_id]);
  // The step written twice (RUNNING, then DONE) is one message, and opened its call once.
  assert.equal(new Set(s.messages.map((m) => m.msg_id)).size, s.messages.length);
  assert.equal(s.messages[4]!.parent_msg_id, s.messages[3]!.msg_id);
  assert.equal(s.messages[5]!.parent_msg_id, s.messages[4]!.msg_id);
  // Ids come from the step index: the same on every read.
  const again = await adapter.read(src, null, e, {});
  assert.deepEqual(
    again.sessions[0]!.messages.map((m) => m.msg_id),
    s.messages.map((m) => m.msg_id),
  );
  assert.ok(s.messages.every((m) => !m.unfinished_tool_use_ids));
});

test('antigravity: a call with no output yet is unfinished; an unknown step source is counted; the CLI binary and traces say it is installed', async () => {
  const h = tempDir('sfs-agy-');
  const dir = path.join(h, '.gemini', 'antigravity-cli', 'brain', 'c1', '.system_generated', 'logs');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'transcript_full.jsonl');
  writeFileSync(
    file,
    [
      { step_index: 0, source: 'USER_EXPLICIT', type: 'USER_INPUT', created_at: '2026-06-20T09:00:00Z', content: 'run it' },
      {
        step_index: 1,
        source: 'MODEL',
        type: 'PLANNER_RESPONSE',
        created_at: '2026-06-20T09:00:01Z',
        tool_calls: [{ name: 'run_command', args: { CommandLine: 'make' } }],
      },
      { step_index: 2, source: 'ORACLE', type: 'VISION', content: '?' },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n') + '\n',
  );
  const r = await adapter.read({ path: file, style: 'append' }, null, env({}, 'linux', h), {});
  assert.deepEqual(r.unknownTypes, { 'source:ORACLE': 1 });
  const [, model, out] = r.sessions[0]!.messages;
  // The unknown step's content still answers the open call: nothing is dropped.
  assert.equal(out!.role, 'tool');
  assert.equal(model!.unfinished_tool_use_ids, undefined);
  // Without it, the call is still open at the end of the pass: unfinished.
  const two = path.join(dir, 'transcript.jsonl');
  writeFileSync(two, readFileSync(file, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
  const open = await adapter.read({ path: two, style: 'append' }, null, env({}, 'linux', h), {});
  assert.equal(open.sessions[0]!.messages[1]!.unfinished_tool_use_ids?.length, 1);
  writeFileSync(path.join(h, '.gemini', 'antigravity-cli', 'history.jsonl'), '');
  const inst = adapter.installation(env({ PATH: '' }, 'linux', h));
  assert.deepEqual(inst.traces, [path.join(h, '.gemini', 'antigravity-cli', 'history.jsonl')]);
});
