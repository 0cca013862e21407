import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient } from './wire-client.js';
import type { Relay } from '../../server/relay.js';
import { startSync } from '../../engine/replication/start-sync.js';
import { tempDir } from '../helpers/tmp.js';
import { openStore, waitFor } from '../replication/helpers.js';

const origin = () => 'org' + randomBytes(6).toString('hex');
let n = 0;
const user = () => `rv${process.pid}x${n++}`;

async function call(relay: Relay, token: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const res = await fetch(relay.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, any>;
}

/** Opens a socket with the token, says hello and subscribes to the personal space. */
async function open(relay: Relay, token: string): Promise<WireClient> {
  const c = await WireClient.connect(relay.url);
  const w = await c.hello(token, origin());
  c.send({ t: 'sub', space: w.spaces[0]!.id, after: 0 });
  await c.next('events');
  return c;
}

for (const make of await backends()) {
  // PostgreSQL: two relays (as two processes would: own pools, own LISTEN connection, own sockets) on one
  // database, the token revoked through the other one. PGlite is one process by nature: one relay.
  describe(`token revocation ends open sockets`, { concurrency: false }, () => {
    let b: Backend;
    let relays: Relay[];
    before(async () => {
      b = await make();
      relays = [await relayOn(b)];
      if (b.name === 'postgres') relays.push(await relayOn(b));
    });
    after(async () => {
      for (const r of relays ?? []) await r.close();
      await b?.drop();
    });

    test(`a revoked token's sockets close at once, on every relay (${make.name})`, async (t) => {
      const [ra, rb] = [relays[0]!, relays.at(-1)!];
      const u = user();
      const { token: keep } = await signup(ra, u);
      const doomed = await call(ra, keep, 'POST', '/v1/tokens', { name: 'laptop' });
      const onA = await open(ra, doomed.token);
      const onB = await open(rb, doomed.token);
      const other = await open(ra, keep);
      // A real client too: the daemon's sync loop stops for good (a revoked token is not retried).
      const dir = tempDir(t);
      const store = await openStore(dir);
      const sync = startSync(store, {
        credentials: { relay: ra.url, token: doomed.token, username: u, account_id: '' },
        pollMs: 10,
        backoff: { initialMs: 50, maxMs: 100 },
      });
      t.after(async () => {
        await sync.stop();
        await store.close();
      });
      await waitFor('client connected', async () => sync.status().state === 'connected');
      const t0 = Date.now();
      await call(rb, keep, 'DELETE', `/v1/tokens/${doomed.id}`);
      for (const c of [onA, onB]) {
        const err = await c.next('error', () => true, 3000);
        assert.deepEqual([err.code, err.message], ['AUTH', 'API token revoked']);
        assert.equal((await c.waitClosed(3000)).code, 4401);
      }
      await waitFor('client failed', async () => sync.status().state === 'failed', 5000);
      assert.match(sync.status().lastError ?? '', /revoked/);
      const ms = Date.now() - t0;
      assert.ok(ms < 2000, `revocation took ${ms} ms to close the sockets`);
      // The account's other token is untouched.
      assert.equal(other.closed, undefined);
      other.send({ t: 'sub', space: (await call(ra, keep, 'GET', '/v1/me')).spaces[0].id, after: 0 });
      await other.next('events');
      other.close();
      // And the revoked token cannot come back.
      const again = await WireClient.connect(ra.url);
      again.send({ t: 'hello', versions: [1], token: doomed.token, origin: origin() });
      assert.equal((await again.next('error')).code, 'AUTH');
    });

    test(
      `a revocation sent while a relay's LISTEN connection was down still closes its sockets (${make.name})`,
      { skip: make.name !== 'postgresBackend' && 'needs PostgreSQL: PGlite has no connection to lose' },
      async () => {
        const [ra, rb] = [relays[0]!, relays.at(-1)!];
        const u = user();
        const { token: keep } = await signup(ra, u);
        const doomed = await call(ra, keep, 'POST', '/v1/tokens', { name: 'laptop' });
        const onA = await open(ra, doomed.token);
        const admin = new pg.Client({ connectionString: b.options.databaseUrl });
        await admin.connect();
        try {
          // Cut every relay's LISTEN connection, then revoke before they have listened again (they retry after 500 ms).
          const cut = await admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()`,
          );
          assert.ok(cut.rowCount! >= 1);
          await call(rb, keep, 'DELETE', `/v1/tokens/${doomed.id}`);
        } finally {
          await admin.end();
        }
        const err = await onA.next('error', () => true, 5000);
        assert.equal(err.code, 'AUTH');
        assert.equal((await onA.waitClosed(3000)).code, 4401);
      },
    );
  });
}
