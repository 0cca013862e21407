import Database from 'better-sqlite3';
import { plural } from '../plural.js';
import { existsSync } from 'node:fs';
import { isDiskFull } from '../disk-full.js';
import { toSfsError } from '../errors.js';
import { SharedLog } from '../log/shared-log.js';
import { logDir, projectionsFile, type SfsPaths } from '../paths.js';
import { isCorruptDb, PROJECTION_VERSION, removeProjectionFiles } from '../projections/db.js';
import { Projections } from '../projections/projections.js';
import { sqliteOptions } from '../projections/sqlite-addon.js';
import { result, type CheckResult } from './check.js';

/**
 * Store health: the log opens and its last event reads back; the projections' schema
 * version and read position against the log head. Projections are a cache of the log,
 * so the safe fix for any projection problem is to rebuild them from it. A full disk is
 * not a store problem: the check says so (data.disk_full) and the disk check fails.
 */
export interface StoreHealth {
  check: CheckResult;
  /** Open when the log opened; the caller closes it with close(). */
  log: SharedLog | null;
  /** Caught up with the log when usable (for per-tool counts); null when not. */
  projections: Projections | null;
  close(): Promise<void>;
}

interface ProjectionFacts {
  exists: boolean;
  version: string | null;
  position: number | null;
  error: string | null;
  /** SQLite could not even read it because the disk is full (its shared-memory file cannot grow). */
  full: boolean;
}

/** Read without opening them for writing: opening with the normal path would already rebuild an old schema. */
function readProjectionFacts(file: string): ProjectionFacts {
  if (!existsSync(file)) return { exists: false, version: null, position: null, error: null, full: false };
  try {
    return { ...readMeta(file, false), error: null, full: false };
  } catch (err) {
    if (!isCorruptDb(err) && isDiskFull(err, file)) {
      try {
        return { ...readMeta(file, true), error: null, full: true };
      } catch (e) {
        return { exists: true, version: null, position: null, error: (e as Error).message, full: true };
      }
    }
    return { exists: true, version: null, position: null, error: (err as Error).message, full: false };
  }
}

