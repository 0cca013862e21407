import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { migrationProvider } from '../../server/db/migrations.js';
import { postgresBackend, postgresReachable } from './backends.js';

// Migration 0006 on a relay database that already holds shares and handoffs.
test(
  'migration 0006 keeps shares (now keyed by their sharer) and gives old handoffs a snapshot and an expiry',
  { skip: !(await postgresReachable()) && !process.env.SFS_REQUIRE_PG },
  async (t) => {
    const b = await postgresBackend();
    const pool = new pg.Pool({ connectionString: b.options.databaseUrl });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    t.after(async () => {
      await db.destroy();
      await b.drop();
    });
    const migrator = new Migrator({ db, provider: migrationProvider });
    assert.equal((await migrator.migrateTo('0004_rate_windows')).error, undefined);
    await sql`insert into accounts (id, username, password_hash) values ('acc_a', 'a', 'x'), ('acc_b', 'b', 'x')`.execute(db);
    await sql`insert into spaces (id, name, kind) values ('spc_a', '~a', 'personal'), ('spc_t', 't', 'team')`.execute(db);
    await sql`insert into events (space_id, rseq, origin, seq, type, v, ts, session, body) values ('spc_a', 7, 'orga', 1, 'session.meta', 1, 1, 'ses_migrated01', null), ('spc_a', 9, 'orga', 2, 'session.meta', 1, 2, 'ses_migrated01', null)`.execute(
      db,
    );
    await sql`insert into shares (space_id, session, shared_by) values ('spc_t', 'ses_migrated01', 'acc_a')`.execute(db);
    await sql`insert into handoffs (id, session, from_account, to_account, source_space, created_at) values ('hnd_old', 'ses_migrated01', 'acc_a', 'acc_b', 'spc_a', '2026-01-01T00:00:00Z')`.execute(
      db,
    );
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const h = (
      await sql<{ upto_rseq: string; expires_at: Date; cancelled_at: Date | null }>`select upto_rseq, expires_at, cancelled_at from handoffs`.execute(db)
    ).rows[0]!;
    assert.deepEqual([Number(h.upto_rseq), h.expires_at.toISOString(), h.cancelled_at], [9, '2026-01-08T00:00:00.000Z', null]);
    // The same session id shared into the space by a second account: a row of its own.
    await sql`insert into shares (space_id, session, shared_by) values ('spc_t', 'ses_migrated01', 'acc_b')`.execute(db);
    assert.equal((await sql`select * from shares`.execute(db)).rows.length, 2);
  },
);
