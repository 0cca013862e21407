import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DaemonFiles } from './files.js';
import { readPidFile, type PidRecord } from './lock.js';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line, to tell our daemon from an unrelated process that reused a stale pid. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return null;
    }
  }
}

export function isDaemonProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  // Unknown (no /proc, no ps): trust the pid file.
  return cmd === null || /\bdaemon run\b/.test(cmd);
}

/**
 * The daemon running for these files, or null. A pid file left by a killed daemon is
 * ignored here (deleting it could race a daemon starting now) and overwritten by the next one.
 */
export function runningDaemon(files: DaemonFiles): PidRecord | null {
  const rec = readPidFile(files);
  return rec && isDaemonProcess(rec.pid) ? rec : null;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}
