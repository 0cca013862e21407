import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import type { ForeignEvent } from '../../../engine/log/event-log.js';
import type { Message } from '../../../engine/model/message.js';
import { tempDir } from '../../helpers/tmp.js';

const msg = (id: string, text: string): Message => ({ msg_id: id, parent_msg_id: null, role: 'user', content: [{ type: 'text', text }] });
const S = 'ses_evicted0001';
const FOREIGN = 'org_00000000000000ff';
const foreign = (seq: number, text: string): ForeignEvent => ({
  origin: FOREIGN,
  seq,
  type: 'messages.captured',
  v: 1,
  ts: 1,
  session: S,
  body: { messages: [msg(`f${seq}`, text)] },
});

/** Eviction (storage prune) is local: a mark and dropped message bodies, nothing appended; restore puts the bodies back. */
test('evict drops message bodies only, appends nothing, persists, and skips later events of the session', async (t) => {
  const dir = join(tempDir(t), 'log');
  let log = await LocalLog.open(dir);
  await log.append({
    events: [
      { type: 'session.discovered', session: S, body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture' } },
      { type: 'messages.captured', session: S, body: { messages: [msg('a', 'hello')] } },
    ],
  });
  await log.ingest([foreign(1, 'from elsewhere')], undefined, { sparse: true });
  const head = await log.head();
  const info = await log.info();

  const r = await log.evict([S]);
  assert.deepEqual(r, { evicted: [S], bodies: 2 });
  assert.equal(await log.head(), head, 'nothing appended');
  assert.deepEqual((await log.info()).origins, info.origins, 'no seq used: nothing to replicate');
  const events = await log.readSession(S, 0, 10);
  assert.deepEqual(
    events.map((e) => [e.type, e.body === null]),
    [
      ['session.discovered', false],
      ['messages.captured', true],
      ['messages.captured', true],
    ],
  );
  assert.deepEqual(await log.evict([S]), { evicted: [], bodies: 0 }, 'evicting again does nothing');
  await log.close();

  log = await LocalLog.open(dir);
  t.after(() => log.close());
  assert.deepEqual(await log.evictedSessions(), [S], 'the mark survives a restart');
  const skipped = await log.ingest([foreign(2, 'later, elsewhere')], { 'sync:x': 7 }, { sparse: true });
  assert.deepEqual(skipped, { written: 0, duplicates: 0, evicted: 1 });
  assert.equal(await log.getCursor('sync:x'), 7, 'the cursor still advances');
  assert.equal(await log.head(), head);

  // Restore: the relay's copies put the bodies back where they were and add what was skipped.
  const own = (await log.readSession(S, 0, 10))[1]!;
  const restored = await log.ingest(
    [{ ...own, body: { messages: [msg('a', 'hello')] } }, foreign(1, 'from elsewhere'), foreign(2, 'later, elsewhere')],
    undefined,
    { sparse: true, restore: true },
  );
  assert.deepEqual(restored, { written: 1, duplicates: 2, restored: 2 });
  assert.deepEqual(await log.evictedSessions(), []);
  const back = await log.readSession(S, 0, 10);
  assert.deepEqual(
    back.map((e) => e.body === null),
    [false, false, false, false],
  );
  assert.deepEqual((back[1]!.body as { messages: Message[] }).messages, [msg('a', 'hello')]);
});

test('new local messages revive an evicted session; a purge clears the mark', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  await log.append({ events: [{ type: 'messages.captured', session: S, body: { messages: [msg('a', 'hello')] } }] });
  await log.evict([S]);
  await log.append({ events: [{ type: 'session.meta', session: S, body: { title: 'x' } }] });
  assert.deepEqual(await log.evictedSessions(), [S], 'metadata alone does not revive it');
  await log.append({ events: [{ type: 'messages.captured', session: S, body: { messages: [msg('b', 'new here')] } }] });
  assert.deepEqual(await log.evictedSessions(), [], 'captured here, exists nowhere else: kept and live');
  assert.notEqual((await log.readSession(S, 0, 10)).at(-1)!.body, null);

  await log.evict([S]);
  await log.purge(S);
  assert.deepEqual(await log.evictedSessions(), []);
});
