import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn } from './backends.js';
import { ViewApplier } from '../../server/views/applier.js';
import { Pusher, msg } from './views-helpers.js';

/** The relay's applier folds the notifications of a batch window in one catch-up, keeps up with a steady trickle, and waits for gaps in a bulk sync. */
for (const make of await backends()) {
  test(`view applier (${make.name}): coalesces a burst of notifications, folds a trickle as it comes, waits while busy up to its limit, idle() folds what waits`, async (t) => {
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

    // Five pushes, each notifying, within the batch window: nothing is folded before it ends, then all of them in one transaction.
    const quiet = new ViewApplier(db, { batchMs: 1000, maxDelayMs: 60_000, beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]) });
    t.after(() => quiet.close());
    for (let i = 1; i <= 5; i++) {
      await push(i);
      quiet.wake(alice.personal);
    }
    assert.equal(folds.length, 0, 'folded before the batch window ended');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(folds.length, 1, `one fold for the burst: ${JSON.stringify(folds)}`);
    assert.equal(folds[0]![0], 0);
    assert.equal(quiet.applied, 5);

    // Busy: the fold waits past its quiet period, and runs once the limit is reached.
    let busy = true;
    const waiting = new ViewApplier(db, {
      batchMs: 20,
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
      batchMs: 20,
      maxDelayMs: 200,
      busy: () => true,
      beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]),
    });
    t.after(() => capped.close());
    await push(7);
    capped.wake(alice.personal);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(folds.length, 3, 'a busy relay still folds within maxDelayMs');

    // idle() does not wait for the batch window: it folds what waits, now.
    const slow = new ViewApplier(db, { batchMs: 60_000, beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]) });
    t.after(() => slow.close());
    await push(8);
    slow.wake(alice.personal);
    const t0 = Date.now();
    await slow.idle();
    assert.equal(folds.length, 4);
    assert.ok(Date.now() - t0 < 30_000, 'idle() waited for the batch window');
    assert.deepEqual(
      folds.map(([, cursor]) => cursor),
      [5, 6, 7, 8],
    );

    // A steady trickle (a push every 40 ms for about a second) is folded as it comes, not once it stops.
    const trickle = new ViewApplier(db, { batchMs: 100, maxDelayMs: 60_000, beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]) });
    t.after(() => trickle.close());
    const before = folds.length;
    for (let i = 9; i < 34; i++) {
      await push(i);
      trickle.wake(alice.personal);
      await new Promise((r) => setTimeout(r, 40));
    }
    assert.ok(folds.length - before >= 3, `folds while the trickle went on: ${folds.length - before}`);
    await trickle.idle();
    assert.equal(folds.at(-1)![1], 33);

    // A bulk sync still arriving past maxDelayMs: one batch is folded, then the space waits again; once the relay is no longer busy, the rest follows.
    let bulk = true;
    const paced = new ViewApplier(db, {
      batch: 4,
      busyBatch: 2,
      batchMs: 20,
      maxDelayMs: 400,
      busy: () => bulk,
      beforeCommit: async (_tx, _s, after, cursor) => void folds.push([after, cursor]),
    });
    t.after(() => paced.close());
    const start = folds.length;
    for (let i = 34; i < 40; i++) await push(i);
    paced.wake(alice.personal);
    const t1 = Date.now();
    while (folds.length === start && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(folds.slice(start), [[33, 35]], 'the first fold past the limit is one batch');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(folds.length, start + 1, `folded on while busy before the limit came round again: ${JSON.stringify(folds.slice(start))}`);
    bulk = false;
    const t2 = Date.now();
    while (folds.at(-1)![1] < 39 && Date.now() - t2 < 10_000) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(folds.slice(start + 1), [[35, 39]], 'no longer busy: full batches');
  });
}
