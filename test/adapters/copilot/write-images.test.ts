import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adapter } from '../../../adapters/copilot/index.js';
import { copilotWriter } from '../../../adapters/copilot/write-events.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import type { ContentBlock, Message } from '../../../engine/model/message.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import type { SourceSession } from '../../../engine/resume/types.js';

// The 4×4 PNG of the Claude Code image fixture.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==';
const png = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } } as const;
const text = (t: string): ContentBlock => ({ type: 'text', text: t });
const msg = (n: number, role: Message['role'], content: ContentBlock[]): Message => ({
  msg_id: `m${n}`,
  role,
  content,
  timestamp: `2026-11-24T08:0${n}:00.000Z`,
});

function source(messages: Message[]): SourceSession {
  return { id: 'ses_imgtest', tool: 'claude-code', title: 'look at this', cwd: '/home/dev/app', gitBranch: null, model: null, provider: 'anthropic', messages };
}

async function written(messages: Message[]) {
  const home = mkdtempSync(path.join(tmpdir(), 'sfs-copilot-img-'));
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const prepared = prepareForTarget(source(messages), 'copilot');
  const w = await copilotWriter.write(prepared, { cwd: '/home/dev/app', model: null, title: null, now: new Date('2026-11-24T10:00:00Z') }, env);
  const events = readFileSync(w.path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; id: string; parentId: string | null; data: Record<string, any> });
  return { home, env, w, events, prepared, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

test('copilot writer: a user image becomes a session.binary_asset event and a file attachment naming it, as Copilot CLI 1.0.102 records one', async (t) => {
  const r = await written([
    msg(1, 'user', [text('what colour is this?'), png]),
    msg(2, 'assistant', [text('red')]),
    msg(3, 'user', [text('and this one?'), png]),
    msg(4, 'assistant', [text('red again')]),
  ]);
  t.after(r.cleanup);
  assert.equal(r.prepared.report.imagesReplaced, 0, 'Copilot takes user images: no note instead');
  const bytes = Buffer.from(PNG, 'base64');
  const assetId = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  assert.deepEqual(
    r.events.map((e) => e.type),
    ['session.start', 'session.binary_asset', 'user.message', 'assistant.message', 'user.message', 'assistant.message'],
    'one asset for the same image used twice, before its first message',
  );
  r.events.forEach((e, i) => assert.equal(e.parentId, i ? r.events[i - 1]!.id : null, 'events stay chained'));
  const asset = r.events[1]!;
  assert.deepEqual(asset.data, { assetId, type: 'image', mimeType: 'image/png', byteLength: bytes.length, data: PNG });
  const dir = path.dirname(r.w.path);
  const file = path.join(dir, 'files', 'image-1.png');
  const attachment = { type: 'file', path: file, displayName: 'image-1.png', assetId, mimeType: 'image/png', byteLength: bytes.length };
  assert.deepEqual(r.events[2]!.data, { content: 'what colour is this?', attachments: [attachment] });
  assert.deepEqual(r.events[4]!.data, { content: 'and this one?', attachments: [attachment] });
  // The path the model is told about exists, inside the session's own folder, with the same bytes.
  assert.ok(file.startsWith(path.join(r.home, '.copilot', 'session-state') + path.sep));
  assert.deepEqual(readFileSync(file), bytes);
  assert.ok(r.w.files.includes(file), 'the image file is listed with the written files');
});

test('copilot writer: an image with only a URL or path becomes a text note; a message without images has no attachments', async (t) => {
  const r = await written([
    msg(1, 'user', [text('see'), { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }]),
    msg(2, 'assistant', [text('ok')]),
  ]);
  t.after(r.cleanup);
  assert.deepEqual(
    r.events.map((e) => e.type),
    ['session.start', 'user.message', 'assistant.message'],
  );
  assert.deepEqual(r.events[1]!.data, { content: 'see\n\n[image not carried over: https://example.com/a.png]', attachments: [] });
});

test('copilot reader: an attachment whose asset event is in the file reads back as the image bytes (round trip)', async (t) => {
  const r = await written([msg(1, 'user', [text('what colour is this?'), png]), msg(2, 'assistant', [text('red')])]);
  t.after(r.cleanup);
  const back = await adapter.read({ path: r.w.path, style: 'append' }, null, r.env);
  const user = back.sessions[0]!.messages.find((m) => m.role === 'user')!;
  assert.deepEqual(user.content, [text('what colour is this?'), png]);
});
