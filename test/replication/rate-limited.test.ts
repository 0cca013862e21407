import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup } from '../server/backends.js';
import { tempDir } from '../helpers/tmp.js';
import { syncOnce } from '../../engine/replication/start-sync.js';
import { discover, identities, openStore, say } from './helpers.js';

const make = (await backends()).at(-1)!;

test('a one-shot sync that hits the relay rate limit waits and finishes instead of failing', { timeout: 60_000 }, async (t) => {
  const b = await make();
  // A budget the sync below needs several windows for: hello and every push and ack cost units.
  const relay = await relayOn(b, { rateLimit: { rate: 4, burst: 4 } });
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  const alice = await signup(relay, 'alice');
  const a = await openStore(tempDir(t));
  const other = await openStore(tempDir(t));
  t.after(() => Promise.all([a.close(), other.close()]));
  const logs: string[] = [];
  for (let i = 0; i < 12; i++) {
    await discover(a, `ses_ratelimit${String(i).padStart(4, '0')}`);
    await say(a, `ses_ratelimit${String(i).padStart(4, '0')}`, `m${i}`, `hello ${i}`);
  }
  const creds = { relay: relay.url, token: alice.token, username: 'alice', account_id: '' };
  // Several short syncs in a row exhaust the budget; each must still complete.
  for (let round = 0; round < 3; round++) {
    await syncOnce(a, { credentials: creds, log: (line) => logs.push(line) });
    await syncOnce(other, { credentials: creds, log: (line) => logs.push(line) });
  }
  assert.ok(
    logs.some((l) => /rate limit reached; retrying/.test(l)),
    'the limit was actually hit',
  );
  assert.deepEqual(await identities(other), await identities(a));
});
