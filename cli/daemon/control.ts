import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, SfsError, type SfsPaths } from '../../engine/index.js';
import { daemonFiles } from './files.js';
import { DAEMON_NODE_FLAGS } from './heap.js';
import type { PidRecord } from './lock.js';
import { isAlive, runningDaemon, waitForExit } from './process.js';
import { readStatus } from './status.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export interface StartResult {
  pid: number;
  /** A daemon was already running (possibly started by a concurrent `start`). */
  already: boolean;
}

/**
 * Starts `sfs daemon run` as a detached background process and returns once it reports
 * in (its status file names its pid), i.e. once it holds the store and watches the stores.
 */
export async function startDaemon(paths: SfsPaths, timeoutMs = 60_000): Promise<StartResult> {
  const files = daemonFiles(paths);
  const running = runningDaemon(files);
  if (running) return { pid: running.pid, already: true };
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const out = openSync(files.out, 'a', 0o600);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, MAIN, 'daemon', 'run', '--background'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
    cwd: files.dir,
  });
  closeSync(out);
  child.unref();
  let exitCode: number | null = null;
  child.on('exit', (code, signal) => (exitCode = code ?? (signal ? 128 : 1)));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const st = readStatus(files);
    if (st && st.pid === child.pid) return { pid: child.pid, already: false };
    if (exitCode !== null) {
      // Lost a race with another `start`: report the daemon that won, once it is up.
      const other = runningDaemon(files);
      if (other && readStatus(files)?.pid === other.pid) return { pid: other.pid, already: true };
      if (exitCode !== ERROR_CODES.CONFLICT) throw new SfsError('IO', `the daemon exited while starting (exit ${exitCode}): ${lastLine(files.out)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new SfsError('IO', `the daemon did not report ready within ${Math.round(timeoutMs / 1000)}s (log: ${files.log})`);
}

/** Sends SIGTERM and waits for the daemon to finish its capture and exit. Null when none runs. */
export async function stopDaemon(paths: SfsPaths, timeoutMs = 60_000): Promise<PidRecord | null> {
  const files = daemonFiles(paths);
  const running = runningDaemon(files);
  if (!running) return null;
  try {
    process.kill(running.pid, 'SIGTERM');
  } catch (err) {
    if (isAlive(running.pid)) throw err;
    return running;
  }
  if (!(await waitForExit(running.pid, timeoutMs))) {
    throw new SfsError(
      'IO',
      `the daemon (pid ${running.pid}) did not stop within ${Math.round(timeoutMs / 1000)}s; \`kill ${running.pid}\` ends it (nothing captured is lost)`,
    );
  }
  return running;
}

function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines[lines.length - 1] || 'no output';
  } catch {
    return 'no output';
  }
}
