import { join } from 'node:path';
import type { SfsPaths } from '../../engine/index.js';

/** The daemon's files, all in the state directory. */
export interface DaemonFiles {
  dir: string;
  /** A tiny LevelDB whose OS file lock is the single-instance lock (released by the OS if the daemon dies). */
  lock: string;
  /** `{ pid, started_at }` of the daemon holding the lock. */
  pid: string;
  /** Rewritten atomically every few seconds; read by `sfs daemon status`. */
  status: string;
  /** JSON lines, capped in size (one rotated file `.1`). */
  log: string;
  /** stdout/stderr of a background daemon (crashes before the log is open land here). */
  out: string;
}

export function daemonFiles(paths: SfsPaths): DaemonFiles {
  const dir = paths.stateDir;
  return {
    dir,
    lock: join(dir, 'daemon.lock'),
    pid: join(dir, 'daemon.pid'),
    status: join(dir, 'daemon-status.json'),
    log: join(dir, 'daemon.log'),
    out: join(dir, 'daemon.out'),
  };
}
