/**
 * A client process for the convergence test: opens a store, syncs continuously, and
 * appends messages to its own session and to shared ones until `stop` appears in its
 * home. Killed with SIGKILL at random by the test; restarted on the same home.
 * argv: home, relay url, token, seed label, shared sessions (comma-separated).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../engine/store.js';
import { startSync } from '../../engine/replication/start-sync.js';
import { pathsIn } from '../helpers/tmp.js';
import { msg } from './helpers.js';

const [home, relay, token, label, sharedCsv] = process.argv.slice(2) as [string, string, string, string, string];
const shared = sharedCsv.split(',');
const store = await Store.open(pathsIn(home));
const own = `ses_own${label}000000`;
const sync = startSync(store, { credentials: { relay, token, username: label, account_id: '' }, pollMs: 10, backoff: { initialMs: 30, maxMs: 400 } });
if (!(await store.log.hasSession(own))) {
  await store.log.append({
    events: [{ type: 'session.discovered', session: own, body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture', title: label } }],
  });
}
const { origin } = await store.log.info();
let i = (await store.log.info()).origins[origin] ?? 0;
process.stdout.write('ready\n');
while (!existsSync(join(home, 'stop'))) {
  i++;
  const session = Math.random() < 0.5 ? own : shared[i % shared.length]!;
  await store.log.append({ events: [{ type: 'messages.captured', session, body: { messages: [msg(`${label}-${origin}-${i}`, `${label} says ${i}`)] } }] });
  await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
}
process.stdout.write('stopped\n');
await sync.stop();
await store.close();
