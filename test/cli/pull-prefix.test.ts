import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSfs } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { pgliteBackend, relayOn, signup } from '../server/backends.js';
import { discover, openStore, signIn } from '../replication/helpers.js';
import { syncOnce } from '../../engine/replication/start-sync.js';

test('sfs pull takes an id prefix resolved against the relay listing; an ambiguous one lists the candidates', { timeout: 120_000 }, async (t) => {
  const backend = await pgliteBackend();
  const relay = await relayOn(backend);
  t.after(async () => {
    await relay.close();
    await backend.drop();
  });
  const alice = await signup(relay, 'alice');
  const src = tempDir(t);
  signIn(src, relay.url, alice.token, 'alice');
  const A = await openStore(src);
  for (const id of ['ses_pullaaaa01', 'ses_pullaaaa02', 'ses_pullbbbb01']) await discover(A, id, id);
  await syncOnce(A);
  await A.close();

  const b = newSfs();
  signIn(b.home, relay.url, alice.token, 'alice');
  const got = await b.ok<{ session: string; written: number }>(['pull', 'pullb']);
  assert.equal(got.session, 'ses_pullbbbb01');
  assert.equal(got.written, 1);
  assert.equal((await b.ok<{ session: string }>(['pull', 'ses_pullaaaa02'])).session, 'ses_pullaaaa02');
  const amb = await b.fails(['pull', 'ses_pulla'], 'AMBIGUOUS', 4);
  assert.equal(amb.message, '"ses_pulla" matches 2 sessions: ses_pullaaaa01, ses_pullaaaa02');
  await b.fails(['pull', 'pul'], 'NOT_FOUND', 3);
  const titles = (await b.ok<{ sessions: Array<{ id: string }> }>(['list'])).sessions.map((s) => s.id).sort();
  assert.deepEqual(titles, ['ses_pullaaaa02', 'ses_pullbbbb01']);
});
