import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logDir, projectionsFile, type SfsPaths } from '../paths.js';
import type { Store } from '../store.js';

export interface StorageReport {
  data_dir: string;
  config_dir: string;
  origin: string;
  events: number;
  log_bytes: number;
  projection_bytes: number;
  sessions: number;
  deleted: number;
  purged: number;
  /** Sessions whose messages were evicted from this machine (storage prune). */
  evicted: number;
  messages: number;
}

function dirBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    try {
      const st = statSync(join(dir, e));
      total += st.isDirectory() ? dirBytes(join(dir, e)) : st.size;
    } catch {}
  }
  return total;
}

function fileBytes(...files: string[]): number {
  return files.reduce((n, f) => {
    try {
      return n + statSync(f).size;
    } catch {
      return n;
    }
  }, 0);
}

/** The store's size on disk: the event log's files and the projections with their WAL. */
export function storeBytes(paths: SfsPaths): number {
  const pf = projectionsFile(paths);
  return dirBytes(logDir(paths)) + fileBytes(pf, pf + '-wal', pf + '-shm');
}

export async function storageReport(store: Store): Promise<StorageReport> {
  const db = await store.view();
  const info = await store.log.info();
  // A purged session keeps only a tombstone row (tool NULL), so count it apart from the live ones.
  const s = db
    .prepare(
      'SELECT COALESCE(SUM(tool IS NOT NULL), 0) AS n, COALESCE(SUM(tool IS NOT NULL AND deleted = 1), 0) AS d, COALESCE(SUM(purged = 1), 0) AS p, COALESCE(SUM(evicted = 1), 0) AS x FROM sessions',
    )
    .get() as { n: number; d: number; p: number; x: number };
  const m = db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number };
  const pf = projectionsFile(store.paths);
  return {
    data_dir: store.paths.dataDir,
    config_dir: store.paths.configDir,
    origin: info.origin,
    events: info.head,
    log_bytes: dirBytes(logDir(store.paths)),
    projection_bytes: fileBytes(pf, pf + '-wal', pf + '-shm'),
    sessions: s.n,
    deleted: s.d,
    purged: s.p,
    evicted: s.x,
    messages: m.n,
  };
}
