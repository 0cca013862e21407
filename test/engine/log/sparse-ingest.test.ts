import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import type { ForeignEvent } from '../../../engine/log/event-log.js';
import { tempDir } from '../../helpers/tmp.js';

const ev = (origin: string, seq: number, session = 'ses_aaaaaaaa'): ForeignEvent => ({
  origin,
  seq,
  type: 'session.meta',
  v: 1,
  ts: 1,
  session,
  body: { title: `t${seq}` },
});

test('sparse ingest accepts subsets in any order and skips duplicates by identity', async (t) => {
  const log = await LocalLog.open(join(tempDir(t), 'log'));
  t.after(() => log.close());
  const a = 'orgaaaaaaaa';
  assert.deepEqual(await log.ingest([ev(a, 5), ev(a, 9)], { c: 1 }, { sparse: true }), { written: 2, duplicates: 0 });
  // An older event arriving later (a session shared after the fact) is still stored.
  assert.deepEqual(await log.ingest([ev(a, 2), ev(a, 5), ev(a, 2)], undefined, { sparse: true }), { written: 1, duplicates: 2 });
  assert.deepEqual(
    (await log.readOrigin(a, 0, 10)).map((e) => e.seq),
    [2, 5, 9],
  );
  assert.equal(await log.getCursor('c'), 1);
  assert.equal((await log.info()).origins[a], 9);
  // Our own origin is never written by ingest.
  assert.deepEqual(await log.ingest([ev(log.origin, 1)], undefined, { sparse: true }), { written: 0, duplicates: 1 });
  // Without the flag, gaps are still refused.
  await assert.rejects(log.ingest([ev('orgbbbbbbbb', 3)]));
});
