import { closeSync, constants, copyFileSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, accessSync, writeSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SfsError } from '../../../engine/index.js';

/** Where the previous version of a config file is kept before we change it. */
export function backupPath(file: string): string {
  return `${file}.sfs-backup`;
}

/**
 * Replaces a config file atomically: a temporary file in the same directory, fsync,
 * rename over the original. The original keeps its mode; a symlinked config (dotfile
 * managers) is written through to its target; the previous content is kept as a backup.
 * A file we may not write is refused, not forced. A new file is private (0600, in a
 * 0700 directory) unless `shared` (a project file others check out: 0644 / 0755, less umask).
 */
export function writeConfigAtomic(file: string, content: string, o: { shared?: boolean } = {}): { backup: string | null } {
  let target = file;
  let mode = o.shared ? 0o644 & ~process.umask() : 0o600;
  let existed = false;
  try {
    target = realpathSync(file);
    const st = statSync(target);
    mode = st.mode & 0o777;
    existed = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SfsError('IO', `cannot read ${file}: ${(err as Error).message}`);
  }
  if (existed) {
    // No write bit at all means someone made it read-only on purpose: respected even by root.
    let writable = (mode & 0o222) !== 0;
    try {
      accessSync(target, constants.W_OK);
    } catch {
      writable = false;
    }
    if (!writable) throw new SfsError('IO', `${file} is read-only; make it writable or edit it by hand (nothing was changed)`);
  }
  const dir = dirname(target);
  try {
    mkdirSync(dir, { recursive: true, mode: o.shared ? 0o755 : 0o700 });
  } catch (err) {
    throw new SfsError('IO', `cannot create ${dir}: ${(err as Error).message}`);
  }
  let backup: string | null = null;
  if (existed) {
    backup = backupPath(target);
    try {
      copyFileSync(target, backup);
    } catch (err) {
      throw new SfsError('IO', `cannot back up ${file} to ${backup}: ${(err as Error).message} (nothing was changed)`);
    }
  }
  const tmp = join(dir, `.${basename(target)}.sfs-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new SfsError('IO', `cannot write ${file}: ${(err as Error).message} (nothing was changed)`);
  }
  return { backup };
}
