import { startRelay } from '../server/relay.js';

/**
 * A relay in its own process for the sync benchmarks, so its CPU and memory are its own:
 * `node relay-worker.js <database-url>` prints `{"url": …}` once listening and closes
 * gracefully on SIGTERM (so `--cpu-prof` writes its profile).
 */
const url = process.argv[2];
if (!url) throw new Error('usage: relay-worker <database-url>');
// The benchmark drives far more frames per token than a person would; limits are not what it measures.
const relay = await startRelay({ databaseUrl: url, rateLimit: { rate: 1e9, burst: 1e9 }, signupsPerHour: 1e9 });
process.stdout.write(JSON.stringify({ url: relay.url, pid: process.pid }) + '\n');
process.on('SIGTERM', () => {
  relay.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
