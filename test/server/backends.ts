import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { initPgliteDir } from '../../server/db/open.js';
import { startRelay, type Relay, type RelayOptions } from '../../server/relay.js';

/** The machine's PostgreSQL (CI starts it in .ci/run); SFS_TEST_PG overrides. */
export const PG_ADMIN_URL = process.env.SFS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Options that point a relay at this backend's database (shared by every relay of the backend). */
  options: Pick<RelayOptions, 'databaseUrl' | 'dataDir'>;
  drop(): Promise<void>;
}

export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** A fresh, empty database on the local PostgreSQL, dropped afterwards. */
export async function postgresBackend(): Promise<Backend> {
  const name = 'sfs_test_' + randomBytes(6).toString('hex');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = '/' + name;
  return {
    name: 'postgres',
    options: { databaseUrl: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A PGlite data directory as the relay's first start creates it (initdb, ~5 s of CPU each), made once
 * per PGlite version and machine and copied for each backend: the suites start dozens of relays.
 * Relays started on a directory of their own (test/cli/relay-dashboard.test.ts) still run initdb.
 */
async function pgliteTemplate(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(dirname(require.resolve('@electric-sql/pglite')));
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const template = join(tmpdir(), `sfs-test-pglite-template-${version}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const building = mkdtempSync(join(tmpdir(), 'sfs-test-pglite-building-'));
  await initPgliteDir(join(building, 'db')); // what a relay's first start runs
  try {
    renameSync(join(building, 'db'), template); // another test process may have made it meanwhile: theirs is as good
  } catch {
    // kept theirs
  }
  rmSync(building, { recursive: true, force: true });
  return template;
}

export async function pgliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'sfs-pglite-'));
  cpSync(await pgliteTemplate(), join(dir, 'db'), { recursive: true });
  return {
    name: 'pglite',
    options: { dataDir: join(dir, 'db') },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both backends when PostgreSQL is up; PGlite alone otherwise (CI requires PostgreSQL: SFS_REQUIRE_PG=1). */
export async function backends(): Promise<Array<() => Promise<Backend>>> {
  const out: Array<() => Promise<Backend>> = [pgliteBackend];
  if (await postgresReachable()) out.push(postgresBackend);
  else if (process.env.SFS_REQUIRE_PG) throw new Error(`PostgreSQL not reachable at ${PG_ADMIN_URL}`);
  return out;
}

export async function relayOn(b: Backend, extra: RelayOptions = {}): Promise<Relay> {
  // Suites sign up more accounts from 127.0.0.1 than the per-address default allows; the limit's own test sets it.
  return startRelay({ signupsPerHour: 10_000, ...b.options, ...extra });
}

export async function signup(relay: Relay, username: string): Promise<{ token: string; account: { id: string; username: string } }> {
  const res = await fetch(relay.url + '/v1/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse 1' }),
  });
  if (!res.ok) throw new Error(`signup ${username}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; account: { id: string; username: string } };
}
