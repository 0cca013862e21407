import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cleanPrompt, cwdFromEnvironmentDetails } from '../../../adapters/cline-family/prompt-text.js';
import { msFromTaskId } from '../../../adapters/cline-family/task-meta.js';
import { readTaskFolder, type TaskFolderOptions } from '../../../adapters/cline-family/task-folder.js';
import { globalStorageDirs } from '../../../adapters/cline-family/vscode-hosts.js';
import type { Message, ToolUseBlock } from '../../../engine/model/message.js';
import { sampleTask } from './helpers.js';
import { tempDir, writeTree } from '../shared/helpers.js';

const opts: TaskFolderOptions = { uiFileNames: ['ui_messages.json'], historyFiles: (d) => [path.join(d, 'history_item.json')] };

function toolIds(messages: Message[]): { uses: string[]; results: string[] } {
  const uses: string[] = [];
  const results: string[] = [];
  for (const m of messages)
    for (const b of m.content) {
      if (b.type === 'tool_use') uses.push((b as ToolUseBlock).tool_use_id);
      if (b.type === 'tool_result') results.push((b as { tool_use_id: string }).tool_use_id);
    }
  return { uses, results };
}

test('a full task folder: roles, thinking, images, tools, tokens, errors, compaction, title, cwd', async () => {
  const root = tempDir('sfs-clinefam-');
  const dir = path.join(root, 'tasks', 'task-a');
  const { api, ui } = sampleTask('task-a');
  writeTree(dir, {
    'api_conversation_history.json': api,
    'ui_messages.json': ui,
    'task_metadata.json': {
      model_usage: [{ ts: 1, model_id: 'claude-x', model_provider_id: 'anthropic' }],
      environment_history: [{ os_name: 'linux', os_version: '6', cline_version: '3.9.0' }],
    },
  });
  const r = await readTaskFolder(dir, null, opts);
  assert.deepEqual(r.problems, []);
  const s = r.sessions[0]!;
  assert.equal(s.header.title, 'Fix the failing test');
  assert.equal(s.header.cwd, '/home/dev/proj');
  assert.deepEqual(s.header.model, { provider: 'anthropic', model_id: 'claude-x' });
  assert.equal(s.header.tool_version, '3.9.0');
  const roles = s.messages.map((m) => m.role + (m.is_api_error ? '!' : '') + (m.is_compaction ? '#' : ''));
  assert.deepEqual(roles, ['user', 'assistant', 'user', 'system!', 'assistant', 'system#']);
  const [u1, a1, , , a2] = s.messages as [Message, Message, Message, Message, Message];
  assert.equal(u1.content[1]!.type, 'image');
  assert.deepEqual(a1.content[0], { type: 'thinking', text: 'Look at the test first.', signature: 'sig-abc' });
  // each api_req_started counted once: the failed try and its retry both go to the answer they produced
  assert.deepEqual(a1.usage, { input_tokens: 100, output_tokens: 20, cache_read_tokens: 5, cache_write_tokens: 7 });
  assert.deepEqual(a2.usage, { input_tokens: 200, output_tokens: 30 });
  // toolu_1 has its result, toolu_2 never got one
  assert.deepEqual(toolIds(s.messages), { uses: ['toolu_1', 'toolu_2'], results: ['toolu_1'] });
  assert.equal(a1.unfinished_tool_use_ids, undefined);
  assert.deepEqual(a2.unfinished_tool_use_ids, ['toolu_2']);
  // parents chain in order
  s.messages.forEach((m, i) => assert.equal(m.parent_msg_id, i === 0 ? null : s.messages[i - 1]!.msg_id));
});

test('ids are stable across reads and when the files grow', async () => {
  const root = tempDir('sfs-clinefam-');
  const dir = path.join(root, 'tasks', 'task-b');
  const { api, ui } = sampleTask('task-b');
  writeTree(dir, { 'api_conversation_history.json': api.slice(0, 2), 'ui_messages.json': ui.slice(0, 2) });
  const first = (await readTaskFolder(dir, null, opts)).sessions[0]!.messages;
  writeTree(dir, { 'api_conversation_history.json': api, 'ui_messages.json': ui });
  const whole = (await readTaskFolder(dir, null, opts)).sessions[0]!.messages;
  const again = (await readTaskFolder(dir, null, opts)).sessions[0]!.messages;
  assert.deepEqual(whole, again);
  assert.deepEqual(
    first.map((m) => m.msg_id),
    whole.slice(0, 2).map((m) => m.msg_id),
  );
});

test('an unchanged folder is skipped through the cursor', async () => {
  const root = tempDir('sfs-clinefam-');
  const dir = path.join(root, 'tasks', 'task-c');
  writeTree(dir, { 'api_conversation_history.json': sampleTask('c').api });
  const r1 = await readTaskFolder(dir, null, opts);
  const r2 = await readTaskFolder(dir, JSON.parse(JSON.stringify(r1.cursor)), opts);
  assert.equal(r1.sessions.length, 1);
  assert.equal(r2.sessions.length, 0);
});

