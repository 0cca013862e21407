import { sql } from 'kysely';
import { startRelay } from '../../server/relay.js';

/**
 * One relay process of the multi-process views test (views-processes.test.ts): it folds the
 * spaces' views like any relay, and records each batch it folds — in the same transaction —
 * so the test can check every event was folded exactly once. Before committing it says so on
 * stdout and waits a little, so that the test can kill it with a transaction open.
 */
const [url, pauseMs] = [process.argv[2]!, Number(process.argv[3] ?? 20)];
const relay = await startRelay({
  databaseUrl: url,
  signupsPerHour: 10_000,
  views: {
    batch: 7,
    beforeCommit: async (tx, space, after, cursor) => {
      await sql`insert into test_applied (space_id, after, cursor, pid) values (${space}, ${after}, ${cursor}, ${process.pid})`.execute(tx);
      process.stdout.write(`folding ${space} ${after} ${cursor}\n`);
      await new Promise((r) => setTimeout(r, Math.random() * pauseMs));
    },
  },
});
process.stdout.write(`ready ${relay.url}\n`);
process.on('SIGTERM', () => {
  relay.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
