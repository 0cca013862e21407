import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KNOWLEDGE_SCHEMA, KNOWLEDGE_TABLES } from './knowledge-fold.js';

/**
 * The projections live in one SQLite file next to the log. It is a cache: deleting it
 * (or `sfs index rebuild`) replays the log. Several processes may open it; WAL lets
 * readers run beside one writer, and catch-up serialises writers with BEGIN IMMEDIATE.
 */
export type ProjectionDb = Database.Database;

/** Bump when the tables or the fold change: an older file is rebuilt from the log. */
export const PROJECTION_VERSION = '5';

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
  header TEXT
);
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated_at);
CREATE INDEX IF NOT EXISTS sessions_alias ON sessions(alias) WHERE alias IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_fork_from ON sessions(fork_from) WHERE fork_from IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_parent ON sessions(parent_session_id) WHERE parent_session_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS messages (
  session_id TEXT NOT NULL, msg_id TEXT NOT NULL, parent_msg_id TEXT,
  role TEXT NOT NULL, ts TEXT, ord TEXT NOT NULL,
  orig_stamp TEXT, rev_stamp TEXT,
  model TEXT, input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0, tool_uses INTEGER NOT NULL DEFAULT 0,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_id ON messages(session_id, msg_id);
CREATE TABLE IF NOT EXISTS checkpoints (
  session_id TEXT NOT NULL, name TEXT NOT NULL, at_msg TEXT, created_at TEXT, stamp TEXT NOT NULL,
  PRIMARY KEY (session_id, name)
);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
`;

export function openProjectionDb(file: string, opts: { readonly?: boolean } = {}): ProjectionDb {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('busy_timeout = 30000');
  // It holds every message: private to the user whatever the umask (WAL and SHM take the file's mode).
  if (!opts.readonly) chmodPrivate(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (opts.readonly) return db;
  if (tryVersion(db) !== PROJECTION_VERSION) {
    db.transaction(() => {
      // Re-check under the write lock: another process may have just done it.
      if (tryVersion(db) !== PROJECTION_VERSION) resetSchema(db);
    }).immediate();
  }
  return db;
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

function tryVersion(db: ProjectionDb): string | undefined {
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as { value: string } | undefined;
    return row?.value ?? '';
  } catch {
    return undefined;
  }
}

function dropAll(db: ProjectionDb): void {
  for (const t of [...KNOWLEDGE_TABLES, 'search', 'checkpoints', 'messages', 'sessions']) db.exec(`DROP TABLE IF EXISTS ${t}`);
}

export function readPosition(db: ProjectionDb): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'position'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}
