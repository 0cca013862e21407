import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileKind, type CaptureProblem, type CaptureSource, type CapturedSession, type ReadResult } from '../../engine/adapter-kit.js';
import { readGlobalComposers } from './global-db.js';
import { CURSOR_DB_NAME as DB_NAME } from './locate.js';
import { databaseStamp, hasTable, openReadOnly } from '../shared/sqlite.js';
import { composerIds, readWorkspaceDb, workspaceFolder } from './workspace-db.js';

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

/** Reads a state.vscdb from its cursor (stamp and the composers seen); loaded only when a database changed. */
export function readDatabase(source: CaptureSource, cursor: unknown): ReadResult {
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
}
