import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn } from './backends.js';
import { ViewApplier } from '../../server/views/applier.js';
import { Pusher, msg } from './views-helpers.js';

/** The relay's applier folds a run of notifications in one catch-up after they go quiet, and waits for gaps in the sync traffic. */
for (const make of await backends()) {
  test(`view applier (${make.name}): coalesces a burst of notifications, waits while busy up to its limit, idle() folds what waits`, async (t) => {
    const b = await make();
    const relay = await relayOn(b, { views: false });
    t.after(async () => {
      await relay.close();
      await b.drop();
    });
    const db = relay.rdb.db;
    const alice = await Pusher.create(relay, 'alice', 'orgalice01');
    const S = 'ses_aaaaaaaa';
    const folds: Array<[number, number]> = [];
    const push = (i: number) => alice.push([{ type: 'messages.captured', session: S, body: { messages: [msg(`m${i}`, `message number ${i}`)] } }]);

    // Five pushes, each notifying: nothing is folded while they keep coming, then all of them in one transaction.
    const quiet = new ViewApplier(db, { quietMs: 1000, maxDelayMs: 60_000, beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]) });
    t.after(() => quiet.close());
    for (let i = 1; i <= 5; i++) {
      await push(i);
      quiet.wake(alice.personal);
    }
    assert.equal(folds.length, 0, 'folded before the notifications went quiet');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(folds.length, 1, `one fold for the burst: ${JSON.stringify(folds)}`);
    assert.equal(folds[0]![0], 0);
    assert.equal(quiet.applied, 5);

    // Busy: the fold waits past its quiet period, and runs once the limit is reached.
    let busy = true;
    const waiting = new ViewApplier(db, {
      quietMs: 20,
      maxDelayMs: 60_000,
      busy: () => busy,
      beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]),
    });
    t.after(() => waiting.close());
    await push(6);
    waiting.wake(alice.personal);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(folds.length, 1, 'folded while the relay was busy');
    busy = false;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(folds.length, 2);
    assert.equal(waiting.applied, 1);

    const capped = new ViewApplier(db, {
      quietMs: 20,
      maxDelayMs: 200,
      busy: () => true,
      beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]),
    });
    t.after(() => capped.close());
    await push(7);
    capped.wake(alice.personal);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(folds.length, 3, 'a busy relay still folds within maxDelayMs');

    // idle() does not wait for the quiet period: it folds what waits, now.
    const slow = new ViewApplier(db, { quietMs: 60_000, beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]) });
    t.after(() => slow.close());
    await push(8);
    slow.wake(alice.personal);
    const t0 = Date.now();
    await slow.idle();
    assert.equal(folds.length, 4);
    assert.ok(Date.now() - t0 < 30_000, 'idle() waited for the quiet period');
    assert.deepEqual(
      folds.map(([, cursor]) => cursor),
      [5, 6, 7, 8],
    );
  });
}
