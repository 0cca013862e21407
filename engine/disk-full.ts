import { existsSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SfsError } from './errors.js';

/**
 * Recognising a full disk (ENOSPC, or a quota: EDQUOT) whichever layer hit it, and
 * turning it into one DISK_FULL error that names the place and the space needed.
 * Node reports errno codes; LevelDB only says it in its error text ("No space left on
 * device"); SQLite says SQLITE_FULL for a failed write but a bare SQLITE_IOERR_* for a
 * shared-memory or sync failure, so for those the volume itself is asked.
 */
const TEXT = /No space left on device|Disk quota exceeded|ENOSPC|EDQUOT/i;

/** Below this the volume counts as full (SQLite's bare I/O errors there, the warning on reads). */
export const NEARLY_FULL_BYTES = 1024 * 1024;

export function isDiskFull(err: unknown, path?: string): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof SfsError && e.code === 'DISK_FULL') return true;
    if (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'SQLITE_FULL') return true;
    if (typeof e.message === 'string' && TEXT.test(e.message)) return true;
    if (path && typeof e.code === 'string' && e.code.startsWith('SQLITE_IOERR')) return freeBytes(path) < NEARLY_FULL_BYTES;
  }
  return false;
}

/** Bytes an unprivileged process may still write on the volume holding path (Infinity when unknown). */
export function freeBytes(path: string): number {
  try {
    const fs = statfsSync(existingAncestor(path));
    return fs.bavail * fs.bsize;
  } catch {
    return Infinity;
  }
}

export function existingAncestor(p: string): string {
  let d = p;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/**
 * The DISK_FULL error for `path`. `neededBytes` is what the failed write needed when it
 * is known (the batch, the files LevelDB must compact on open); the message then says
 * how much must be freed at least.
 */
export function diskFullError(path: string, cause: unknown, what = 'write', neededBytes?: number): SfsError {
  const free = freeBytes(path);
  const need = neededBytes !== undefined && neededBytes > 0 ? `; at least ${mb(neededBytes)} free needed` : '';
  const has = Number.isFinite(free) ? `${mb(free)} free` : 'no space left';
  return new SfsError(
    'DISK_FULL',
    `the disk is full: cannot ${what} ${path} (${has}${need}); free some space and try again`,
    {
      path,
      free_bytes: Number.isFinite(free) ? free : null,
      ...(neededBytes !== undefined ? { needed_bytes: neededBytes } : {}),
    },
    { cause },
  );
}

/** Re-throws a full-disk error as DISK_FULL; anything else unchanged. */
export function rethrowDiskFull(err: unknown, path: string, what?: string, neededBytes?: number): never {
  if (err instanceof SfsError && err.code === 'DISK_FULL') throw err;
  if (isDiskFull(err, path)) throw diskFullError(path, err, what, neededBytes);
  throw err;
}

/** Sizes in MB with one decimal, never "0.0 MB" for a non-zero size. */
export function mb(bytes: number): string {
  const v = bytes / 1e6;
  return `${v > 0 && v < 0.1 ? '0.1' : v.toFixed(1)} MB`;
}

/** Total size of the files directly in dir whose name matches (0 when it cannot be listed). */
export function filesBytes(dir: string, match: RegExp = /./): number {
  try {
    let n = 0;
    for (const f of readdirSync(dir)) {
      if (!match.test(f)) continue;
      try {
        n += statSync(join(dir, f)).size;
      } catch {
        // removed meanwhile
      }
    }
    return n;
  } catch {
    return 0;
  }
}
