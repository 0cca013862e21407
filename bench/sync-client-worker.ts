import { join } from 'node:path';
import { Store } from '../engine/store.js';
import { startSync } from '../engine/replication/start-sync.js';

/**
 * The receiving store of the sync benchmark in its own process (a second machine shares no
 * CPU with the first): `node sync-client-worker.js <dir>` with credentials already written.
 * Prints `ready` once connected, then `done <epoch ms>` when its log holds <n> events
 * (n read from stdin), and exits.
 */
const dir = process.argv[2]!;
// The benchmark ends this process with SIGTERM: exit normally so a --cpu-prof profile is written.
process.on('SIGTERM', () => process.exit(0));
const store = await Store.open({ dataDir: join(dir, 'data'), configDir: dir, stateDir: join(dir, 'state') });
const sync = startSync(store);
while (sync.status().state !== 'connected') await new Promise((r) => setTimeout(r, 5));
process.stdout.write('ready\n');
const n = await new Promise<number>((resolve) => process.stdin.once('data', (d) => resolve(Number(d.toString().trim()))));
while ((await store.log.head()) < n) await new Promise((r) => setTimeout(r, 2));
process.stdout.write(`done ${performance.timeOrigin + performance.now()}\n`);
await sync.stop();
await store.close();
