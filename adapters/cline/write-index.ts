import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertRegularFileSync, SfsError } from '../../engine/adapter-kit.js';

/**
 * The Cline CLI (3.x) lists sessions (`cline history`, the TUI's picker) and finds the one
 * `cline --id` resumes through the `sessions` table of `<db dir>/sessions.db`; the row names
 * the messages file. A resumed session therefore needs its row. The CLI and its background
 * hub keep the database open in WAL mode and write it with SQLite's own locking, so one row
 * inserted in an IMMEDIATE transaction is safe beside them; when they hold the write lock
 * longer than the busy timeout the resume is refused (TARGET_BUSY) and nothing is written.
 */
export interface SessionRow {
  sessionId: string;
  now: Date;
  provider: string;
  model: string;
  cwd: string;
  prompt: string | null;
  metadata: Record<string, unknown>;
  messagesPath: string;
}

/** The `sessions` table as Cline CLI 3.0.65 creates it (`CREATE TABLE IF NOT EXISTS`: the CLI adds its other tables on start). */
const SESSIONS_TABLE = `CREATE TABLE IF NOT EXISTS sessions (
		session_id TEXT PRIMARY KEY,
		source TEXT NOT NULL,
		pid INTEGER NOT NULL,
		started_at TEXT NOT NULL,
		ended_at TEXT,
		exit_code INTEGER,
		status TEXT NOT NULL,
		status_lock INTEGER NOT NULL DEFAULT 0,
		interactive INTEGER NOT NULL,
		provider TEXT NOT NULL,
		model TEXT NOT NULL,
		cwd TEXT NOT NULL,
		workspace_root TEXT NOT NULL,
		team_name TEXT,
		enable_tools INTEGER NOT NULL,
		enable_spawn INTEGER NOT NULL,
		enable_teams INTEGER NOT NULL,
		parent_session_id TEXT,
		parent_agent_id TEXT,
		agent_id TEXT,
		conversation_id TEXT,
		is_subagent INTEGER NOT NULL DEFAULT 0,
		prompt TEXT,
		metadata_json TEXT,
		transcript_path TEXT NOT NULL DEFAULT '',
		hook_path TEXT NOT NULL,
		messages_path TEXT,
		updated_at TEXT NOT NULL
	);`;

/** How long to wait for the CLI to let go of the write lock (the CLI itself waits 5 s). */
const BUSY_MS = 5000;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function busy(file: string, err: unknown): SfsError {
  return new SfsError(
    'TARGET_BUSY',
    `Cline holds ${file} locked (a running cline or its hub is writing it); nothing was written. Try again, or quit Cline first`,
    { path: file },
    { cause: err },
  );
}

interface Column {
  name: string;
  notnull: number;
  dflt_value: unknown;
}

/** Inserts the session's row (never replacing one) and returns the database file. */
export function insertSessionRow(dbDir: string, r: SessionRow): string {
  const file = path.join(dbDir, 'sessions.db');
  const fresh = !existsSync(file);
  if (!fresh)
    assertRegularFileSync(file); // better-sqlite3 would block opening a FIFO
  else mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: BUSY_MS });
  } catch (err) {
    if (isBusy(err)) throw busy(file, err);
    throw new SfsError('INVALID_INPUT', `cannot open Cline's session index ${file}: ${(err as Error).message}`, { path: file }, { cause: err });
  }
  try {
    if (fresh) {
      db.pragma('journal_mode = WAL');
      db.exec(SESSIONS_TABLE);
    }
    const cols = db.prepare('PRAGMA table_info(sessions)').all() as Column[];
    if (!cols.length) throw new SfsError('INVALID_INPUT', `${file} has no sessions table: not a Cline CLI session index`, { path: file });
    const iso = r.now.toISOString();
    const values: Record<string, unknown> = {
      session_id: r.sessionId,
      source: 'cli',
      pid: process.pid,
      started_at: iso,
      ended_at: iso,
      exit_code: 0,
      status: 'completed',
      status_lock: 0,
      interactive: 1,
      provider: r.provider,
      model: r.model,
      cwd: r.cwd,
      workspace_root: r.cwd,
      team_name: null,
      enable_tools: 1,
      enable_spawn: 1,
      enable_teams: 1,
      is_subagent: 0,
      prompt: r.prompt,
      metadata_json: JSON.stringify(r.metadata),
      transcript_path: '',
      hook_path: '',
      messages_path: r.messagesPath,
      updated_at: iso,
    };
    // A later CLI may add a required column this writer does not know: refuse rather than guess its value.
    const unknown = cols.filter((c) => c.notnull && c.dflt_value === null && !(c.name in values)).map((c) => c.name);
    if (unknown.length)
      throw new SfsError(
        'INVALID_INPUT',
        `${file}: the sessions table requires columns this SessionFS does not know (${unknown.join(', ')}); update SessionFS`,
        {
          path: file,
        },
      );
    const names = cols.map((c) => c.name).filter((n) => n in values);
    const insert = db.prepare(`INSERT INTO sessions (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})`);
    const add = db.transaction(() => {
      if (db.prepare('SELECT 1 FROM sessions WHERE session_id = ?').get(r.sessionId))
        throw new SfsError('CONFLICT', `Cline already has a session ${r.sessionId}; not overwriting it`, { path: file });
      insert.run(Object.fromEntries(names.map((n) => [n, values[n]])));
    });
    add.immediate();
    return file;
  } catch (err) {
    if (isBusy(err)) throw busy(file, err);
    throw err;
  } finally {
    db.close();
  }
}
