import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalLog } from '../../../engine/log/local-log.js';
import { Store } from '../../../engine/store.js';
import { listSessions } from '../../../engine/queries/sessions.js';
import { pageMessages } from '../../../engine/queries/messages.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';

const worker = fileURLToPath(new URL('../../helpers/append-worker.js', import.meta.url));

function run(dir: string, name: string, count: number, delayMs = 0, barrier: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const p = spawn(process.execPath, [worker, dir, name, String(count), ...barrier], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code, out, err }));
    }, delayMs);
  });
}

test('several processes append and read at once: nothing lost, nothing doubled, seqs gap-free', async (t) => {
  const dir = tempDir(t);
  // Staggered starts and different lengths make owners exit while guests are mid-stream.
  const plan: Array<[string, number, number]> = [
    ['aaaa', 150, 0],
    ['bbbb', 60, 20],
    ['cccc', 200, 40],
    ['dddd', 30, 60],
    ['eeee', 120, 80],
  ];
  // All five hold the store at once before appending on (a barrier), then leave at different times.
  const barrier = path.join(dir, 'barrier');
  mkdirSync(barrier);
  const results = await Promise.all(plan.map(([n, c, d]) => run(dir, n, c, d, [barrier, String(plan.length)])));
  for (const r of results) assert.equal(r.code, 0, r.err);
  const atStart = results.map((r) => JSON.parse(r.out).roleAtStart as string).sort();
  assert.deepEqual(atStart, ['guest', 'guest', 'guest', 'guest', 'owner'], 'one owner and four guests while all were open');

  const log = await LocalLog.open(pathsIn(dir).dataDir + '/log');
  const events = await log.read(0, 100_000);
  await log.close();
  const expected = plan.reduce((n, [, c]) => n + c + 1, 0);
  assert.equal(events.length, expected);
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
    'one origin, seqs 1..n without gaps',
  );
  assert.deepEqual(
    events.map((e) => e.pos),
    events.map((_, i) => i + 1),
  );
  const ids = events.flatMap((e) => (e.type === 'messages.captured' ? e.body!.messages.map((m) => m.msg_id) : []));
  assert.equal(new Set(ids).size, ids.length, 'no message appended twice');

  const store = await Store.open(pathsIn(dir));
  t.after(() => store.close());
  const db = await store.view();
  const sessions = listSessions(db, {}).sessions;
  assert.equal(sessions.length, plan.length);
  for (const [n, c] of plan) {
    const page = pageMessages(db, `ses_${n}0000`, 0, 1000);
    assert.equal(page.total, c);
    assert.deepEqual(
      page.messages.map((m) => m.message.msg_id),
      Array.from({ length: c }, (_, i) => `${n}-${i}`),
    );
  }
});
