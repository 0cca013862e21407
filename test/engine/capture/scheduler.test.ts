import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureScheduler, type CaptureJob } from '../../../engine/capture/scheduler.js';

const job = (path: string, tool = 'codex'): CaptureJob => ({ tool, source: { path, style: 'append' } });

test('a burst of changes to one source becomes one capture; sources are queued, not events', async () => {
  const runs: string[] = [];
  const s = new CaptureScheduler({ debounceMs: 500, run: async (j) => (runs.push(j.source.path), { failed: false }) });
  for (let i = 0; i < 1000; i++) s.mark(job('/a'));
  s.mark(job('/b'));
  assert.deepEqual(s.depth(), { codex: 2 });
  await s.idle();
  assert.deepEqual(runs.sort(), ['/a', '/b']);
  assert.deepEqual(s.seen(), { codex: 2 });
  await s.stop();
});

test('a source written non-stop is still captured within maxWait', async () => {
  let runs = 0;
  const s = new CaptureScheduler({ debounceMs: 50, maxWaitMs: 120, run: async () => (runs++, { failed: false }) });
  const until = Date.now() + 400;
  while (Date.now() < until) {
    s.mark(job('/busy'));
    await sleep(10);
  }
  assert.ok(runs >= 2, `runs while being written: ${runs}`);
  await s.stop();
});

test('a change during a capture runs it again afterwards', async () => {
  let runs = 0;
  let release!: () => void;
  const s = new CaptureScheduler({
    debounceMs: 1,
    run: async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
      return { failed: false };
    },
  });
  s.mark(job('/a'), 0);
  await sleep(20);
  s.mark(job('/a'));
  release();
  await sleep(50);
  await s.idle();
  assert.equal(runs, 2);
  await s.stop();
});

test('a failing source backs off exponentially, is quarantined after N failures, and retries no more', async () => {
  const at: number[] = [];
  const events: string[] = [];
  const s = new CaptureScheduler({
    debounceMs: 1,
    retryBaseMs: 20,
    quarantineAfter: 4,
    quarantineRetryMs: 60_000,
    run: async () => (at.push(Date.now()), { failed: true, error: 'disk on fire' }),
    onChange: (e) => events.push(e.type),
  });
  s.mark(job('/bad'), 0);
  await sleep(400);
  assert.equal(at.length, 4, 'tried exactly quarantineAfter times');
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  assert.ok(gaps[0]! >= 18 && gaps[1]! >= 38 && gaps[2]! >= 78, `gaps ${gaps}`);
  assert.deepEqual(events, ['failed', 'failed', 'failed', 'quarantined']);
  const q = s.quarantined();
  assert.equal(q.length, 1);
  assert.equal(q[0]!.path, '/bad');
  assert.equal(q[0]!.error, 'disk on fire');
  for (let i = 0; i < 50; i++) s.mark(job('/bad'), 0);
  await sleep(50);
  assert.equal(at.length, 4, 'changes to a quarantined source do not cause a retry storm');
  assert.deepEqual(s.depth(), {});
  await s.stop();
});

test('changes never speed up a back-off; a source that recovers leaves quarantine', async () => {
  let calls = 0;
  const events: string[] = [];
  const s = new CaptureScheduler({
    debounceMs: 1,
    retryBaseMs: 100,
    quarantineAfter: 2,
    quarantineRetryMs: 0,
    run: async () => (++calls <= 2 ? { failed: true, error: 'x' } : { failed: false }),
    onChange: (e) => events.push(e.type),
  });
  s.mark(job('/x'), 0);
  await sleep(20);
  for (let i = 0; i < 20; i++) s.mark(job('/x'), 0);
  await sleep(20);
  assert.equal(calls, 1, 'still waiting out the back-off');
  await sleep(150);
  assert.equal(calls, 2);
  assert.equal(s.quarantined().length, 1);
  s.mark(job('/x'), 0);
  await s.idle();
  assert.equal(calls, 3);
  assert.equal(s.quarantined().length, 0);
  assert.deepEqual(events, ['failed', 'quarantined', 'recovered']);
  await s.stop();
});

test('a thrown error counts as a failure; stop waits for the capture under way', async () => {
  let finished = false;
  const s = new CaptureScheduler({
    debounceMs: 1,
    run: async (j) => {
      if (j.source.path === '/throw') throw new Error('boom');
      await sleep(80);
      finished = true;
      return { failed: false };
    },
    retryBaseMs: 10_000,
  });
  s.mark(job('/throw'), 0);
  await sleep(20);
  s.mark(job('/slow'), 0);
  await sleep(20);
  await s.stop();
  assert.equal(finished, true);
  s.mark(job('/after-stop'), 0);
  assert.deepEqual(s.depth(), { codex: 1 }, 'only /throw waits (its back-off); nothing is taken after stop');
});
