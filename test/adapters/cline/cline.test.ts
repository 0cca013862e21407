import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/cline/index.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import type { Message } from '../../../engine/model/message.js';
import { fixtures } from '../shared/helpers.js';

const SDK = path.join(fixtures, 'cline', 'generated-cline-cli-3.0.65-sdk-sessions');
const CLASSIC = path.join(fixtures, 'cline', 'public', 'Dicklesworthstone-cross_agent_session_resumer');
const envFor = (dataDir: string): AdapterEnv => ({ home: '/nonexistent-home', platform: 'linux', env: { CLINE_DATA_DIR: dataDir } });

async function readAll(env: AdapterEnv) {
  const out = [];
  for (const s of await adapter.listSources(env)) out.push(await adapter.read(s, null, env));
  return out;
}

test('generated Cline CLI 3.0.65 SDK session', async () => {
  const [r, ...rest] = await readAll(envFor(SDK));
  assert.equal(rest.length, 0);
  assert.deepEqual(r!.problems, []);
  const s = r!.sessions[0]!;
  assert.equal(s.nativeId, '1795493231239_9szvx');
  assert.equal(s.header.title, 'SCN_TOOLS: please inspect this project');
  assert.equal(s.header.cwd, '/home/dev/projects/demo-app');
  assert.equal(s.header.git?.branch, 'feature/demo');
  assert.deepEqual(s.header.model, { provider: 'openai-compatible', model_id: 'gpt-5.1' });
  assert.equal(s.header.tool_version, '3.0.65');
  assert.equal(s.header.created_at, '2026-11-24T04:07:11.256Z');
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  assert.deepEqual(
    s.messages.map((m) => m.msg_id),
    ['5cd62649-fefb-433d-ac50-c4946f731f5c', 'msg_2bm3fLf_', 'msg_ZKF50x0n', 'msg_m0zLqduj'],
  );
  // The CLI's <user_input mode="act"> wrapper is taken off what was typed; the mode is kept beside it.
  assert.deepEqual(s.messages[0]!.content, [{ type: 'text', text: 'SCN_TOOLS: please inspect this project' }]);
  assert.equal(s.messages[0]!.input_mode, 'act');
  assert.equal(s.messages[1]!.input_mode, undefined);
  // token totals match the session record's metadata.usage (6400 in, 96 out, 2048 cache read)
  const sum = (k: 'input_tokens' | 'output_tokens' | 'cache_read_tokens') => s.messages.reduce((n, m: Message) => n + (m.usage?.[k] ?? 0), 0);
  assert.deepEqual([sum('input_tokens'), sum('output_tokens'), sum('cache_read_tokens')], [6400, 96, 2048]);
  const use = s.messages[1]!.content.find((b) => b.type === 'tool_use') as { tool_use_id: string };
  const result = s.messages[2]!.content[0] as { type: string; tool_use_id: string };
  assert.equal(result.type, 'tool_result');
  assert.equal(result.tool_use_id, use.tool_use_id);
  assert.ok(s.messages.every((m) => !m.unfinished_tool_use_ids));
});

test('classic task folder with the task index', async () => {
  const [r] = await readAll(envFor(CLASSIC));
  const s = r!.sessions[0]!;
  assert.equal(s.nativeId, '1700001234567');
  assert.equal(s.header.title, 'Fix Cline fixture flow');
  assert.equal(s.header.cwd, '/data/projects/fixture-cline');
  assert.equal(s.header.model?.model_id, 'claude-sonnet-4-5-20250929');
  assert.equal(s.header.created_at, new Date(1700001234567).toISOString());
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
});

test('reading twice gives identical ids and messages', async () => {
  for (const dir of [SDK, CLASSIC]) {
    const a = await readAll(envFor(dir));
    const b = await readAll(envFor(dir));
    assert.deepEqual(
      a.map((r) => r.sessions),
      b.map((r) => r.sessions),
    );
  }
});

test('locate: CLINE_DATA_DIR, CLINE_DIR, VS Code hosts per platform', () => {
  const linux = adapter.storeDirs({ home: '/h', platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' } });
  assert.ok(linux.includes('/cfg/Code/User/globalStorage/saoudrizwan.claude-dev'));
  assert.ok(linux.includes('/cfg/Cursor/User/globalStorage/saoudrizwan.claude-dev'));
  assert.ok(linux.includes('/h/.cline/data'));
  assert.ok(adapter.storeDirs({ home: '/h', platform: 'linux', env: { CLINE_DIR: '/c' } }).includes('/c/data'));
  assert.ok(adapter.storeDirs({ home: '/h', platform: 'linux', env: { CLINE_DATA_DIR: '/d', CLINE_DIR: '/c' } }).includes('/d'));
  const mac = adapter.storeDirs({ home: '/Users/u', platform: 'darwin', env: {} });
  assert.ok(mac.includes('/Users/u/Library/Application Support/Code - Insiders/User/globalStorage/saoudrizwan.claude-dev'));
  const win = adapter.storeDirs({ home: 'C:\\Users\\u', platform: 'win32', env: { APPDATA: 'D:\\AppData' } });
  assert.ok(win.includes('D:\\AppData\\VSCodium\\User\\globalStorage\\saoudrizwan.claude-dev'));
  assert.ok(win.includes('C:\\Users\\u\\.cline\\data'));
});

test('sourceFor maps files inside a task or session folder to that folder', () => {
  const env = envFor('/data');
  assert.deepEqual(adapter.sourceFor('/data/sessions/123_ab/123_ab.messages.json', env), { path: '/data/sessions/123_ab', style: 'rewrite' });
  assert.deepEqual(adapter.sourceFor('/data/tasks/123/ui_messages.json', env), { path: '/data/tasks/123', style: 'rewrite' });
  assert.equal(adapter.sourceFor('/data/state/taskHistory.json', env), null);
  assert.equal(adapter.sourceFor('/elsewhere/tasks/1/x.json', env), null);
});
