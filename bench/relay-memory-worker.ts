import { startRelay } from '../server/relay.js';

/** A relay in its own process for bench/relay-memory.ts: `node relay-memory-worker.js <postgres-url | PGlite dir>`. */
const target = process.argv[2]!;
const relay = await startRelay(target.startsWith('postgres') ? { databaseUrl: target } : { dataDir: target });
process.stdout.write(JSON.stringify({ url: relay.url }) + '\n');
process.on('SIGTERM', () => void relay.close().then(() => process.exit(0)));
