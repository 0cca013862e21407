import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresBackend, postgresReachable, signup } from './backends.js';
import { startRelay } from '../../server/relay.js';
import { authenticate, personalSpace } from '../../server/accounts.js';
import { pushEvents, readSpace } from '../../server/events.js';
import { dlp, meta } from './wire-client.js';

const skip = !(await postgresReachable()) && !process.env.SFS_REQUIRE_PG ? 'PostgreSQL not reachable' : false;

test('the hazard is real: with a plain sequence a reader that advances its cursor misses a late commit', { skip }, async (t) => {
  const b = await postgresBackend();
  const cleanups: Array<() => Promise<unknown>> = [() => b.drop()];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const url = b.options.databaseUrl!;
  const c1 = new pg.Client(url);
  const c2 = new pg.Client(url);
  const r = new pg.Client(url);
  await Promise.all([c1.connect(), c2.connect(), r.connect()]);
  cleanups.push(() => Promise.all([c1.end(), c2.end(), r.end()]));
  await r.query('create table naive (id bigserial primary key, v text)');
  await c1.query('begin');
  await c1.query("insert into naive (v) values ('first')"); // takes id 1, not committed
  await c2.query("insert into naive (v) values ('second')"); // takes id 2, commits at once
  const seen = (await r.query('select id from naive where id > 0 order by id')).rows.map((x) => Number(x.id));
  assert.deepEqual(seen, [2]);
  const cursor = 2;
  await c1.query('commit');
  const after = (await r.query('select id from naive where id > $1 order by id', [cursor])).rows;
  assert.deepEqual(after, [], 'id 1 is now committed but below the cursor: the reader never sees it');
});

test('relay order: a push waiting to commit holds back the next one, so no reader skips it', { skip }, async (t) => {
  const b = await postgresBackend();
  const cleanups: Array<() => Promise<unknown>> = [() => b.drop()];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  // Two relay processes' worth of pools on one database: the first push pauses before commit.
  let release!: () => void;
  let paused!: () => void;
  const isPaused = new Promise<void>((r) => (paused = r));
  const gate = new Promise<void>((r) => (release = r));
  let first = true;
  const relayA = await startRelay({ ...b.options });
  const relayB = await startRelay({ ...b.options });
  cleanups.push(async () => {
    await relayA.close();
    await relayB.close();
  });
  const alice = await signup(relayA, 'alice');
  const who = await authenticate(relayA.rdb.db, alice.token);
  const space = await personalSpace(relayA.rdb.db, who);
  const o1 = 'orgone0000';
  const o2 = 'orgtwo0000';
  const p1 = pushEvents(
    relayA.rdb.db,
    who,
    o1,
    { space, from: 0, upTo: 2, ...dlp(space), events: [meta(o1, 1), meta(o1, 2)] },
    {
      beforeCommit: async () => {
        if (first) {
          first = false;
          paused();
          await gate;
        }
      },
    },
  );
  await isPaused;
  // The second push (another relay, another connection pool) must wait for the first to commit.
  let p2done = false;
  const p2 = pushEvents(relayB.rdb.db, who, o2, { space, from: 0, upTo: 1, ...dlp(space), events: [meta(o2, 1)] }).then((r) => {
    p2done = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(p2done, false, 'the second push committed while the first held its numbers');
  const mid = await readSpace(relayB.rdb.db, space, 0, 100);
  assert.deepEqual(mid.events, [], 'a reader sees nothing yet, so its cursor cannot pass the first push');
  release();
  await Promise.all([p1, p2]);
  const all = await readSpace(relayB.rdb.db, space, 0, 100);
  assert.deepEqual(
    all.events.map((e) => `${e[0]}:${e[1]}`),
    [`${o1}:1`, `${o1}:2`, `${o2}:1`],
  );
});

test('concurrent pushes from two relays: a polling reader that only moves forward sees every event once', { skip }, async (t) => {
  const b = await postgresBackend();
  const cleanups: Array<() => Promise<unknown>> = [() => b.drop()];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const relays = [await startRelay({ ...b.options }), await startRelay({ ...b.options })];
  cleanups.push(() => Promise.all(relays.map((r) => r.close())));
  const alice = await signup(relays[0]!, 'alice');
  const who = await authenticate(relays[0]!.rdb.db, alice.token);
  const space = await personalSpace(relays[0]!.rdb.db, who);
  const writers = Array.from({ length: 6 }, (_, w) => `orgw${w}000000`);
  let done = false;
  const seen: string[] = [];
  const reader = (async () => {
    let cursor = 0;
    for (;;) {
      const finished = done;
      const r = await readSpace(relays[1]!.rdb.db, space, cursor, 1000);
      for (const e of r.events) seen.push(`${e[0]}:${e[1]}`);
      cursor = r.cursor;
      if (finished && !r.events.length) return;
    }
  })();
  await Promise.all(
    writers.map(async (o, w) => {
      const relay = relays[w % 2]!;
      for (let i = 0; i < 40; i++) {
        const seq = i * 2;
        await pushEvents(
          relay.rdb.db,
          who,
          o,
          { space, from: seq, upTo: seq + 2, ...dlp(space), events: [meta(o, seq + 1), meta(o, seq + 2)] },
          {
            beforeCommit: () => new Promise((r) => setTimeout(r, Math.random() * 3)),
          },
        );
      }
    }),
  );
  done = true;
  await reader;
  assert.equal(seen.length, 6 * 80);
  assert.equal(new Set(seen).size, 6 * 80);
});
