import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SfsError } from '../../../../engine/errors.js';
import type { EventLog, ForeignEvent } from '../../../../engine/log/event-log.js';
import type { Message } from '../../../../engine/model/message.js';

/**
 * The EventLog contract (engine/log/event-log.ts), as every implementation must keep it:
 * the log a process owns, and the log a guest process reaches through the owner. A new
 * implementation passes this suite before anything else uses it.
 */
export interface EventLogBackend {
  /** Named in every test title, so a failure says which implementation broke. */
  name: string;
  /** A fresh, empty log; `close` releases it and whatever it needed (an owner behind a guest). */
  open(): Promise<{ log: EventLog; close(): Promise<void> }>;
}

const msg = (id: string, text: string): Message => ({ msg_id: id, parent_msg_id: null, role: 'user', content: [{ type: 'text', text }] });
const discovered = (session: string) => ({
  type: 'session.discovered' as const,
  session,
  body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture' as const },
});
const meta = (origin: string, seq: number, session = 'ses_11111111'): ForeignEvent => ({
  origin,
  seq,
  type: 'session.meta',
  v: 1,
  ts: 1000 + seq,
  session,
  body: { title: `${origin}:${seq}` },
});

export function eventLogConformance(backend: EventLogBackend): void {
  describe(`EventLog conformance: ${backend.name}`, () => {
    const withLog = (title: string, fn: (log: EventLog) => Promise<void>) =>
      test(`${backend.name}: ${title}`, async () => {
        const { log, close } = await backend.open();
        try {
          await fn(log);
        } finally {
          await close();
        }
      });

    withLog('append assigns gap-free seqs and positions; cursors move with the batch', async (log) => {
      const { origin } = await log.info();
      const r1 = await log.append({
        events: [discovered('ses_aaaaaaaa'), { type: 'messages.captured', session: 'ses_aaaaaaaa', body: { messages: [msg('m1', 'hi')] } }],
        cursors: { 'capture:x': { offset: 10 } },
      });
      const r2 = await log.append({ events: [{ type: 'session.meta', session: 'ses_aaaaaaaa', body: { title: 'T' } }] });
      assert.deepEqual(
        [...r1.written, ...r2.written].map((w) => [w.pos, w.seq, w.origin]),
        [
          [1, 1, origin],
          [2, 2, origin],
          [3, 3, origin],
        ],
      );
      assert.equal(await log.head(), 3);
      assert.deepEqual(await log.getCursor('capture:x'), { offset: 10 });
      assert.equal(await log.getCursor('nothing'), undefined);
      await log.append({ events: [], cursors: { 'capture:y': 1, capturez: 2 } });
      assert.deepEqual(await log.getCursors('capture:'), { 'capture:x': { offset: 10 }, 'capture:y': 1 }, 'one range read of a prefix');
      assert.deepEqual(await log.getCursors('none:'), {});
      const events = await log.read(0, 10);
      assert.deepEqual(
        events.map((e) => [e.pos, e.type]),
        [
          [1, 'session.discovered'],
          [2, 'messages.captured'],
          [3, 'session.meta'],
        ],
      );
      assert.ok(events.every((e) => e.origin === origin && e.v === 1 && e.session === 'ses_aaaaaaaa'));
      assert.deepEqual(
        (await log.read(2, 10)).map((e) => e.pos),
        [3],
      );
      assert.deepEqual(
        (await log.read(0, 2)).map((e) => e.pos),
        [1, 2],
      );
      assert.equal((await log.info()).origins[origin], 3);
    });

    withLog('an invalid body is refused with INVALID_INPUT and nothing of the batch is written', async (log) => {
      await assert.rejects(
        log.append({
          events: [
            discovered('ses_aaaaaaaa'),
            { type: 'messages.captured', session: 'ses_aaaaaaaa', body: { messages: [{ msg_id: 'x', role: 'robot', content: [] } as never] } },
          ],
          cursors: { c: 1 },
        }),
        (e: unknown) => e instanceof SfsError && e.code === 'INVALID_INPUT',
      );
      assert.equal(await log.head(), 0);
      assert.equal(await log.getCursor('c'), undefined);
    });

    withLog('dedupe: known messages are skipped, changed ones become revisions', async (log) => {
      const s = 'ses_bbbbbbbb';
      await log.append({
        dedupe: true,
        events: [discovered(s), { type: 'messages.captured', session: s, body: { messages: [msg('a', '1'), msg('b', '2')] } }],
      });
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

    withLog('a retried request id appends once and answers the same', async (log) => {
      const req = { requestId: 'conformance-r1', events: [{ type: 'session.meta' as const, session: 'ses_cccccccc', body: { title: 'x' } }] };
      const a = await log.append(req);
      const b = await log.append(req);
      assert.deepEqual(a, b);
      assert.equal(await log.head(), 1);
    });

    withLog('ingest keeps foreign identity, skips duplicates, refuses gaps, stores cursors with the events', async (log) => {
      const { origin } = await log.info();
      assert.deepEqual(await log.ingest([meta('org_remote', 1), meta('org_remote', 2)], { 'pull:x': 2 }), { written: 2, duplicates: 0 });
      assert.deepEqual(await log.ingest([meta('org_remote', 2), meta('org_remote', 3)]), { written: 1, duplicates: 1 });
      await assert.rejects(log.ingest([meta('org_remote', 5)], { 'pull:x': 5 }));
      assert.equal(await log.getCursor('pull:x'), 2, 'a refused ingest moves no cursor');
      assert.deepEqual(
        (await log.read(0, 10)).map((e) => [e.origin, e.seq, e.pos]),
        [
          ['org_remote', 1, 1],
          ['org_remote', 2, 2],
          ['org_remote', 3, 3],
        ],
      );
      assert.equal((await log.info()).origins['org_remote'], 3);
      assert.deepEqual(
        (await log.readOrigin('org_remote', 1, 10)).map((e) => e.seq),
        [2, 3],
      );
      assert.deepEqual(await log.readOrigin(origin, 0, 10), []);
      // The log's own origin is never written by ingest.
      assert.deepEqual(await log.ingest([meta(origin, 1)], undefined, { sparse: true }), { written: 0, duplicates: 1 });
    });

    withLog('sparse ingest takes subsets in any order, by identity', async (log) => {
      const a = 'orgaaaaaaaa';
      assert.deepEqual(await log.ingest([meta(a, 5), meta(a, 9)], undefined, { sparse: true }), { written: 2, duplicates: 0 });
      assert.deepEqual(await log.ingest([meta(a, 2), meta(a, 5), meta(a, 2)], undefined, { sparse: true }), { written: 1, duplicates: 2 });
      assert.deepEqual(
        (await log.readOrigin(a, 0, 10)).map((e) => e.seq),
        [2, 5, 9],
      );
    });

    withLog('readOrigin and readSession answer from any starting point and honour the limit', async (log) => {
      const { origin } = await log.info();
      await log.ingest([
        meta('org_a', 1, 'ses_11111111'),
        meta('org_a', 2, 'ses_11111111'),
        meta('org_b', 1, 'ses_22222222'),
        meta('org_a', 3, 'ses_22222222'),
      ]);
      await log.append({
        events: [
          { type: 'session.meta', session: 'ses_11111111', body: { title: 'own' } },
          { type: 'session.meta', session: 'ses_11111111', body: { title: 'own2' } },
        ],
      });
      await log.ingest([meta('org_a', 4, 'ses_11111111'), meta('org_a', 5, 'ses_11111111')]);
      for (let after = 0; after <= 5; after++)
        assert.deepEqual(
          (await log.readOrigin('org_a', after, 100)).map((e) => e.seq),
          [1, 2, 3, 4, 5].filter((s) => s > after),
        );
      assert.deepEqual(
        (await log.readOrigin('org_a', 1, 2)).map((e) => e.seq),
        [2, 3],
      );
      assert.deepEqual(
        (await log.readOrigin(origin, 0, 10)).map((e) => e.seq),
        [1, 2],
      );
      const s1 = (await log.readSession('ses_11111111', 0, 100)).map((e) => e.pos);
      assert.deepEqual(s1, [1, 2, 5, 6, 7, 8]);
      for (const after of [0, 1, 2, 5, 6, 7, 8])
        assert.deepEqual(
          (await log.readSession('ses_11111111', after, 100)).map((e) => e.pos),
          s1.filter((p) => p > after),
        );
      assert.equal(await log.hasSession('ses_22222222'), true);
      assert.equal(await log.hasSession('ses_99999999'), false);
    });

    withLog('purge tombstones every event of the session, later arrivals too, and leaves others alone', async (log) => {
      const s = 'ses_eeeeeeee';
      await log.append({ events: [discovered(s), { type: 'messages.captured', session: s, body: { messages: [msg('a', 'secret')] } }] });
      await log.append({ events: [discovered('ses_ffffffff')] });
      const r = await log.purge(s);
      assert.deepEqual(
        r.written.map((w) => w.type),
        ['session.purged'],
      );
      await log.ingest([{ origin: 'org_late', seq: 1, type: 'messages.captured', v: 1, ts: 1, session: s, body: { messages: [msg('z', 'late secret')] } }]);
      const events = await log.readSession(s, 0, 100);
      assert.deepEqual(
        events.map((e) => e.type),
        ['session.discovered', 'messages.captured', 'session.purged', 'messages.captured'],
      );
      assert.ok(events.every((e) => e.body === null || e.type === 'session.purged'));
      assert.notEqual((await log.readSession('ses_ffffffff', 0, 10))[0]!.body, null);
    });
  });
}
