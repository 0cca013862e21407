import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pgliteBackend, postgresBackend, postgresReachable, signup, type Backend } from './backends.js';
import { startRelay } from '../../server/relay.js';
import { authenticate, personalSpace } from '../../server/accounts.js';
import { pushEvents, readSpace } from '../../server/events.js';
import { insertLimitsOf } from '../../server/db/open.js';
import { dlp, meta } from './wire-client.js';

const pgSkip = !(await postgresReachable()) && !process.env.SFS_REQUIRE_PG ? 'PostgreSQL not reachable' : false;

/**
 * A push larger than one INSERT statement (PGlite: 250 rows) is stored whole, in order and
 * numbered without gaps, its bytes charged to the account once, and its frontier advanced in
 * the same statement as the charge (a repeat stores nothing and charges nothing).
 */
for (const [name, make, skip] of [
  ['pglite', pgliteBackend, false],
  ['postgres', postgresBackend, pgSkip],
] as const) {
  test(`${name}: a push of more rows than one statement takes is stored whole and charged once`, { skip }, async (t) => {
    const b: Backend = await make();
    const relay = await startRelay({ ...b.options });
    t.after(async () => {
      await relay.close();
      await b.drop();
    });
    const db = relay.rdb.db;
    if (name === 'pglite') assert.equal(insertLimitsOf(db).rows, 250);
    const n = Math.max(700, insertLimitsOf(db).rows + 3);
    const alice = await signup(relay, 'alice');
    const who = await authenticate(db, alice.token);
    const space = await personalSpace(db, who);
    const origin = 'orglimits0';
    const events = Array.from({ length: n }, (_, i) => meta(origin, i + 1, `ses_limits${String(i % 7).padStart(3, '0')}`));
    const bytes = events.reduce((s, e) => s + e[6]!.byteLength, 0);

    const r = await pushEvents(db, who, origin, { space, from: 0, upTo: n, ...dlp(space), events });
    assert.equal(r.written, n);
    assert.equal(r.frontier, n);
    const read = await readSpace(db, space, 0, n + 10);
    assert.equal(read.rows, n);
    assert.deepEqual(
      read.events.map((e) => e[1]),
      events.map((e) => e[1]),
    );
    assert.equal(read.cursor, n, 'relay numbers are dense: one counter update for the whole push');
    const charged = async () =>
      Number((await db.selectFrom('accounts').select('stored_bytes').where('id', '=', who.id).executeTakeFirstOrThrow()).stored_bytes);
    assert.equal(await charged(), bytes);

    // The same push again: the frontier says it is there, nothing is stored or charged.
    const again = await pushEvents(db, who, origin, { space, from: 0, upTo: n, ...dlp(space), events });
    assert.equal(again.written, 0);
    assert.equal(again.frontier, n);
    assert.equal(await charged(), bytes);
    const frontier = await db.selectFrom('streams').select('frontier').where('space_id', '=', space).where('origin', '=', origin).executeTakeFirstOrThrow();
    assert.equal(Number(frontier.frontier), n);

    // A session's lane push (its own frontier) repeating events the space holds, and one new one: only that one is
    // stored, charged and handed to live readers; the numbers the repeats took stay unused.
    const lane = 'ses_limits000';
    const laneEvents = [...events.filter((e) => e[5] === lane), meta(origin, n + 1, lane)];
    const mixed = await pushEvents(db, who, origin, { space, lane, from: 0, upTo: n + 1, ...dlp(space), events: laneEvents });
    assert.equal(mixed.written, 1);
    assert.deepEqual(
      mixed.committed.flatMap((c) => c.events.map((e) => e[1])),
      [n + 1],
    );
    assert.equal(await charged(), bytes + laneEvents.at(-1)![6]!.byteLength);
    const after = await readSpace(db, space, n, 10);
    assert.deepEqual(
      after.events.map((e) => e[1]),
      [n + 1],
    );
    assert.equal(after.cursor, n + laneEvents.length);
  });
}
