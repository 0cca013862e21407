import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSfs } from '../helpers/cli.js';
import { pgliteBackend, relayOn, signup } from '../server/backends.js';
import { discover, openStore, say, signIn } from '../replication/helpers.js';

test('sfs handoff and pull-handoff: list pending ones without an id, take once, extend, cancel, expiry flags', { timeout: 180_000 }, async (t) => {
  const backend = await pgliteBackend();
  const relay = await relayOn(backend);
  t.after(async () => {
    await relay.close();
    await backend.drop();
  });
  const alice = await signup(relay, 'alice');
  const bob = await signup(relay, 'bob');
  const a = newSfs();
  const b = newSfs();
  t.after(() => {
    a.dispose();
    b.dispose();
  });
  signIn(a.home, relay.url, alice.token, 'alice');
  signIn(b.home, relay.url, bob.token, 'bob');
  {
    const A = await openStore(a.home);
    await discover(A, 'ses_clihandoff01', 'first');
    await discover(A, 'ses_clihandoff02', 'second');
    await A.close();
  }
  // Nothing waiting yet: an empty list, not a usage error.
  assert.deepEqual((await b.ok(['pull-handoff'])).handoffs, []);
  assert.match(await b.out(['pull-handoff']), /no handoffs waiting for you/);
  const h1 = await a.ok(['handoff', 'ses_clihandoff01', '--to', 'bob', '--message', 'yours now', '--expires', '2d']);
  assert.equal(h1.extended, false);
  const h2 = await a.ok(['handoff', 'ses_clihandoff02', '--to', 'bob']);
  const pending = (await b.ok(['pull-handoff'])).handoffs;
  assert.deepEqual(pending.map((h: { id: string }) => h.id).sort(), [h1.id, h2.id].sort());
  const one = pending.find((h: { id: string }) => h.id === h1.id);
  assert.deepEqual([one.from, one.session, one.title, one.tool, one.message], ['alice', 'ses_clihandoff01', 'first', 'codex', 'yours now']);
  assert.equal(Date.parse(one.expires_at) - Date.parse(one.created_at), 2 * 86_400_000);
  const table = await b.out(['pull-handoff']);
  assert.match(table, /ID\s+FROM\s+SESSION\s+TITLE\s+MESSAGE\s+CREATED\s+EXPIRES/);
  assert.match(table, /alice\s+ses_clihandoff01\s+first\s+yours now\s/);
  assert.ok(table.includes(h1.id) && table.includes('yours now'));
  // Handing it off again extends the pending one to the session's current end.
  {
    const A = await openStore(a.home);
    await say(A, 'ses_clihandoff01', 'm1', 'added before the second handoff');
    await A.close();
  }
  assert.match(await a.out(['handoff', 'ses_clihandoff01', '--to', 'bob']), new RegExp(`updated handoff ${h1.id}`));
  // Taken once; again copies nothing and says so.
  const took = await b.ok(['pull-handoff', h1.id]);
  assert.deepEqual([took.session, took.copied, took.already_accepted], ['ses_clihandoff01', 2, false]);
  assert.match(await b.out(['pull-handoff', h1.id]), new RegExp(`handoff ${h1.id} was already taken .*nothing more was copied`));
  // The sender cancels the other; the recipient can no longer take it.
  assert.match(await a.out(['handoff', '--cancel', h2.id]), new RegExp(`cancelled handoff ${h2.id}`));
  assert.deepEqual((await b.ok(['pull-handoff'])).handoffs, []);
  const gone = await b.fails(['pull-handoff', h2.id], 'NOT_FOUND', 3);
  assert.equal(gone.details?.relay_code, 'HANDOFF_CANCELLED');
  assert.match(gone.message, /cancelled by its sender/);
  // Usage errors.
  await a.fails(['handoff', 'ses_clihandoff01'], 'USAGE', 2);
  await a.fails(['handoff', 'ses_clihandoff01', '--to', 'bob', '--expires', 'soon'], 'USAGE', 2);
  await a.fails(['relay', 'start', '--port', '0', '--handoff-ttl', '0d'], 'USAGE', 2);
});
