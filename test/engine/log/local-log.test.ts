import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog, StoreLockedError } from '../../../engine/log/local-log.js';
import type { Message } from '../../../engine/model/message.js';
import { SfsError } from '../../../engine/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const msg = (id: string, text: string): Message => ({ msg_id: id, parent_msg_id: null, role: 'user', content: [{ type: 'text', text }] });
const discovered = (session: string) => ({
  type: 'session.discovered' as const,
  session,
  body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture' as const },
});

test('append assigns gap-free seqs and positions, atomically with cursors', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const r1 = await log.append({
    events: [discovered('ses_aaaaaaaa'), { type: 'messages.captured', session: 'ses_aaaaaaaa', body: { messages: [msg('m1', 'hi')] } }],
    cursors: { 'capture:x': { offset: 10 } },
  });
  const r2 = await log.append({ events: [{ type: 'session.meta', session: 'ses_aaaaaaaa', body: { title: 'T' } }] });
  assert.deepEqual(
    [...r1.written, ...r2.written].map((w) => [w.pos, w.seq]),
    [
      [1, 1],
      [2, 2],
      [3, 3],
    ],
  );
  assert.equal(await log.head(), 3);
  assert.deepEqual(await log.getCursor('capture:x'), { offset: 10 });
  const events = await log.read(0, 10);
  assert.deepEqual(
    events.map((e) => e.type),
    ['session.discovered', 'messages.captured', 'session.meta'],
  );
  assert.ok(events.every((e) => e.origin === log.origin && e.v === 1));
  assert.deepEqual(
    (await log.read(2, 10)).map((e) => e.pos),
    [3],
  );
  assert.deepEqual(
    (await log.readSession('ses_aaaaaaaa', 0, 10)).map((e) => e.pos),
    [1, 2, 3],
  );
});

test('invalid bodies are refused and nothing is written', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  await assert.rejects(
    log.append({
      events: [
        discovered('ses_aaaaaaaa'),
        { type: 'messages.captured', session: 'ses_aaaaaaaa', body: { messages: [{ msg_id: 'x', role: 'robot', content: [] } as never] } },
      ],
    }),
    (e: unknown) => e instanceof SfsError && e.code === 'INVALID_INPUT',
  );
  assert.equal(await log.head(), 0);
});

test('dedupe drops known messages and turns changed ones into revisions', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const s = 'ses_bbbbbbbb';
  await log.append({ dedupe: true, events: [discovered(s), { type: 'messages.captured', session: s, body: { messages: [msg('a', '1'), msg('b', '2')] } }] });
  const again = await log.append({
    dedupe: true,
    events: [discovered(s), { type: 'messages.captured', session: s, body: { messages: [msg('a', '1'), msg('b', '2 edited'), msg('c', '3')] } }],
  });
  assert.equal(again.skippedMessages, 1);
  assert.equal(again.revisedMessages, 1);
  assert.deepEqual(
    again.written.map((w) => w.type),
    ['message.revised', 'messages.captured'],
  );
  const none = await log.append({
    dedupe: true,
    events: [discovered(s), { type: 'messages.captured', session: s, body: { messages: [msg('a', '1'), msg('c', '3')] } }],
  });
  assert.equal(none.written.length, 0);
});

test('a retried request id appends once', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const req = { requestId: 'r1', events: [{ type: 'session.meta' as const, session: 'ses_cccccccc', body: { title: 'x' } }] };
  const a = await log.append(req);
  const b = await log.append(req);
  assert.deepEqual(a, b);
  assert.equal(await log.head(), 1);
});

test('ingest keeps foreign identity, skips duplicates and refuses gaps', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const ev = (seq: number) => ({ origin: 'org_remote', seq, type: 'session.meta', v: 1, ts: 1000 + seq, session: 'ses_dddddddd', body: { title: `t${seq}` } });
  assert.deepEqual(await log.ingest([ev(1), ev(2)]), { written: 2, duplicates: 0 });
  assert.deepEqual(await log.ingest([ev(2), ev(3)]), { written: 1, duplicates: 1 });
  await assert.rejects(log.ingest([ev(5)]), /gap/);
  const events = await log.read(0, 10);
  assert.deepEqual(
    events.map((e) => [e.origin, e.seq, e.pos]),
    [
      ['org_remote', 1, 1],
      ['org_remote', 2, 2],
      ['org_remote', 3, 3],
    ],
  );
  assert.deepEqual((await log.info()).origins['org_remote'], 3);
  assert.deepEqual(
    (await log.readOrigin('org_remote', 1, 10)).map((e) => e.seq),
    [2, 3],
  );
  assert.deepEqual(await log.readOrigin(log.origin, 0, 10), []);
});

