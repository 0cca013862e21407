import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Kysely } from 'kysely';
import { migrate, openDatabase } from '../../server/db/open.js';
import { migrationProvider } from '../../server/db/migrations.js';

/**
 * migrate() skips the Migrator when the database already has exactly the known migrations (a
 * cheap read that saves the embedded relay ~1.5 s a start); anything else still goes through it.
 */
test('migrate applies what is missing, skips an up-to-date database, and still refuses one migrated by a newer relay', async (t) => {
  const rdb = await openDatabase({}); // an in-memory PGlite, migrated to the latest
  t.after(() => rdb.close());
  const db = rdb.db as unknown as Kysely<any>;
  const names = async () => (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  assert.deepEqual(await names(), known);

  // Up to date: nothing to do, nothing changes.
  await migrate(rdb.db);
  assert.deepEqual(await names(), known);

  // One migration undone: migrate applies it again.
  const last = known.at(-1)!;
  assert.equal((await new Migrator({ db, provider: migrationProvider }).migrateDown()).error, undefined);
  assert.deepEqual(await names(), known.slice(0, -1));
  await migrate(rdb.db);
  assert.deepEqual(await names(), known);
  assert.ok(last);

  // A migration this relay does not know (a newer relay ran here): not skipped, the Migrator reports it.
  await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(db);
  await assert.rejects(migrate(rdb.db), /relay database migration .*failed|9999_from_the_future/);
});