test('bad input: truncated, garbage, empty, directory, invalid UTF-8, lone surrogates never throw', async () => {
  const root = tempDir('sfs-clinefam-');
  const full = JSON.stringify(sampleTask('x').api);
  const cases: Record<string, unknown> = {
    'tasks/truncated/api_conversation_history.json': full.slice(0, Math.floor(full.length * 0.7)),
    'tasks/garbage/api_conversation_history.json': '\u0000\u0001garbage{{{',
    'tasks/empty/api_conversation_history.json': '',
    'tasks/badutf8/api_conversation_history.json': Buffer.concat([
      Buffer.from('[{"role":"user","content":"caf'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}]'),
    ]),
    'tasks/surrogate/api_conversation_history.json': '[{"role":"user","content":"a\\ud800b"},{"role":"assistant","content":"ok"}]',
    'tasks/badelem/api_conversation_history.json': '[{"role":"user","content":"hi"}, {"role": bad}, {"role":"assistant","content":"yo"}]',
    'tasks/wrongshape/api_conversation_history.json': { not: 'an array' },
  };
  writeTree(root, cases);
  mkdirSync(path.join(root, 'tasks', 'isdir', 'api_conversation_history.json'), { recursive: true });
  mkdirSync(path.join(root, 'tasks', 'nofiles'), { recursive: true });
  writeFileSync(path.join(root, 'tasks', 'notadir'), 'x');
  const results: Record<string, { n: number; problems: number }> = {};
  for (const name of ['truncated', 'garbage', 'empty', 'badutf8', 'surrogate', 'badelem', 'wrongshape', 'isdir', 'nofiles', 'notadir', 'missing']) {
    const r = await readTaskFolder(path.join(root, 'tasks', name), null, opts);
    results[name] = { n: r.sessions[0]?.messages.length ?? 0, problems: r.problems.length };
  }
  assert.equal(results.truncated!.n >= 1, true);
  assert.ok(results.truncated!.problems >= 1);
  assert.deepEqual(results.garbage, { n: 0, problems: 1 });
  assert.deepEqual(results.empty, { n: 0, problems: 1 });
  assert.equal(results.badutf8!.n, 1);
  assert.equal(results.surrogate!.n, 2);
  assert.deepEqual(results.badelem, { n: 2, problems: 1 });
  assert.equal(results.wrongshape!.problems, 1);
  assert.ok(results.isdir!.problems >= 1);
  assert.ok(results.nofiles!.problems >= 1);
  assert.ok(results.notadir!.problems >= 1);
  assert.ok(results.missing!.problems >= 1);
  const sur = await readTaskFolder(path.join(root, 'tasks', 'surrogate'), null, opts);
  assert.equal((sur.sessions[0]!.messages[0]!.content[0] as { text: string }).text, 'a\uFFFDb');
});

test('an unreadable file is reported, the rest still read', { skip: process.getuid?.() === 0 ? 'root can read anything' : false }, async () => {
  const root = tempDir('sfs-clinefam-');
  const dir = path.join(root, 'tasks', 't');
  writeTree(dir, { 'api_conversation_history.json': sampleTask('t').api, 'ui_messages.json': [] });
  chmodSync(path.join(dir, 'ui_messages.json'), 0o000);
  const r = await readTaskFolder(dir, null, opts);
  assert.equal(r.sessions[0]!.messages.length, 4);
  assert.equal(r.problems.length, 1);
});

test('a 100 MB array element does not stop the rest', async () => {
  const root = tempDir('sfs-clinefam-');
  const dir = path.join(root, 'tasks', 'big');
  const big = 'x'.repeat(100 * 1024 * 1024);
  writeTree(dir, { 'api_conversation_history.json': `[{"role":"user","content":"${big}"},{"role":"assistant","content":"done"}]` });
  const r = await readTaskFolder(dir, null, opts);
  assert.equal(r.sessions[0]!.messages.length, 2);
  assert.equal(r.sessions[0]!.header.title!.length, 200);
});

test('a task with only a UI timeline is rebuilt from it', async () => {
  const root = tempDir('sfs-clinefam-');
  const dir = path.join(root, 'tasks', '1700000000000');
  writeTree(dir, {
    'ui_messages.json': [
      { ts: 1700000000001, type: 'say', say: 'task', text: 'Hello there', images: ['data:image/png;base64,AAAA'] },
      { ts: 1700000000002, type: 'say', say: 'text', text: 'Hi!' },
      { ts: 1700000000003, type: 'say', say: 'error', text: 'tool failed' },
    ],
  });
  const s = (await readTaskFolder(dir, null, opts)).sessions[0]!;
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'system'],
  );
  assert.equal(s.messages[0]!.content[1]!.type, 'image');
  assert.equal(s.header.title, 'Hello there');
  assert.equal(s.header.created_at, new Date(1700000000000).toISOString());
});

test('helpers: prompt cleaning, ids with time, host folders', () => {
  assert.equal(cleanPrompt('<task>\nDo it\n</task>\n<environment_details>x</environment_details>'), 'Do it');
  assert.equal(cleanPrompt('<user_input mode="act">Go</user_input>'), 'Go');
  assert.equal(cwdFromEnvironmentDetails('# Current Working Directory (/a b/c) Files\n'), '/a b/c');
  assert.equal(msFromTaskId('1795493231239_9szvx'), 1795493231239);
  assert.equal(msFromTaskId('019a0b1c-2d3e-7f00-8000-000000000000'), 0x019a0b1c2d3e);
  const dirs = globalStorageDirs({ home: '/h', platform: 'linux', env: {} }, 'Some.Ext');
  assert.ok(dirs.includes('/h/.config/Code - Insiders/User/globalStorage/some.ext'));
  assert.ok(dirs.includes('/h/.config/VSCodium/User/globalStorage/some.ext'));
  assert.ok(dirs.includes('/h/.config/Windsurf/User/globalStorage/some.ext'));
});
