import type Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The project a session belongs to, as OpenCode (and Kilo) derive it for a directory, so
 * that the written session is listed where the tool runs: the project row whose worktree
 * holds the directory; else, in a git checkout, the id the tool cached in `.git/opencode`
 * (`.git/kilo` for Kilo), or the repository's first root commit; else `global` (worktree `/`).
 */
export interface ProjectRow {
  id: string;
  worktree: string;
  vcs: string | null;
  /** False when the row must be inserted. */
  exists: boolean;
}

function gitTop(dir: string): { top: string; gitDir: string } | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const g = path.join(d, '.git');
    try {
      const st = statSync(g);
      if (st.isDirectory()) return { top: d, gitDir: g };
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(g, 'utf8'));
        if (m) return { top: d, gitDir: path.resolve(d, m[1]!.trim()) };
      }
    } catch {
      // not here
    }
    if (path.dirname(d) === d) return null;
  }
}

function rootCommit(top: string): string | null {
  try {
    const out = execFileSync('git', ['rev-list', '--max-parents=0', '--all'], {
      cwd: top,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return (
      out
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^[0-9a-f]{40}$/.test(l))
        .sort()[0] ?? null
    );
  } catch {
    return null;
  }
}

export function projectFor(db: Database.Database, dir: string, cacheName: string): ProjectRow {
  const rows = db.prepare('SELECT id, worktree, vcs FROM project').all() as Array<{ id: string; worktree: string; vcs: string | null }>;
  const abs = path.resolve(dir);
  const holding = rows
    .filter((r) => r.worktree !== '/' && (abs === r.worktree || abs.startsWith(r.worktree.endsWith(path.sep) ? r.worktree : r.worktree + path.sep)))
    .sort((a, b) => b.worktree.length - a.worktree.length)[0];
  if (holding) return { ...holding, exists: true };
  const git = gitTop(abs);
  let id: string | null = null;
  if (git) {
    try {
      const cached = readFileSync(path.join(git.gitDir, cacheName), 'utf8').trim();
      if (/^[A-Za-z0-9_-]{1,128}$/.test(cached)) id = cached;
    } catch {
      // no cache yet
    }
    id ??= rootCommit(git.top);
  }
  const row = id && git ? { id, worktree: git.top, vcs: 'git' } : { id: 'global', worktree: '/', vcs: null };
  return { ...row, exists: rows.some((r) => r.id === row.id) };
}
