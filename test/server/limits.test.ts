import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp } from './wire-client.js';
import { startRelay, type Relay } from '../../server/relay.js';
import { packBody, type WireEvent } from '../../engine/replication/protocol.js';

const make = (await backends()).at(-1)!;
const post = (relay: Relay, path: string, body: unknown) =>
  fetch(relay.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const code = async (res: Response) => ((await res.json()) as { error?: { code: string } }).error?.code ?? 'OK';

/** A messages.captured event whose body holds about `bytes` bytes of text. */
function big(origin: string, seq: number, bytes: number): WireEvent {
  const message = {
    msg_id: `m${seq}`,
    parent_msg_id: null,
    role: 'user',
    content: [{ type: 'text', text: 'x'.repeat(bytes) }],
    timestamp: '2026-01-01T00:00:00.000Z',
  };
  return [origin, seq, 'messages.captured', 1, 1_700_000_000_000 + seq, 'ses_quota00001', packBody({ messages: [message] })];
}

/** Abuse limits: requests by verified account (else by address), signups and failed logins per address, lockout, sockets per token, stored bytes per account. */
describe('abuse limits', { concurrency: false }, () => {
  let b: Backend;
  before(async () => {
    b = await make();
  });
  // Each test counts from zero: budgets live in the database, which the tests share.
  beforeEach(async () => {
    const relay = await relayOn(b);
    await relay.rdb.db.deleteFrom('rate_windows').execute();
    await relay.close();
  });
  after(async () => {
    await b?.drop();
  });

  test('a random bearer per request is limited by address and adds no row per token', async () => {
    // HTTP: 60 requests a minute per account or address.
    const relay = await relayOn(b, { rateLimit: { rate: 1, burst: 30 } });
    try {
      const { token } = await signup(relay, 'limitsok');
      // Far from the window's end, so the count cannot start over mid-test.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) {
        const res = await fetch(relay.url + '/v1/me', { headers: { authorization: `Bearer sfs_${randomBytes(16).toString('hex')}` } });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      assert.ok(statuses.includes(429), 'random tokens met the address limit');
      assert.ok(statuses.filter((s) => s === 401).length <= 60, `${statuses.filter((s) => s === 401).length} failed authentications went through`);
      const keys = (await relay.rdb.db.selectFrom('rate_windows').select('key').execute()).map((r) => r.key);
      assert.ok(keys.length <= 3, `one row per key, not per token: ${keys.join(', ')}`);
      assert.ok(!keys.some((k) => k.includes('tok')));
      // A verified account has its own budget, however busy its address.
      assert.equal((await fetch(relay.url + '/v1/me', { headers: { authorization: `Bearer ${token}` } })).status, 200);
    } finally {
      await relay.close();
    }
  });

  test('200 signups from one address meet the limit (default 10 an hour)', async () => {
    const relay = await startRelay({ ...b.options });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 200; i++) codes.push(await code(await post(relay, '/v1/signup', { username: `mass${i}`, password: 'correct horse 1' })));
      assert.equal(codes.filter((c) => c === 'OK').length, 10);
      assert.equal(codes.filter((c) => c === 'RATE_LIMIT').length, 190);
    } finally {
      await relay.close();
    }
  });

  test('200 wrong passwords lock the account (the right one is refused alike meanwhile) and the address', async () => {
    const relay = await relayOn(b, { loginLockout: { failures: 10, lockMs: 15 * 60_000 }, failedLoginsPerHour: 50 });
    try {
      await signup(relay, 'victim');
      await signup(relay, 'bystander');
      const codes: string[] = [];
      for (let i = 0; i < 200; i++) codes.push(await code(await post(relay, '/v1/login', { username: 'victim', password: `wrong guess ${i}` })));
      assert.deepEqual(codes.slice(0, 10), Array(10).fill('AUTH'));
      assert.equal(codes[10], 'LOCKED');
      assert.ok(codes.slice(10).every((c) => c === 'LOCKED' || c === 'RATE_LIMIT'));
      assert.ok(codes.includes('RATE_LIMIT'), 'failed logins also count per address');
      const row = await relay.rdb.db.selectFrom('accounts').select('locked_until').where('username', '=', 'victim').executeTakeFirstOrThrow();
      assert.ok(row.locked_until && row.locked_until.getTime() > Date.now() + 10 * 60_000);
      // From another address (this relay sees only 127.0.0.1, so: after the address window) the right password is refused while locked, with the same answer.
      await relay.rdb.db.deleteFrom('rate_windows').execute();
      const relay2 = await relayOn(b, { loginLockout: { failures: 10, lockMs: 15 * 60_000 } });
      try {
        const right = await post(relay2, '/v1/login', { username: 'victim', password: 'correct horse 1' });
        assert.equal(right.status, 429);
        const body = (await right.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'LOCKED');
        assert.ok(right.headers.get('retry-after'));
        const wrong = (await (await post(relay2, '/v1/login', { username: 'victim', password: 'nope nope' })).json()) as {
          error: { code: string; message: string };
        };
        assert.equal(wrong.error.message, body.error.message, 'a locked account answers the same whatever the password');
        // Another account is not locked; once the lock has passed the right password works again.
        assert.equal((await post(relay2, '/v1/login', { username: 'bystander', password: 'correct horse 1' })).status, 200);
        await relay2.rdb.db
          .updateTable('accounts')
          .set({ locked_until: new Date(Date.now() - 1000) })
          .where('username', '=', 'victim')
          .execute();
        assert.equal((await post(relay2, '/v1/login', { username: 'victim', password: 'correct horse 1' })).status, 200);
      } finally {
        await relay2.close();
      }
    } finally {
      await relay.close();
    }
  });

  test('a token holds at most 16 sync sockets at once; the next is refused with a code', async () => {
    const relay = await relayOn(b);
    const open: WireClient[] = [];
    try {
      const { token } = await signup(relay, 'sockets');
      for (let i = 0; i < 16; i++) {
        const c = await WireClient.connect(relay.url);
        await c.hello(token, 'orgsockets01');
        open.push(c);
      }
      const extra = await WireClient.connect(relay.url);
      extra.send({ t: 'hello', versions: [1], token, origin: 'orgsockets01' });
      const err = await extra.next('error');
      assert.equal(err.code, 'RATE_LIMIT');
      assert.match(err.message, /sockets/);
      assert.equal((await extra.waitClosed()).code, 4400);
      // Closing one makes room.
      open.shift()!.close();
      await new Promise((r) => setTimeout(r, 200));
      const again = await WireClient.connect(relay.url);
      await again.hello(token, 'orgsockets01');
      open.push(again);
    } finally {
      open.forEach((c) => c.close());
      await relay.close();
    }
  });

  test('stored bytes per account: a push past the quota is refused with QUOTA, usage and limit, and stores nothing', async () => {
    const relay = await relayOn(b, { quotaBytes: 50_000 });
    try {
      const { token } = await signup(relay, 'quota');
      const c = await WireClient.connect(relay.url);
      const space = (await c.hello(token, 'orgquota0001')).spaces[0]!.id;
      c.send({ t: 'push', id: 1, space, from: 0, upTo: 2, ...dlp(space), events: [big('orgquota0001', 1, 20_000), big('orgquota0001', 2, 20_000)] });
      await c.next('pushed');
      const used = await relay.rdb.db.selectFrom('accounts').select('stored_bytes').where('username', '=', 'quota').executeTakeFirstOrThrow();
      const stored = await relay.rdb.db.selectFrom('events').select('body').where('origin', '=', 'orgquota0001').execute();
      assert.equal(
        Number(used.stored_bytes),
        stored.reduce((n, r) => n + r.body!.byteLength, 0),
        'the counter is the stored body bytes',
      );
      // A retry of what is stored adds nothing.
      c.send({ t: 'push', id: 2, space, from: 0, upTo: 2, ...dlp(space), events: [big('orgquota0001', 1, 20_000), big('orgquota0001', 2, 20_000)] });
      await c.next('pushed');
      c.send({ t: 'push', id: 3, space, from: 2, upTo: 3, ...dlp(space), events: [big('orgquota0001', 3, 20_000)] });
      const err = await c.next('error');
      assert.equal(err.code, 'QUOTA');
      assert.match(err.message, /stores 39 KiB of its 49 KiB on the relay, and this push needs 20 KiB more/);
      assert.equal((await relay.rdb.db.selectFrom('events').select('seq').where('origin', '=', 'orgquota0001').execute()).length, 2);
      assert.equal(
        Number((await relay.rdb.db.selectFrom('accounts').select('stored_bytes').where('username', '=', 'quota').executeTakeFirstOrThrow()).stored_bytes),
        Number(used.stored_bytes),
      );
      // Small events still fit.
      const d = await WireClient.connect(relay.url);
      await d.hello(token, 'orgquota0001');
      d.send({ t: 'push', id: 1, space, from: 2, upTo: 3, ...dlp(space), events: [big('orgquota0001', 3, 100)] });
      await d.next('pushed');
      d.close();
    } finally {
      await relay.close();
    }
  });
});
