import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type { RelayDb } from './schema.js';
import { migrationProvider } from './migrations.js';

/** Channel on which committed inserts announce the spaces they touched. */
export const NOTIFY_CHANNEL = 'sfs_events';
/** Channel on which a committed token revocation announces the token id. */
export const REVOKE_CHANNEL = 'sfs_revoked';

export interface RelayDatabase {
  db: Kysely<RelayDb>;
  kind: 'postgres' | 'pglite';
  /**
   * Calls fn with each payload NOTIFYed on the channel by any relay process (NOTIFY_CHANNEL:
   * a space id; REVOKE_CHANNEL: a token id) — and with '*' after the listening connection was
   * lost and reopened, since whatever was sent meanwhile is gone.
   */
  listen(channel: string, fn: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Rows and body bytes per INSERT statement (server/events.ts, and the views' writes), and events
 * per view-fold transaction (server/views/apply.ts). An embedded PGlite keeps the high-water mark
 * of every statement's parse tree and parameters in WebAssembly memory that never shrinks: 2,000
 * rows a statement took a relay from ~210 to ~330 MB, 250 rows to ~270 MB; a fold of 500 events
 * (with its messages' text search) peaked ~40 MB above one of 100. On PostgreSQL fewer, larger
 * statements and transactions are fewer round trips and commits.
 */
export interface InsertLimits {
  rows: number;
  bytes: number;
  foldEvents: number;
}
const INSERT_LIMITS: Record<RelayDatabase['kind'], InsertLimits> = {
  postgres: { rows: 5000, bytes: 16 * 1024 * 1024, foldEvents: 2000 },
  pglite: { rows: 250, bytes: 512 * 1024, foldEvents: 100 },
};
const insertLimits = new WeakMap<Kysely<RelayDb>, InsertLimits>();

/** The INSERT limits for the database behind `db` (PostgreSQL's for a handle this module did not open). */
export function insertLimitsOf(db: Kysely<RelayDb>): InsertLimits {
  return insertLimits.get(db) ?? INSERT_LIMITS.postgres;
}

export interface OpenDbOptions {
  /** postgres://… — without it, an embedded PGlite in dataDir. */
  url?: string;
  dataDir?: string;
  poolSize?: number;
  onListenError?: (err: Error) => void;
}

/** Opens the relay's database and brings its schema up to date. */
export async function openDatabase(opts: OpenDbOptions): Promise<RelayDatabase> {
  const rdb = opts.url ? await openPostgres(opts.url, opts) : await openPglite(opts.dataDir);
  try {
    await migrate(rdb.db);
  } catch (err) {
    await rdb.close();
    throw err;
  }
  insertLimits.set(rdb.db, INSERT_LIMITS[rdb.kind]);
  return rdb;
}

export async function migrate(db: Kysely<RelayDb>): Promise<void> {
  if (await upToDate(db)) return;
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`relay database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/**
 * Whether every migration is applied, read with two plain queries. The Migrator's own check
 * creates its tables, takes its lock and runs in a transaction: on the embedded database that
 * cost ~1.5 s of every start (it runs when this says no, and is the one that applies anything).
 */
async function upToDate(db: Kysely<RelayDb>): Promise<boolean> {
  const table = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
  if (!table.rows[0]?.present) return false;
  const applied = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name);
  const known = Object.keys(await migrationProvider.getMigrations());
  // Exactly the known set: a migration this relay does not know is the Migrator's to report.
  return applied.length === known.length && known.every((n) => applied.includes(n));
}

async function openPostgres(url: string, opts: OpenDbOptions): Promise<RelayDatabase> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  pool.on('error', () => undefined); // an idle client dropped by the server is replaced on next use
  const db = new Kysely<RelayDb>({ dialect: new PostgresDialect({ pool }) });
  let listener: InstanceType<typeof pg.Client> | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  const listeners = new Map<string, Array<(payload: string) => void>>();
  // A dedicated connection holds LISTEN; if it drops it is reopened and everyone is woken,
  // since notifications sent while it was down are lost.
  const connectListener = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.payload) for (const fn of listeners.get(n.channel) ?? []) fn(n.payload);
    });
    c.on('error', (err) => {
      opts.onListenError?.(err);
      if (closed) return;
      setTimeout(() => {
        if (!closed)
          connectListener().then(
            () => listeners.forEach((fns) => fns.forEach((fn) => fn('*'))),
            () => undefined,
          );
      }, 500);
    });
    await c.connect();
    for (const ch of listeners.keys()) await c.query(`LISTEN ${ch}`);
    listener = c;
  };
  return {
    db,
    kind: 'postgres',
    async listen(channel, fn) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), fn]);
      connecting ??= connectListener();
      await connecting;
      await listener!.query(`LISTEN ${channel}`); // idempotent; covers a channel added while connecting
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await db.destroy();
    },
  };
}

/**
 * PGlite settings for the relay. PostgreSQL's default shared_buffers (128 MB) is touched at start
 * inside PGlite's WebAssembly memory, which never shrinks; the relay's working set is small and the
 * operating system caches the data directory's files anyway.
 */
export const PGLITE_SETTINGS = ['shared_buffers=8MB', 'temp_buffers=2MB', 'wal_buffers=1MB'];

/**
 * Creates a PGlite data directory in a short-lived child process. PGlite runs initdb in a second
 * PostgreSQL instance inside the calling process, which takes it to ~800 MB of resident memory
 * that is handed back only slowly (WebAssembly memory is freed when collected); done in a child,
 * the relay itself starts at the size it will run at.
 */
export async function initPgliteDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const pgliteUrl = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(process.argv[1]); const db = new PGlite(process.argv[2]); await db.waitReady; await db.close();`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, pgliteUrl, dataDir], { timeout: 120_000 });
}

async function openPglite(dataDir: string | undefined): Promise<RelayDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    await initPgliteDir(dataDir);
  }
  const options = { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])] };
  const pglite = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await pglite.waitReady;
  const db = new Kysely<RelayDb>({ dialect: new PGliteDialect(pglite) });
  const unsubs: Array<() => Promise<void>> = [];
  return {
    db,
    kind: 'pglite',
    async listen(channel, fn) {
      unsubs.push(await pglite.listen(channel, (payload) => fn(payload)));
    },
    async close() {
      for (const u of unsubs) await u().catch(() => undefined);
      await db.destroy(); // the dialect closes PGlite
    },
  };
}