test('purge tombstones every event of the session, including later arrivals', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const s = 'ses_eeeeeeee';
  await log.append({ events: [discovered(s), { type: 'messages.captured', session: s, body: { messages: [msg('a', 'secret')] } }] });
  await log.append({ events: [discovered('ses_ffffffff')] });
  await log.purge(s);
  await log.ingest([{ origin: 'org_late', seq: 1, type: 'messages.captured', v: 1, ts: 1, session: s, body: { messages: [msg('z', 'late secret')] } }]);
  const events = await log.readSession(s, 0, 100);
  assert.deepEqual(
    events.map((e) => e.type),
    ['session.discovered', 'messages.captured', 'session.purged', 'messages.captured'],
  );
  assert.ok(events.every((e) => e.body === null || e.type === 'session.purged'));
  assert.notEqual((await log.readSession('ses_ffffffff', 0, 10))[0]!.body, null);
});

test('origin and counters survive reopen; a second opener gets StoreLockedError', async (t) => {
  const dir = join(tempDir(t), 'log');
  const log = await LocalLog.open(dir);
  await log.append({ events: [discovered('ses_gggggggg')] });
  await assert.rejects(LocalLog.open(dir), StoreLockedError);
  const origin = log.origin;
  await log.close();
  const again = await LocalLog.open(dir);
  t.after(() => again.close());
  assert.equal(again.origin, origin);
  const r = await again.append({ events: [{ type: 'session.deleted', session: 'ses_gggggggg', body: {} }] });
  assert.deepEqual(
    r.written.map((w) => [w.pos, w.seq]),
    [[2, 2]],
  );
});

test('identity runs and session entries answer readOrigin/readSession from any starting point', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const meta = (origin: string, seq: number, session: string) => ({
    origin,
    seq,
    type: 'session.meta',
    v: 1,
    ts: seq,
    session,
    body: { title: `${origin}${seq}` },
  });
  // Interleaved origins in one batch break runs; own appends add more.
  await log.ingest([meta('org_a', 1, 'ses_11111111'), meta('org_a', 2, 'ses_11111111'), meta('org_b', 1, 'ses_22222222'), meta('org_a', 3, 'ses_22222222')]);
  await log.append({
    events: [
      { type: 'session.meta', session: 'ses_11111111', body: { title: 'own' } },
      { type: 'session.meta', session: 'ses_11111111', body: { title: 'own2' } },
    ],
  });
  await log.ingest([meta('org_a', 4, 'ses_11111111'), meta('org_a', 5, 'ses_11111111')]);
  for (let after = 0; after <= 5; after++) {
    assert.deepEqual(
      (await log.readOrigin('org_a', after, 100)).map((e) => e.seq),
      [1, 2, 3, 4, 5].filter((s) => s > after),
      `org_a after ${after}`,
    );
  }
  assert.deepEqual(
    (await log.readOrigin('org_a', 1, 2)).map((e) => e.seq),
    [2, 3],
  );
  assert.deepEqual(
    (await log.readOrigin(log.origin, 0, 10)).map((e) => e.seq),
    [1, 2],
  );
  const s1 = (await log.readSession('ses_11111111', 0, 100)).map((e) => e.pos);
  assert.deepEqual(s1, [1, 2, 5, 6, 7, 8]);
  for (const after of [0, 1, 2, 5, 6, 7, 8])
    assert.deepEqual(
      (await log.readSession('ses_11111111', after, 100)).map((e) => e.pos),
      s1.filter((p) => p > after),
    );
  assert.deepEqual(
    (await log.readSession('ses_11111111', 1, 2)).map((e) => e.pos),
    [2, 5],
  );
  // Sparse ingest finds stored identities inside runs and accepts gaps.
  assert.deepEqual(
    await log.ingest([meta('org_a', 2, 'ses_11111111'), meta('org_a', 9, 'ses_11111111'), meta('org_b', 1, 'ses_22222222')], undefined, { sparse: true }),
    { written: 1, duplicates: 2 },
  );
  assert.deepEqual(
    (await log.readOrigin('org_a', 4, 10)).map((e) => e.seq),
    [5, 9],
  );
});
