import { existsSync } from 'node:fs';
import { result, type CheckResult, type SfsPaths, plural } from '../../engine/index.js';
import { daemonFiles } from '../daemon/files.js';
import { acquireDaemonLock, readPidFile } from '../daemon/lock.js';
import { runningDaemon } from '../daemon/process.js';
import { readStatus } from '../daemon/status.js';

/** The daemon rewrites its status file every few seconds; older than this, it looks stuck. */
const STALE_STATUS_MS = 60_000;

/**
 * Daemon state, read the way `sfs daemon status` reads it. The single-instance lock is
 * an OS file lock (released when the process dies), so the only thing a dead daemon
 * leaves behind is its pid file; --fix removes it while holding the lock, so it cannot
 * race a daemon that is starting.
 */
export async function checkDaemon(paths: SfsPaths, opts: { fix: boolean }): Promise<CheckResult> {
  const files = daemonFiles(paths);
  const running = runningDaemon(files);
  if (running) {
    const st = readStatus(files);
    const current = st && st.pid === running.pid ? st : null;
    const data: Record<string, unknown> = { running: true, pid: running.pid, started_at: running.started_at, phase: current?.phase ?? null };
    if (!current) return result('daemon', 'Daemon', 'ok', `running (pid ${running.pid}), starting up`, data);
    const age = Date.now() - Date.parse(current.updated_at);
    const quarantined = current.tools.flatMap((t) => t.quarantined);
    const watched = current.tools.filter((t) => t.watched).map((t) => t.tool);
    Object.assign(data, { status_age_ms: age, watched, quarantined });
    const base = `running (pid ${running.pid}, ${current.phase}), watching ${watched.length ? watched.join(', ') : 'no tools'}`;
    if (age > STALE_STATUS_MS)
      return result('daemon', 'Daemon', 'warn', `${base}; but its status is ${Math.round(age / 1000)}s old (stuck?)`, data, [
        '`sfs daemon logs` shows what it is doing; `sfs daemon restart` restarts it',
      ]);
    if (quarantined.length) {
      return result(
        'daemon',
        'Daemon',
        'warn',
        `${base}; ${plural(quarantined.length, 'quarantined source')}`,
        data,
        quarantined.map((q) => `${q.tool} ${q.path}: ${plural(q.failures, 'failure')}, last: ${q.error ?? '-'}`),
      );
    }
    return result('daemon', 'Daemon', 'ok', base, data);
  }
  const stale = readPidFile(files);
  const data: Record<string, unknown> = { running: false, pid: null, stale_pid: stale?.pid ?? null };
  const check = result('daemon', 'Daemon', 'warn', 'not running: new sessions are captured only by `sfs import` until `sfs daemon start`', data);
  if (stale || existsSync(files.pid)) {
    check.summary = `not running, but a pid file of a dead daemon (pid ${stale?.pid ?? '?'}) is left at ${files.pid}`;
    check.details.push('sfs doctor --fix removes it; `sfs daemon start` starts a daemon');
    if (opts.fix) {
      const lock = await acquireDaemonLock(files);
      if (lock) {
        // Holding the lock: no daemon can be starting. Releasing removes the pid file we just wrote over the stale one.
        await lock.release();
        check.fixed.push(`removed the stale pid file ${files.pid}`);
        check.summary = 'not running: new sessions are captured only by `sfs import` until `sfs daemon start`';
        check.details = [];
        data.stale_pid = null;
      } else {
        check.details.push('a daemon is starting right now; run doctor again');
      }
    }
  }
  return check;
}