/** Without shared memory (a full disk) the WAL index is kept in memory under an exclusive lock, only while reading. */
function readMeta(file: string, withoutSharedMemory: boolean): { exists: true; version: string | null; position: number | null } {
  const db = new Database(file, sqliteOptions({ readonly: !withoutSharedMemory, fileMustExist: true }));
  try {
    if (withoutSharedMemory) db.pragma('locking_mode = EXCLUSIVE');
    const get = (k: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value ?? null;
    const pos = get('position');
    return { exists: true, version: get('version'), position: pos === null ? null : Number(pos) };
  } finally {
    db.close();
  }
}

export async function checkStore(paths: SfsPaths, opts: { fix: boolean; timeoutMs?: number }): Promise<StoreHealth> {
  const dir = logDir(paths);
  const file = projectionsFile(paths);
  const none: StoreHealth = { check: result('store', 'Store', 'info', ''), log: null, projections: null, close: async () => undefined };
  if (!existsSync(dir)) {
    none.check = result('store', 'Store', 'info', `no store yet at ${paths.dataDir} (nothing captured or imported)`, { log_dir: dir, exists: false });
    return none;
  }
  const facts = readProjectionFacts(file);
  let log: SharedLog;
  try {
    log = await SharedLog.open(dir, { timeoutMs: opts.timeoutMs ?? 5000, openWhenFull: true });
  } catch (err) {
    none.check = result('store', 'Store', 'fail', `the event log at ${dir} does not open: ${(err as Error).message}`, { log_dir: dir, exists: true });
    return none;
  }
  let projections: Projections | null = null;
  const health: StoreHealth = {
    check: result('store', 'Store', 'ok', ''),
    log,
    projections: null,
    close: async () => {
      projections?.close();
      await log.close();
    },
  };
  const data: Record<string, unknown> = { log_dir: dir, projections_file: file, role: log.role, expected_schema_version: PROJECTION_VERSION };
  const c = health.check;
  c.data = data;
  try {
    const info = await log.info();
    Object.assign(data, { origin: info.origin, head: info.head });
    // Reading the newest event proves the log decodes, not just that LevelDB opened.
    if (info.head > 0 && (await log.read(info.head - 1, 1)).length !== 1) throw new Error(`event at position ${info.head} is missing`);
  } catch (err) {
    if (isDiskFull(err)) {
      // LevelDB must write before it can open: nothing is wrong with the log itself.
      const e = toSfsError(err);
      Object.assign(data, { disk_full: true, ...e.details, position: facts.position, schema_version: facts.version });
      c.status = 'warn';
      c.summary = `${e.message}; commands show what the projections hold` + (facts.position !== null ? ` (the log up to position ${facts.position})` : '');
      projections = openForReading(file, log);
      health.projections = projections;
      health.log = null; // every read of it fails until space is freed
      return health;
    }
    c.status = 'fail';
    c.summary = `the event log at ${dir} opens but cannot be read: ${(err as Error).message}`;
    return health;
  }
  const head = data.head as number;
  Object.assign(data, { schema_version: facts.version, position: facts.position });

  // What is wrong with the projections, if anything, and whether a rebuild is the fix.
  let problem: string | null = null;
  let corrupt = false;
  if (facts.error && facts.full) {
    c.status = 'warn';
    c.summary = `the disk is full: the projections file ${file} cannot be read until space is freed (${facts.error})`;
    data.disk_full = true;
    return health;
  } else if (facts.error) {
    problem = `the projections file ${file} cannot be read: ${facts.error}`;
    corrupt = true;
  } else if (facts.exists && facts.version !== PROJECTION_VERSION) {
    problem = `projections schema version ${facts.version ?? 'missing'}, this sfs expects ${PROJECTION_VERSION}`;
  } else if (facts.position !== null && facts.position > head) {
    problem = `projections are at position ${facts.position}, past the log head ${head} (they belong to another log)`;
  }
  if (problem && opts.fix) {
    try {
      if (corrupt) {
        // A cache that SQLite cannot read: the log holds everything in it. Deleting it rather
        // than keeping a copy aside lets the rebuild fit on a nearly full disk.
        if (log.role !== 'owner') throw new Error('another sfs process holds the store; stop it (sfs daemon stop) and run --fix again');
        removeProjectionFiles(file);
        c.fixed.push(`removed the unreadable projections file ${file}`);
      }
      projections = new Projections(file, log);
      const applied = await projections.rebuild();
      c.fixed.push(`rebuilt the projections from the log (${plural(applied, 'event')})`);
      problem = null;
    } catch (err) {
      c.details.push(`rebuild failed: ${(err as Error).message}`);
    }
  }
  if (problem) {
    c.status = corrupt || (facts.position ?? 0) > head ? 'fail' : 'warn';
    c.summary = problem;
    c.details.push(corrupt ? 'sfs doctor --fix moves it aside and rebuilds it from the log' : 'sfs doctor --fix rebuilds the projections from the log');
    projections?.close();
    projections = null;
    return health;
  }
  try {
    projections ??= new Projections(file, log);
    const before = projections.position();
    const applied = await projections.catchUp();
    Object.assign(data, { position: projections.position(), schema_version: PROJECTION_VERSION, lag_before: head - before });
    c.summary =
      `log opens (${plural(head, 'event')}, ${log.role}); projections schema v${PROJECTION_VERSION}` +
      (applied ? `, were ${plural(applied, 'event')} behind the log (caught up)` : ', caught up with the log');
  } catch (err) {
    if (isDiskFull(err)) {
      // What they hold is still served; a rebuild would not fit either.
      const behind = head - (projections?.position() ?? 0);
      Object.assign(data, { disk_full: true, ...toSfsError(err).details, position: projections?.position() ?? null, schema_version: PROJECTION_VERSION });
      c.status = 'warn';
      c.summary = `projections are ${plural(behind, 'event')} behind the log and cannot catch up: ${toSfsError(err).message}`;
      health.projections = projections;
      return health;
    }
    c.status = 'fail';
    c.summary = `projections cannot catch up with the log: ${(err as Error).message}`;
    c.details.push('sfs doctor --fix rebuilds the projections from the log');
    if (opts.fix && projections) {
      try {
        const applied = await projections.rebuild();
        c.fixed.push(`rebuilt the projections from the log (${plural(applied, 'event')})`);
        c.status = 'ok';
        c.summary = `log opens (${plural(head, 'event')}); projections rebuilt`;
        c.details = [];
      } catch (e) {
        c.details.push(`rebuild failed: ${(e as Error).message}`);
      }
    }
    if (c.status === 'fail') {
      projections?.close();
      projections = null;
    }
  }
  health.projections = projections;
  return health;
}

/** The projections as they stand, for counting what was captured; null when they cannot be read. */
function openForReading(file: string, log: SharedLog): Projections | null {
  try {
    return new Projections(file, log, { readWhenFull: true });
  } catch {
    return null;
  }
}
