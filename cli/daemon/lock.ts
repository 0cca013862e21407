import { ClassicLevel } from 'classic-level';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeAtomic } from './atomic.js';
import type { DaemonFiles } from './files.js';

/**
 * One daemon per state directory. The lock is LevelDB's own file lock on a small database
 * in the state directory: the OS drops it when the process dies, however it dies, so a
 * killed daemon never leaves a lock that blocks the next one. The pid file beside it only
 * says who holds the lock; a stale one is simply overwritten.
 */
export interface DaemonLock {
  release(): Promise<void>;
}

export interface PidRecord {
  pid: number;
  started_at: string;
}

/** Takes the lock and writes the pid file, or returns null when another process holds it. */
export async function acquireDaemonLock(files: DaemonFiles): Promise<DaemonLock | null> {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const db = new ClassicLevel(files.lock);
  try {
    await db.open();
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') return null;
    throw err;
  }
  const record: PidRecord = { pid: process.pid, started_at: new Date().toISOString() };
  writeAtomic(files.pid, JSON.stringify(record) + '\n');
  return {
    release: async () => {
      if (readPidFile(files)?.pid === process.pid) rmSync(files.pid, { force: true });
      await db.close();
    },
  };
}

export function readPidFile(files: DaemonFiles): PidRecord | null {
  try {
    const v = JSON.parse(readFileSync(files.pid, 'utf8')) as PidRecord;
    return Number.isInteger(v?.pid) && v.pid > 0 ? v : null;
  } catch {
    return null;
  }
}
