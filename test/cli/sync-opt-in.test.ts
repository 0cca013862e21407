import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { example, newSfs } from '../helpers/cli.js';
import { backends, relayOn, signup } from '../server/backends.js';
import { signIn, waitFor } from '../replication/helpers.js';

const make = (await backends()).at(-1)!;

/**
 * Sync is opt-in: signing in while the daemon runs sends nothing; `sfs sync auto --mode all`
 * turns it on. A store that chose a mode keeps it when it signs in again; one signed in before
 * sync became opt-in (credentials, no sync.json) keeps syncing everything.
 */
test('signing in leaves autosync off until sfs sync auto turns it on', { timeout: 180_000 }, async (t) => {
  const backend = await make();
  const relay = await relayOn(backend);
  const a = newSfs();
  t.after(async () => {
    await a.run(['daemon', 'stop'], { env });
    a.dispose();
    await relay.close();
    await backend.drop();
  });
  await signup(relay, 'optin');
  // An empty home: the daemon watches no tool store, only sync would run.
  const home = join(a.dir, 'home');
  mkdirSync(home);
  const env = { HOME: home, SFS_PASSWORD: 'correct horse 1' };
  await a.ok(['import', example('minimal')]);
  await a.ok(['daemon', 'start'], { env });
  const relayEvents = async () =>
    Number(
      (
        await relay.rdb.db
          .selectFrom('events')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  const login = await a.ok(['auth', 'login', '--relay', relay.url, '--username', 'optin'], { env });
  assert.equal(login.autosync, 'off');
  // The daemon has read the sign-in and decided: signed in, autosync off, no sync running.
  const status = async () => (await a.ok(['daemon', 'status'], { env })).status;
  await waitFor('the daemon to see the sign-in', async () => (await status())?.autosync?.signed_in === true, 30_000);
  const st = await status();
  assert.deepEqual(st.autosync, { signed_in: true, mode: 'off' });
  assert.equal(st.sync, null);
  assert.equal(await relayEvents(), 0, 'nothing pushed after signing in');
  assert.match(await a.out(['daemon', 'status'], { env }), /^sync: off · autosync off \(sfs sync auto --mode all turns it on\)$/m);
  assert.equal((await a.ok(['sync', 'status'])).mode, 'off');

  assert.match(await a.out(['sync', 'auto', '--mode', 'all']), /^autosync: all$/m);
  await waitFor('the daemon to push', async () => (await relayEvents()) > 0, 30_000);
  // The daemon writes its status file on its own rhythm: the push can reach the relay first.
  await waitFor('the daemon to report the connection', async () => (await status())?.sync?.state === 'connected', 30_000);

  // Signing in again keeps the chosen mode.
  assert.equal((await a.ok(['auth', 'login', '--relay', relay.url, '--username', 'optin'], { env })).autosync, 'all');

  // Signed in before sync became opt-in (no sync.json): it keeps syncing everything.
  const legacy = newSfs();
  t.after(() => legacy.dispose());
  signIn(legacy.home, relay.url, 'token', 'optin');
  assert.equal((await legacy.ok(['sync', 'auto'])).mode, 'all');
});

test('sfs sync now pushes on demand while autosync is off', { timeout: 120_000 }, async (t) => {
  const backend = await make();
  const relay = await relayOn(backend);
  const a = newSfs();
  t.after(async () => {
    a.dispose();
    await relay.close();
    await backend.drop();
  });
  const env = { SFS_PASSWORD: 'correct horse 1' };
  await a.ok(['auth', 'signup', '--relay', relay.url, '--username', 'ondemand2'], { env });
  assert.equal((await a.ok(['sync', 'auto'])).mode, 'off');
  await a.ok(['import', example('minimal')]);
  const r = await a.ok(['sync', 'now']);
  assert.ok(r.pushed > 0, `pushed ${r.pushed}`);
});
