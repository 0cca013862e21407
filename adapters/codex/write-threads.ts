import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { assertRegularFileSync } from '../../engine/adapter-kit.js';

/**
 * Codex lists threads (`resume --last`, the picker) from the `threads` table of its state
 * database, `state_<n>.sqlite`, and only backfills it from rollouts once. A resumed
 * rollout therefore needs its row. When no state database exists yet, Codex builds one
 * from the rollouts on its next start and nothing is written here.
 */
export interface ThreadRow {
  id: string;
  rolloutPath: string;
  now: Date;
  cwd: string;
  title: string;
  firstUserMessage: string;
  modelProvider: string;
  model: string | null;
  gitBranch: string | null;
  cliVersion: string;
}

/** The newest state database generation in CODEX_HOME, or null. */
export function stateDbPath(home: string): string | null {
  let best: { n: number; file: string } | null = null;
  let names: string[];
  try {
    names = readdirSync(home);
  } catch {
    return null;
  }
  for (const name of names) {
    const m = /^state_(\d+)\.sqlite$/.exec(name);
    if (m && (!best || Number(m[1]) > best.n)) best = { n: Number(m[1]), file: path.join(home, name) };
  }
  return best?.file ?? null;
}

/** Inserts the row with the columns this database has (they were added over versions). Returns the file, or null. */
export function insertThreadRow(home: string, r: ThreadRow): string | null {
  const file = stateDbPath(home);
  if (!file) return null;
  assertRegularFileSync(file); // better-sqlite3 would block opening a FIFO
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    const cols = new Set((db.prepare('PRAGMA table_info(threads)').all() as { name: string }[]).map((c) => c.name));
    if (!cols.has('id')) return null;
    const s = Math.floor(r.now.getTime() / 1000);
    const ms = r.now.getTime();
    const values: Record<string, unknown> = {
      id: r.id,
      rollout_path: r.rolloutPath,
      created_at: s,
      updated_at: s,
      created_at_ms: ms,
      updated_at_ms: ms,
      recency_at: s,
      recency_at_ms: ms,
      source: 'cli',
      model_provider: r.modelProvider,
      cwd: r.cwd,
      title: r.title,
      preview: r.firstUserMessage.slice(0, 500),
      first_user_message: r.firstUserMessage,
      sandbox_policy: JSON.stringify({ type: 'read-only' }),
      approval_mode: 'on-request',
      has_user_event: 1,
      cli_version: r.cliVersion,
      model: r.model,
      git_branch: r.gitBranch,
      thread_source: 'user',
      originator: 'sessionfs',
    };
    const names = Object.keys(values).filter((k) => cols.has(k));
    db.prepare(`INSERT OR IGNORE INTO threads (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})`).run(
      Object.fromEntries(names.map((n) => [n, values[n] ?? null])),
    );
    return file;
  } finally {
    db.close();
  }
}
