import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import type { ForeignEvent } from '../../../engine/log/event-log.js';
import type { AnyStoredEvent, Attribution } from '../../../engine/model/events.js';
import type { Message } from '../../../engine/model/message.js';
import { tempDir } from '../../helpers/tmp.js';

const S = 'ses_aaaaaaaaaaaa';
const BOB: Attribution = { account: 'acc_bob', username: 'bob', device: 'laptop', space: 'spc_team', space_name: 'team-x', personal: false };
const msg = (id: string, text: string): Message => ({ msg_id: id, parent_msg_id: null, role: 'user', content: [{ type: 'text', text }] });
const bobs = (seq: number, type: string, body: unknown, attr: Attribution | undefined = BOB): ForeignEvent => ({
  origin: 'org_bob',
  seq,
  type,
  v: 1,
  ts: seq,
  session: S,
  body,
  ...(attr ? { attr } : {}),
});

async function all(log: LocalLog): Promise<AnyStoredEvent[]> {
  return log.read(0, 1000);
}

test("another account's events keep their attribution beside them; it is no part of the event", async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  await log.ingest(
    [
      bobs(1, 'session.discovered', { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture' }),
      bobs(2, 'messages.captured', { messages: [msg('m1', 'hi')] }),
    ],
    undefined,
    { sparse: true },
  );
  const [d, m] = await all(log);
  assert.deepEqual(d!.attr, BOB);
  assert.deepEqual(m!.attr, BOB);
  assert.deepEqual(m!.body, { messages: [msg('m1', 'hi')] }, 'the spliced body decodes as before');
  // The same identity arriving again (through another space) is a duplicate: attribution is not identity.
  assert.deepEqual(
    await log.ingest([{ ...bobs(2, 'messages.captured', { messages: [msg('m1', 'hi')] }), attr: { ...BOB, space: 'spc_other' } }], undefined, { sparse: true }),
    { written: 0, duplicates: 1 },
  );
  // Our own account's events (no attribution) read back without one.
  await log.append({ events: [{ type: 'session.meta', session: S, body: { title: 'mine' } }] });
  assert.equal((await all(log)).at(-1)!.attr, undefined);
});

test("another account's copy of a session never makes our own capture of it look done", async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  await log.ingest(
    [
      bobs(1, 'session.discovered', { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture', title: 'bob' }),
      bobs(2, 'messages.captured', { messages: [msg('m1', 'same text')] }),
    ],
    undefined,
    { sparse: true },
  );
  const r = await log.append({
    dedupe: true,
    events: [
      { type: 'session.discovered', session: S, body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture', title: 'mine' } },
      { type: 'messages.captured', session: S, body: { messages: [msg('m1', 'same text')] } },
    ],
  });
  assert.deepEqual(
    r.written.map((w) => w.type),
    ['session.discovered', 'messages.captured'],
  );
  assert.equal(r.skippedMessages, 0);
});

test("another account's purge erases its own events of the session only, now and later", async (t) => {
  const dir = join(tempDir(t), 'log');
  let log = await LocalLog.open(dir);
  t.after(() => log.close());
  await log.append({ events: [{ type: 'messages.captured', session: S, body: { messages: [msg('a1', 'mine')] } }] });
  await log.ingest([bobs(1, 'messages.captured', { messages: [msg('b1', 'his')] })], undefined, { sparse: true });
  await log.ingest(
    [
      {
        origin: 'org_carol',
        seq: 1,
        type: 'messages.captured',
        v: 1,
        ts: 1,
        session: S,
        body: { messages: [msg('c1', 'hers')] },
        attr: { ...BOB, account: 'acc_carol', username: 'carol' },
      },
    ],
    undefined,
    { sparse: true },
  );
  await log.ingest([bobs(2, 'session.purged', {})], undefined, { sparse: true });
  await log.close();
  log = await LocalLog.open(dir); // the mark is kept in the log, not only in memory
  await log.ingest([bobs(3, 'messages.captured', { messages: [msg('b2', 'his later')] })], undefined, { sparse: true });
  await log.append({ events: [{ type: 'messages.captured', session: S, body: { messages: [msg('a2', 'mine later')] } }] });
  const bodies = (await all(log)).map((e) => [e.origin === log.origin ? 'own' : e.origin, e.type, e.body === null ? null : 'body']);
  assert.deepEqual(bodies, [
    ['own', 'messages.captured', 'body'],
    ['org_bob', 'messages.captured', null],
    ['org_carol', 'messages.captured', 'body'],
    ['org_bob', 'session.purged', 'body'],
    ['org_bob', 'messages.captured', null],
    ['own', 'messages.captured', 'body'],
  ]);
  // Our own purge still erases every event of the session, whoever wrote it.
  await log.purge(S);
  assert.ok((await all(log)).every((e) => e.body === null || e.type === 'session.purged'));
});
