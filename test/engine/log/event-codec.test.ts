import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from '../../../engine/log/codec.js';
import { bodyOffset, encodeEvent, encodeMessage, MessageEncodings, type Packed } from '../../../engine/log/event-codec.js';
import { unpackBody } from '../../../engine/replication/protocol.js';
import type { Message } from '../../../engine/model/message.js';

const msg = (i: number): Message =>
  ({
    msg_id: `m${i}`,
    parent_msg_id: i ? `m${i - 1}` : null,
    role: i % 2 ? 'assistant' : 'user',
    content: [{ type: 'text', text: `text ${i} ✓` }],
    timestamp: '2026-01-01T00:00:00.000Z',
  }) as Message;

test('a spliced event decodes to exactly what encoding it whole gives, for every array-header size', () => {
  for (const n of [1, 15, 16, 300, 65_535, 65_536]) {
    const p: Packed = ['org_1', 7, 'messages.captured', 1, 1_767_225_600_000, 'ses_abcdefgh', { messages: Array.from({ length: n }, (_, i) => msg(i)) }];
    const spliced = encodeEvent(p, new MessageEncodings());
    assert.deepEqual(decode(spliced), decode(encode(p)), `${n} messages`);
  }
});

test('revisions splice too; other bodies, purged (null) bodies and extra keys are encoded whole', () => {
  const cases: Packed[] = [
    ['org_1', 1, 'message.revised', 1, 5, 'ses_abcdefgh', { message: msg(3) }],
    ['org_1', 2, 'session.meta', 1, 5, 'ses_abcdefgh', { native_title: 'x' }],
    ['org_1', 3, 'messages.captured', 1, 5, 'ses_abcdefgh', null],
    ['org_1', 4, 'session.discovered', 1, 5, null, { tool: 'codex' }],
  ];
  for (const p of cases) assert.deepEqual(decode(encodeEvent(p, new MessageEncodings())), decode(encode(p)), p[2]);
});

test('a message is encoded once per append and its fingerprint follows its content', () => {
  const enc = new MessageEncodings();
  const m = msg(1);
  assert.equal(enc.of(m), enc.of(m));
  assert.equal(encodeMessage(m).hash, encodeMessage(structuredClone(m)).hash);
  assert.notEqual(encodeMessage(m).hash, encodeMessage({ ...m, content: [{ type: 'text', text: 'changed' }] } as Message).hash);
  // Earlier encodings stay intact while many more are packed (msgpackr reuses its buffer only forward).
  const first = encodeMessage(m);
  const copy = Uint8Array.from(first.bytes);
  for (let i = 0; i < 20_000; i++) encodeMessage(msg(i));
  assert.deepEqual(Uint8Array.from(first.bytes), copy);
});

test('bodyOffset finds the body in a stored value whatever the widths of the head fields', () => {
  const long = 'x'.repeat(40);
  const cases: Packed[] = [
    ['org_1', 7, 'messages.captured', 1, 1_767_225_600_000, 'ses_abcdefgh', { messages: [msg(1), msg(2)] }],
    ['org_' + long + long + long + long + long + long + long, 70_000, 'session.meta', 1, -5, null, { native_title: 'x' }],
    ['o', 2 ** 40, 'message.revised', 1, 1.5, 'ses_' + long, { message: msg(3) }],
    ['org_1', 200, 'session.discovered', 1, 0, 'ses_abcdefgh', { tool: 'codex' }],
  ];
  for (const p of cases) {
    for (const raw of [encodeEvent(p, new MessageEncodings()), encode(p)]) {
      const at = bodyOffset(raw);
      assert.ok(at > 0, p[2]);
      assert.deepEqual(unpackBody(raw.subarray(at)), p[6], p[2]);
    }
  }
  assert.equal(bodyOffset(encode(['org_1', 1, 'x', 1, 1, 'ses_abcdefgh'])), -1, 'no body');
  assert.equal(bodyOffset(encode({ a: 1 })), -1, 'not an event');
});
