import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { newSfs, example } from '../helpers/cli.js';
import { pgliteBackend, relayOn, signup } from '../server/backends.js';
import { signIn } from '../replication/helpers.js';

/** Two stores signed in to one relay, each with its daemon: a session imported on A appears on B. */
test('the daemon syncs continuously once the store is signed in', { timeout: 120_000 }, async (t) => {
  const backend = await pgliteBackend();
  const relay = await relayOn(backend);
  t.after(async () => {
    await relay.close();
    await backend.drop();
  });
  const alice = await signup(relay, 'alice');
  const a = newSfs();
  const b = newSfs();
  // An empty home: the daemons watch no tool store, only sync runs.
  const home = join(a.dir, 'home');
  mkdirSync(home);
  const env = { HOME: home };
  signIn(a.home, relay.url, alice.token, 'alice');
  signIn(b.home, relay.url, alice.token, 'alice');
  for (const s of [a, b]) {
    await s.ok(['daemon', 'start'], { env });
    t.after(() => s.run(['daemon', 'stop'], { env }).then(() => undefined));
  }
  await a.ok(['import', example('minimal')]);
  const deadline = Date.now() + 30_000;
  let seen: Array<{ title: string }> = [];
  while (Date.now() < deadline) {
    seen = (await b.ok<{ sessions: Array<{ title: string }> }>(['list'])).sessions;
    if (seen.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(
    seen.map((s) => s.title),
    ['Hello world test'],
  );
  // The status file is rewritten every 2 s.
  const line = /sync: connected · http:\/\/127\.0\.0\.1:\d+ · pushed \d+ · pulled [1-9]\d*/;
  let out = '';
  for (let i = 0; i < 50 && !line.test(out); i++) {
    out = (await b.run(['daemon', 'status'], { env: { ...env, NO_COLOR: '1' } })).stdout;
    if (!line.test(out)) await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(out, line);
});
