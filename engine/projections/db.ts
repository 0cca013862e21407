import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** better-sqlite3, loaded on the first open: a command that never reads the projections (a no-op import) does not load SQLite. */
let sqlite: typeof Database | undefined;
const SQLite = (): typeof Database => (sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database);
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { KNOWLEDGE_SCHEMA, KNOWLEDGE_TABLES } from './knowledge-fold.js';
import { registerBodyFunctions } from './message-bodies.js';
import { sqliteOptions } from './sqlite-addon.js';

/**
 * The projections live in one SQLite file next to the log. It is a cache: deleting it
 * (or `sfs index rebuild`) replays the log. Several processes may open it; WAL lets
 * readers run beside one writer, and catch-up serialises writers with BEGIN IMMEDIATE.
 */
export type ProjectionDb = Database.Database;

/** Bump when the tables or the fold change: an older file is rebuilt from the log. */
export const PROJECTION_VERSION = '9';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  tool TEXT, native_id TEXT, native_path TEXT, cwd TEXT, git_branch TEXT, git_remote TEXT,
  model TEXT, provider TEXT, tool_version TEXT, via TEXT,
  discovered_stamp TEXT, discovered_title TEXT,
  native_title TEXT, native_title_stamp TEXT,
  user_title TEXT, user_title_stamp TEXT,
  first_prompt TEXT, first_prompt_key TEXT,
  alias TEXT, alias_stamp TEXT,
  tags TEXT NOT NULL DEFAULT '[]', tags_stamp TEXT,
  created_at TEXT, updated_at TEXT,
  parent_session_id TEXT, agent_id TEXT,
  fork_from TEXT, fork_at_msg TEXT, fork_checkpoint TEXT,
  resumed_from TEXT, resumed_at_msg TEXT, resumed_stamp TEXT,
  deleted INTEGER NOT NULL DEFAULT 0, deleted_stamp TEXT,
  purged INTEGER NOT NULL DEFAULT 0,
  evicted INTEGER NOT NULL DEFAULT 0,
  message_count INTEGER NOT NULL DEFAULT 0,
  tool_use_count INTEGER NOT NULL DEFAULT 0,
  header TEXT,
  discovered_by TEXT,
  view_of TEXT, author_account TEXT, author_username TEXT, author_space TEXT
);
CREATE INDEX IF NOT EXISTS sessions_view_of ON sessions(view_of) WHERE view_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated_at);
CREATE INDEX IF NOT EXISTS sessions_alias ON sessions(alias) WHERE alias IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_fork_from ON sessions(fork_from) WHERE fork_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_parent ON sessions(parent_session_id) WHERE parent_session_id IS NOT NULL;
-- session: the rowid of the session's row (a quarter of the id's bytes, in the table and in messages_id);
-- orig_stamp, rev_stamp: only their time when they share origin:seq with ord (see packStamp in fold.ts)
CREATE TABLE IF NOT EXISTS messages (
  session INTEGER NOT NULL, msg_id TEXT NOT NULL, parent_msg_id TEXT,
  role TEXT NOT NULL, ts TEXT, ord TEXT NOT NULL,
  orig_stamp TEXT, rev_stamp TEXT,
  model TEXT, input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0, tool_uses INTEGER NOT NULL DEFAULT 0,
  body_id INTEGER NOT NULL, body_idx INTEGER NOT NULL, body_bytes INTEGER NOT NULL,
  author_account TEXT, author_username TEXT, author_device TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_id ON messages(session, msg_id);
CREATE TABLE IF NOT EXISTS message_bodies (id INTEGER PRIMARY KEY, refs INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS session_docs (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (
  session_id TEXT NOT NULL, name TEXT NOT NULL, at_msg TEXT, created_at TEXT, stamp TEXT NOT NULL,
  PRIMARY KEY (session_id, name)
);
CREATE TABLE IF NOT EXISTS shares (session_id TEXT NOT NULL, space TEXT NOT NULL, PRIMARY KEY (session_id, space));
CREATE VIEW IF NOT EXISTS search_source AS
  SELECT m.rowid AS id, sfs_message_text(b.data, m.body_idx) AS text FROM messages m JOIN message_bodies b ON b.id = m.body_id
  UNION ALL SELECT id, text FROM session_docs;
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(text, content = 'search_source', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2');
`;

/**
 * Switches a new file to WAL. That needs an exclusive lock SQLite does not wait for (busy_timeout
 * does not apply): a process creating the same store at that moment makes it fail with
 * SQLITE_BUSY at once, so it is tried again for up to BUSY_TIMEOUT_MS. A file already in WAL
 * (every open after the first) answers at once.
 */
function toWal(db: ProjectionDb): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 20);
    }
  }
}

/**
 * Opens the projections, creating them or resetting them to this version when needed.
 * On failure the connection is closed and SQLite's error thrown as it is (see
 * isCorruptDb; the caller decides between rebuilding and reporting).
 */
export function openProjectionDb(file: string): ProjectionDb {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new (SQLite())(file, sqliteOptions());
  try {
    registerBodyFunctions(db);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // It holds every message: private to the user whatever the umask (WAL and SHM take the file's mode).
    chmodPrivate(file);
    toWal(db);
    db.pragma('synchronous = NORMAL');
    // After a checkpoint the WAL is cut back to this size instead of keeping its largest size
    // (a rebuild would otherwise leave a WAL as large as its biggest transaction on disk).
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    if (tryVersion(db) !== PROJECTION_VERSION) {
      db.transaction(() => {
        // Re-check under the write lock: another process may have just done it.
        if (tryVersion(db) !== PROJECTION_VERSION) resetSchema(db);
      }).immediate();
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** How long a connection waits for another process's write lock. */
export const BUSY_TIMEOUT_MS = 30_000;

/** What journal_size_limit keeps of the WAL after a checkpoint. */
export const WAL_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Opens existing projections for reading when SQLite cannot size its shared-memory file
 * (the disk is full): in EXCLUSIVE locking mode the WAL index lives in this process's
 * memory. The lock keeps other processes out while the connection is open, which is
 * only for one command on a full disk. Throws unless the file has this version's tables.
 */
export function openProjectionDbWithoutSharedMemory(file: string): ProjectionDb {
  const db = new (SQLite())(file, sqliteOptions({ fileMustExist: true }));
  try {
    registerBodyFunctions(db);
    db.pragma('busy_timeout = 5000');
    db.pragma('locking_mode = EXCLUSIVE');
    const version = tryVersion(db);
    if (version !== PROJECTION_VERSION) throw new Error(`projections schema version ${version ?? 'unreadable'}, this sfs expects ${PROJECTION_VERSION}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Deletes the projections file, its WAL first: a stale WAL must never meet a new file. */
export function removeProjectionFiles(file: string): void {
  for (const f of [`${file}-wal`, `${file}-shm`, file]) rmSync(f, { force: true });
}

/** SQLite's answer for a file that is not a database or whose pages are damaged. */
export function isCorruptDb(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

function chmodPrivate(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch {
    // not ours to change (another user's store opened read-write): SQLite reports real problems
  }
}

/** The DDL of every projection table (a test pins its hash to PROJECTION_VERSION). */
export function projectionSchema(): string {
  return SCHEMA + KNOWLEDGE_SCHEMA;
}

/** Empties every projection and sets the read position to 0. Call inside a transaction. */
export function resetSchema(db: ProjectionDb): void {
  dropAll(db);
  db.exec(SCHEMA + KNOWLEDGE_SCHEMA);
  db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run('version', PROJECTION_VERSION);
  db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run('position', '0');
}

/** The stored version; '' for a new file, undefined when there is no meta table. A damaged file throws. */
function tryVersion(db: ProjectionDb): string | undefined {
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as { value: string } | undefined;
    return row?.value ?? '';
  } catch (err) {
    if (isCorruptDb(err) || (err as { code?: string }).code?.startsWith('SQLITE_IOERR') || (err as { code?: string }).code === 'SQLITE_FULL') throw err;
    return undefined;
  }
}

function dropAll(db: ProjectionDb): void {
  db.exec('DROP TABLE IF EXISTS search');
  db.exec('DROP VIEW IF EXISTS search_source');
  for (const t of [...KNOWLEDGE_TABLES, 'session_docs', 'message_bodies', 'shares', 'checkpoints', 'messages', 'sessions'])
    db.exec(`DROP TABLE IF EXISTS ${t}`);
}

export function readPosition(db: ProjectionDb): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'position'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}
