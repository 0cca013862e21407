import { Store } from '../engine/store.js';
import { benchPaths } from './fill.js';

/**
 * Holds a store open, as the daemon does, for bench/cold-start.ts: `node store-owner-worker.js <SFS_HOME>`.
 * Prints its role once it serves the log on its socket; closes (handing the store over) on SIGTERM.
 */
const store = await Store.open(benchPaths(process.argv[2]!));
await store.view();
process.stdout.write(JSON.stringify({ role: store.log.role }) + '\n');
const keepAlive = setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  void store.close().then(() => process.exit(0));
});
