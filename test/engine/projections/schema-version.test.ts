import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import path from 'node:path';
import { openProjectionDb, PROJECTION_VERSION, projectionSchema } from '../../../engine/projections/db.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * A store made by an older version must rebuild its projections, not fail on a missing
 * table: any change to the tables has to come with a new PROJECTION_VERSION. When this
 * test fails, bump PROJECTION_VERSION in engine/projections/db.ts and record the new hash.
 */
const SCHEMA_HASHES: Record<string, string> = {
  '4': '04e6383a3f48eb84',
  '5': '414c4ebce2bbfe68', // two branches each made a version 5 (resumed dates in the fold; attribution tables)
  '6': '414c4ebce2bbfe68', // both of them together
  '7': '924863b4d9b7b13b', // attribution and eviction together
  '8': '924863b4d9b7b13b', // same tables; a purge now forgets the session's shares (fold change)
  '9': '21cc95a82d7a3640', // message bodies compressed in chunks, rows refer to their session by rowid, stamps packed; search index with external content (no text stored twice)
};

test('the projection tables are pinned to PROJECTION_VERSION', () => {
  const hash = createHash('sha256').update(projectionSchema()).digest('hex').slice(0, 16);
  assert.equal(hash, SCHEMA_HASHES[PROJECTION_VERSION], `projection tables changed (hash ${hash}): bump PROJECTION_VERSION and add it here`);
});

test('a projection file of another version is reset to be rebuilt from the log', (t) => {
  const file = path.join(tempDir(t), 'projections.db');
  const old = new Database(file);
  old.exec(
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('version', 'older'), ('position', '42'); CREATE TABLE sessions (id TEXT)",
  );
  old.close();
  const db = openProjectionDb(file);
  t.after(() => db.close());
  const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
  assert.deepEqual([meta.version, meta.position], [PROJECTION_VERSION, '0']);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'knowledge_removed'").get() as { n: number }).n, 1);
});

test('a new projection file opens while another process holds a write lock on it (its switch to WAL is retried)', async (t) => {
  const file = path.join(tempDir(t), 'projections.db');
  // Another process that made the file and holds a write lock for a moment, as one creating the same store would.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const D = require(process.argv[1]); const db = new D(process.argv[2]); db.exec('CREATE TABLE IF NOT EXISTS x (y)');
       db.prepare('BEGIN IMMEDIATE').run(); process.stdout.write('locked\\n'); setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, 400);`,
      createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit');
  await once(holder.stdout!, 'data');
  const db = openProjectionDb(file);
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.deepEqual(await exited, [0, null]);
});
