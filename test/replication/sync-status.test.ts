import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup } from '../server/backends.js';
import { tempDir } from '../helpers/tmp.js';
import { startSync } from '../../engine/replication/start-sync.js';
import type { Relay } from '../../server/relay.js';
import { openStore, waitFor } from './helpers.js';

const make = (await backends()).at(-1)!;

test('a reconnection clears the error of the failed attempts: the status never says "connected" beside it', async (t) => {
  const b = await make();
  let relay: Relay = await relayOn(b);
  t.after(async () => {
    await relay.close().catch(() => undefined);
    await b.drop();
  });
  const alice = await signup(relay, 'status1');
  const port = relay.port;
  await relay.close(); // the relay is down when sync starts
  const store = await openStore(tempDir(t));
  const sync = startSync(store, {
    credentials: { relay: relay.url, token: alice.token, username: 'status1', account_id: '' },
    pollMs: 10,
    backoff: { initialMs: 20, maxMs: 100 },
  });
  t.after(async () => {
    await sync.stop();
    await store.close();
  });
  await waitFor('a failed attempt', async () => sync.status().lastError !== undefined);
  assert.match(sync.status().lastError!, /cannot reach the relay/);
  assert.notEqual(sync.status().state, 'connected');

  relay = await relayOn(b, { port });
  await waitFor('the reconnection', async () => sync.status().state === 'connected');
  const st = sync.status();
  assert.equal(st.lastError, undefined, `connected, yet still reporting: ${st.lastError}`);
  assert.ok(st.reconnects >= 1);
});
