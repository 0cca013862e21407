import { readdirSync, statSync } from 'node:fs';
import {
  fileKind,
  probeInstallation,
  type AdapterEnv,
  type CaptureProblem,
  type CaptureSource,
  type CapturedSession,
  type ReadResult,
  type ToolAdapter,
} from '../../engine/adapter-kit.js';
import path from 'node:path';
import { listTranscripts, readTranscript, transcriptSourceFor } from './agent-transcripts.js';
import { readGlobalComposers } from './global-db.js';
import { cursorDotDir, cursorStoreDirs, cursorUserDir } from './locate.js';
import { databaseStamp, hasTable, openReadOnly } from '../shared/sqlite.js';
import { composerIds, readWorkspaceDb, workspaceFolder } from './workspace-db.js';

/**
 * Cursor IDE: SQLite `state.vscdb` files, read-only and rewrite-style. The global DB holds
 * every modern conversation; each workspace DB may hold older inline conversations. One
 * DB yields many sessions. Cursor Agent transcripts (`~/.cursor/projects/…/agent-transcripts/
 * *.jsonl`) are append-style sources of one session each (agent-transcripts.ts).
 */
const DB_NAME = 'state.vscdb';

interface CursorCursor {
  stamp: string;
  seen: Record<string, number>;
}

/** composerId → project folder, from the composer index each workspace DB keeps. */
function workspaceIndex(workspaceStorage: string): Map<string, string> {
  const map = new Map<string, string>();
  let dirs: string[];
  try {
    dirs = readdirSync(workspaceStorage);
  } catch {
    return map;
  }
  for (const d of dirs) {
    const dbPath = path.join(workspaceStorage, d, DB_NAME);
    const folder = workspaceFolder(dbPath);
    if (!folder) continue;
    try {
      const h = openReadOnly(dbPath);
      try {
        if (hasTable(h.db, 'ItemTable')) for (const id of composerIds(h.db, dbPath)) map.set(id, folder);
      } finally {
        h.close();
      }
    } catch {
      // an unreadable workspace DB only costs the cwd of its composers
    }
  }
  return map;
}

function readDb(
  dbPath: string,
  prevSeen: Record<string, number>,
  problems: CaptureProblem[],
): { sessions: CapturedSession[]; seen: Record<string, number> } | null {
  let h;
  try {
    h = openReadOnly(dbPath);
  } catch (e) {
    problems.push({ path: dbPath, message: `cannot open database (locked or corrupt?): ${(e as Error).message}` });
    return null;
  }
  try {
    const sessions: CapturedSession[] = [];
    let seen: Record<string, number> = {};
    if (hasTable(h.db, 'cursorDiskKV')) {
      let index: Map<string, string> | null = null;
      const workspaceStorage = path.join(path.dirname(path.dirname(dbPath)), 'workspaceStorage');
      const cwdOf = (id: string): string | null => (index ??= workspaceIndex(workspaceStorage)).get(id) ?? null;
      const g = readGlobalComposers(h.db, dbPath, prevSeen, cwdOf, problems);
      sessions.push(...g.sessions);
      seen = g.seen;
    }
    if (hasTable(h.db, 'ItemTable')) sessions.push(...readWorkspaceDb(h.db, dbPath, problems));
    return { sessions, seen };
  } catch (e) {
    problems.push({ path: dbPath, message: `cannot read database (locked or corrupt?): ${(e as Error).message}` });
    return null;
  } finally {
    h.close();
  }
}

function dbSources(env: AdapterEnv): string[] {
  const [globalDir, workspaceDir] = cursorStoreDirs(env) as [string, string];
  const out = [path.join(globalDir, DB_NAME)];
  try {
    for (const d of readdirSync(workspaceDir).sort()) out.push(path.join(workspaceDir, d, DB_NAME));
  } catch {
    // no workspace DBs
  }
  return out;
}

export const adapter: ToolAdapter = {
  tool: 'cursor',
  displayName: 'Cursor',
  storeDirs: cursorStoreDirs,
  async listSources(env) {
    const out: CaptureSource[] = [];
    for (const p of dbSources(env)) {
      try {
        if (statSync(p).isFile()) out.push({ path: p, style: 'rewrite' });
      } catch {
        // not there
      }
    }
    for (const p of listTranscripts(env)) out.push({ path: p, style: 'append' });
    return out;
  },
  sourceFor(changedPath, env) {
    const transcript = transcriptSourceFor(changedPath, env);
    if (transcript) return transcript;
    const [globalDir, workspaceDir] = cursorStoreDirs(env) as [string, string];
    const abs = path.resolve(changedPath);
    const dir = path.dirname(abs);
    const base = path.basename(abs);
    const isDbFile = base === DB_NAME || base === `${DB_NAME}-wal` || base === `${DB_NAME}-shm`;
    if (isDbFile && dir === path.resolve(globalDir)) return { path: path.join(dir, DB_NAME), style: 'rewrite' };
    if ((isDbFile || base === 'workspace.json') && path.dirname(dir) === path.resolve(workspaceDir)) return { path: path.join(dir, DB_NAME), style: 'rewrite' };
    return null;
  },
  // A database and its -wal (and workspace.json, the folder it belongs to); a transcript also
  // reads a CLI store.db found by searching, so it is always read.
  stampPaths: (source) => (source.path.endsWith('.jsonl') ? null : [source.path, `${source.path}-wal`, path.join(path.dirname(source.path), 'workspace.json')]),
  async read(source, cursor, env, opts): Promise<ReadResult> {
    if (source.path.endsWith('.jsonl')) return readTranscript(source, cursor, env, opts);
    const problems: CaptureProblem[] = [];
    const prev = cursor && typeof cursor === 'object' ? (cursor as CursorCursor) : null;
    const stamp = databaseStamp(source.path);
    if (prev && prev.stamp === stamp) return { sessions: [], cursor: prev, problems };
    try {
      const st = statSync(source.path);
      if (!st.isFile()) {
        problems.push({ path: source.path, message: `expected a database file: not a regular file (${fileKind(st)})` });
        return { sessions: [], cursor: prev, problems };
      }
    } catch (e) {
      problems.push({ path: source.path, message: `cannot stat: ${(e as Error).message}` });
      return { sessions: [], cursor: prev, problems };
    }
    const r = readDb(source.path, prev?.seen ?? {}, problems);
    if (!r) return { sessions: [], cursor: prev, problems }; // keep the old cursor so the next change retries
    return { sessions: r.sessions, cursor: { stamp, seen: r.seen } satisfies CursorCursor, problems };
  },
  // Cursor's editor is an app (no version on disk sfs can read cheaply); the Cursor Agent CLI
  // installs as `…/cursor-agent/versions/<version>/`, which is not a semantic version.
  newestTested: null,
  installation: (env) =>
    probeInstallation(env, {
      bins: ['cursor-agent'],
      traces: [path.join(cursorUserDir(env), 'settings.json'), path.join(cursorDotDir(env), 'cli-config.json')],
    }),
};
