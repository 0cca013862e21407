import { existsSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SfsPaths } from '../paths.js';
import { logDir, projectionsFile } from '../paths.js';
import { result, type CheckResult } from './check.js';

/** Below this the next capture may fail part-way: a failure. Below WARN_BYTES: a warning. */
export const FAIL_BYTES = 256 * 2 ** 20;
export const WARN_BYTES = 2 * 2 ** 30;
/** Below this the store cannot even open (LevelDB and SQLite write first): the disk is full. */
export const FULL_BYTES = 2 ** 20;

/**
 * Free space on the file system that holds the store, and how much the store takes.
 * `storeHitFull`: the store check met ENOSPC/EDQUOT (a quota is full even when the
 * volume has room), so this check fails saying the disk is full whatever statfs says.
 */
export function checkDisk(paths: SfsPaths, limits = { fail: FAIL_BYTES, warn: WARN_BYTES }, storeHitFull = false): CheckResult {
  const at = existingAncestor(paths.dataDir);
  const fs = statfsSync(at);
  const free = fs.bavail * fs.bsize;
  const total = fs.blocks * fs.bsize;
  const used = dirBytes(logDir(paths)) + fileBytes(projectionsFile(paths)) + fileBytes(`${projectionsFile(paths)}-wal`);
  const data = { path: at, free_bytes: free, total_bytes: total, store_bytes: used };
  const line = `${mib(free)} free of ${mib(total)} on ${at}; the store takes ${mib(used)}`;
  if (storeHitFull || free < FULL_BYTES) {
    return result('disk', 'Free disk', 'fail', `the disk is full: ${line}`, { ...data, disk_full: true }, [
      'nothing new is captured, imported or synced until space is freed; list, show and search serve what was stored before',
      'free some space: the store reads and writes again by itself',
    ]);
  }
  if (free < limits.fail) return result('disk', 'Free disk', 'fail', `only ${line}`, data, ['capture stops when the disk is full; free some space']);
  if (free < limits.warn) return result('disk', 'Free disk', 'warn', `low: ${line}`, data);
  return result('disk', 'Free disk', 'ok', line, data);
}

function existingAncestor(p: string): string {
  let d = p;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

function fileBytes(f: string): number {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
}

/** LevelDB keeps a flat directory of table and log files. */
function dirBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((n, f) => n + fileBytes(join(dir, f)), 0);
  } catch {
    return 0;
  }
}

export function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
