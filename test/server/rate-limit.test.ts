import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient } from './wire-client.js';
import type { Relay } from '../../server/relay.js';
import { RateLimiter } from '../../server/rate-limit.js';

const origin = () => 'org' + randomBytes(6).toString('hex');
let n = 0;
const user = () => `rl${process.pid}x${n++}`;

/** Budgets are per fixed window aligned on the epoch: start a check early in a window so it cannot turn mid-test. */
async function freshWindow(windowMs: number, need: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < need) await new Promise((r) => setTimeout(r, left + 50));
}

/** Sends `count` sub frames and returns how many were answered before a RATE_LIMIT error (or all of them). */
async function subsUntilLimited(c: WireClient, space: string, count: number): Promise<{ answered: number; limited: boolean }> {
  for (let i = 0; i < count; i++) c.send({ t: 'sub', space, after: 0 });
  // Every sub is answered with a batch (possibly empty) until the budget is spent; then an error closes the socket.
  const deadline = Date.now() + 5000;
  for (;;) {
    const answered = c.frames.filter((f) => f.t === 'events').length;
    const err = c.frames.find((f) => f.t === 'error');
    if (err) return { answered, limited: err.t === 'error' && err.code === 'RATE_LIMIT' };
    if (answered >= count || c.closed || Date.now() > deadline) return { answered, limited: false };
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const make of await backends()) {
  describe('rate limits hold across relay processes', { concurrency: false }, () => {
    let b: Backend;
    let relays: Relay[];
    // 1 frame/s with bursts of 30: a 30 s window of 30 frames per token; HTTP 60 requests per minute.
    const limits = { rate: 1, burst: 30 };
    before(async () => {
      b = await make();
      relays = [await relayOn(b, { rateLimit: limits })];
      // Two relays (own pools, own memory) on one PostgreSQL; PGlite is one process: one relay.
      if (b.name === 'postgres') relays.push(await relayOn(b, { rateLimit: limits }));
    });
    after(async () => {
      for (const r of relays ?? []) await r.close();
      await b?.drop();
    });

    test(`frames of one token are counted together on every relay (${make.name})`, async () => {
      const [ra, rb] = [relays[0]!, relays.at(-1)!];
      const { token } = await signup(ra, user());
      await freshWindow(30_000, 8000);
      const a = await WireClient.connect(ra.url);
      const space = (await a.hello(token, origin())).spaces[0]!.id; // 1 frame
      assert.deepEqual(await subsUntilLimited(a, space, 20), { answered: 20, limited: false }); // 21
      a.close();
      const c = await WireClient.connect(rb.url);
      await c.hello(token, origin()); // 22
      const onB = await subsUntilLimited(c, space, 20);
      assert.ok(onB.limited, 'the second relay refused once the shared budget was spent: ' + JSON.stringify(onB) + JSON.stringify(c.frames.slice(0, 3)));
      assert.ok(onB.answered <= 8, `${onB.answered} frames went through on the second relay; at most 8 were left`);
      // Another token has its own budget.
      const { token: other } = await signup(rb, user());
      const d = await WireClient.connect(rb.url);
      const ds = (await d.hello(other, origin())).spaces[0]!.id;
      assert.deepEqual(await subsUntilLimited(d, ds, 10), { answered: 10, limited: false });
      d.close();
    });

    test(`HTTP requests of one token are counted together on every relay (${make.name})`, async () => {
      const [ra, rb] = [relays[0]!, relays.at(-1)!];
      const { token } = await signup(ra, user());
      await freshWindow(60_000, 8000);
      const me = (r: Relay) => fetch(r.url + '/v1/me', { headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await me(ra)).status);
      assert.ok(statuses.every((s) => s === 200));
      let ok = 0;
      let limited: Response | undefined;
      for (let i = 0; i < 40 && !limited; i++) {
        const res = await me(rb);
        if (res.status === 200) ok++;
        else limited = res;
      }
      assert.equal(limited?.status, 429);
      assert.equal(((await limited!.json()) as { error: { code: string } }).error.code, 'RATE_LIMIT');
      assert.ok(limited!.headers.get('retry-after'));
      assert.ok(ok <= 20, `${ok} requests went through on the second relay; at most 20 were left`);
    });

    test(`many processes taking at once never hand out more than the limit (${make.name})`, async () => {
      // Eight limiters (as eight processes would have) on the relays' databases race for one key's budget.
      const limiters = Array.from({ length: 8 }, (_, i) => new RateLimiter(relays[i % relays.length]!.rdb.db, 10, 100));
      try {
        await freshWindow(limiters[0]!.windowMs, 5000);
        const key = 'test:' + randomBytes(4).toString('hex');
        const costs = limiters.flatMap((l) => Array.from({ length: 40 }, () => [l, Math.random() < 0.3 ? 5 : 1] as const));
        const results = await Promise.all(costs.map(([l, cost]) => l.take(key, cost)));
        const granted = costs.reduce((sum, [, cost], i) => sum + (results[i] ? cost : 0), 0);
        assert.ok(granted > 0 && results.some((r) => !r));
        assert.ok(granted <= 100, `${granted} units granted of 100`);
        const used = await relays[0]!.rdb.db.selectFrom('rate_windows').select('used').where('key', '=', key).executeTakeFirstOrThrow();
        assert.ok(Number(used.used) <= 100, `${used.used} units handed out of 100`);
        // Limits far beyond 32 bits (the benchmark runs the relay with practically none) work too.
        const huge = new RateLimiter(relays[0]!.rdb.db, 1e9, 6e10);
        limiters.push(huge);
        assert.equal(await huge.take('test:huge', 1e6), true);
      } finally {
        limiters.forEach((l) => l.close());
      }
    });
  });
}
