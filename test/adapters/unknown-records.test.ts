import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapterFor } from '../../adapters/index.js';
import { env, tempDir } from './shared/helpers.js';

/**
 * Every adapter keeps going on a record type it does not know (kept as an opaque block or
 * skipped) and counts it in `unknownTypes`, which is how sfs notices a tool's format change
 * (issue 14). A record of a known type is not counted.
 */

const read = (tool: string, file: string, style: 'append' | 'rewrite' = 'append', e = env()) =>
  adapterFor(tool)!.read({ path: file, style }, null, e, { maxBytes: 1 << 20 });

const ts = '2026-11-20T10:00:00.000Z';

test('unknown records: Claude Code counts unknown metadata and chain entries, keeps the rest', async () => {
  const dir = tempDir('unk-cc-');
  const file = path.join(dir, '11111111-1111-4111-8111-111111111111.jsonl');
  const base = { sessionId: '11111111-1111-4111-8111-111111111111', cwd: '/p', timestamp: ts };
  writeFileSync(
    file,
    [
      { ...base, type: 'user', uuid: 'u1', parentUuid: null, message: { role: 'user', content: 'hi' } },
      { ...base, type: 'hologram', uuid: 'u2', parentUuid: 'u1', data: 1 },
      { type: 'brand-new-meta', sessionId: base.sessionId },
      { type: 'ai-title', aiTitle: 'known meta', sessionId: base.sessionId },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const r = await read('claude-code', file);
  // Claude Code counts over the whole file (records), the engine takes those as they are.
  assert.deepEqual(r.records?.unknown, { hologram: 1, 'brand-new-meta': 1 });
  assert.equal(r.sessions[0]!.messages.length, 2, 'the unknown chain entry is kept (hidden), not dropped');
});

test('unknown records: Codex counts unknown line types and response items', async () => {
  const dir = tempDir('unk-cx-');
  const file = path.join(dir, 'rollout-2026-11-20T10-00-00-019a0000-1111-7222-8333-444455556666.jsonl');
  writeFileSync(
    file,
    [
      { timestamp: ts, type: 'session_meta', payload: { id: '019a0000-1111-7222-8333-444455556666', cwd: '/p', cli_version: '0.169.0' } },
      { timestamp: ts, type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } },
      { timestamp: ts, type: 'response_item', payload: { type: 'teleport_call', id: 'x' } },
      { timestamp: ts, type: 'hyper_event', payload: {} },
      { timestamp: ts, type: 'world_state', payload: {} },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const r = await read('codex', file);
  assert.deepEqual(r.unknownTypes, { 'response_item:teleport_call': 1, hyper_event: 1 });
});

test('unknown records: Gemini CLI counts message records of unknown type', async () => {
  const dir = tempDir('unk-gm-');
  const chats = path.join(dir, '.gemini', 'tmp', 'proj', 'chats');
  mkdirSync(chats, { recursive: true });
  const file = path.join(chats, 'session-2026-11-20T10-00-aaaaaaaa.jsonl');
  writeFileSync(
    file,
    [
      { sessionId: 'aaaaaaaa-0000-4000-8000-000000000000', projectHash: 'h', startTime: ts, lastUpdated: ts, kind: 'main' },
      { id: 'm1', timestamp: ts, type: 'user', content: [{ text: 'hi' }] },
      { id: 'm2', timestamp: ts, type: 'hologram', content: [{ text: '?' }] },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const r = await read('gemini', file, 'append', env({}, 'linux', dir));
  assert.deepEqual(r.unknownTypes, { hologram: 1 });
});

test('unknown records: Copilot CLI counts transcript-side events it does not know, not the other namespaces', async () => {
  const dir = tempDir('unk-cp-');
  const sdir = path.join(dir, '.copilot', 'session-state', '44444444-0000-4000-8000-000000000000');
  mkdirSync(sdir, { recursive: true });
  const file = path.join(sdir, 'events.jsonl');
  writeFileSync(
    file,
    [
      { type: 'session.start', id: 'e1', timestamp: ts, data: { sessionId: '44444444-0000-4000-8000-000000000000' } },
      { type: 'user.message', id: 'e2', timestamp: ts, data: { content: 'hi' } },
      { type: 'assistant.hologram', id: 'e3', timestamp: ts, data: {} },
      { type: 'session.something_new', id: 'e4', timestamp: ts, data: {} },
      { type: 'assistant.turn_start', id: 'e5', timestamp: ts, data: {} },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const r = await read('copilot', file, 'append', env({}, 'linux', dir));
  assert.deepEqual(r.unknownTypes, { 'assistant.hologram': 1 });
});

test('unknown records: Amp counts unknown roles and block types', async () => {
  const dir = tempDir('unk-amp-');
  const file = path.join(dir, 'T-1.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'T-1',
      v: 1,
      created: 1_800_000_000_000,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: [{ type: 'hologram', x: 1 }] },
        { role: 'oracle', content: [] },
      ],
    }),
  );
  const r = await read('amp', file, 'rewrite');
  assert.deepEqual(r.unknownTypes, { 'block:hologram': 1, 'role:oracle': 1 });
});

test('unknown records: Cline-family task folders count unknown roles and block types', async () => {
  const dir = tempDir('unk-cl-');
  const task = path.join(dir, '.cline', 'data', 'tasks', '1800000000000');
  mkdirSync(task, { recursive: true });
  writeFileSync(
    path.join(task, 'api_conversation_history.json'),
    JSON.stringify([
      { role: 'user', content: [{ type: 'text', text: 'hi' }], ts: 1_800_000_000_000 },
      { role: 'assistant', content: [{ type: 'hologram', x: 1 }], ts: 1_800_000_000_100 },
      { role: 'oracle', content: 'x', ts: 1_800_000_000_200 },
    ]),
  );
  const r = await read('cline', task, 'rewrite', env({}, 'linux', dir));
  assert.deepEqual(r.unknownTypes, { 'block:hologram': 1, 'role:oracle': 1 });
});

test('unknown records: Cursor Agent transcripts count unknown roles', async () => {
  const dir = tempDir('unk-cu-');
  const tdir = path.join(dir, '.cursor', 'projects', 'home-dev-p', 'agent-transcripts');
  mkdirSync(tdir, { recursive: true });
  const file = path.join(tdir, 'aaaaaaaa-0000-4000-8000-000000000000.jsonl');
  writeFileSync(
    file,
    [
      { role: 'user', message: { content: [{ type: 'text', text: 'hi' }] } },
      { role: 'oracle', message: { content: [{ type: 'text', text: '?' }] } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const r = await read('cursor', file, 'append', env({}, 'linux', dir));
  assert.deepEqual(r.unknownTypes, { 'role:oracle': 1 });
});
