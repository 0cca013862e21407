import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logDir, type SfsPaths } from '../paths.js';

/**
 * A copy of the capture stamps the log holds (source-stamp.ts), in one small file, so a pass
 * over thousands of unchanged sources compares their stamps without opening LevelDB and
 * decoding a cursor each (at 20,000 sessions that range read cost more than all the stats).
 *
 * Only stamps read from the log go in, so each entry is one the log stored with the cursor
 * of a complete read of the source in exactly that state. An entry may be older than the
 * log's (another process captured the source since): the file then differs from it and the
 * log is asked, which is always right. Stamps include the file's ctime, which never goes
 * back, so an older entry never matches a file that changed after it.
 *
 * The file lives inside the log's folder: a log that is removed or replaced takes its copy
 * with it, and a copy never vouches for sources a fresh log has not captured. LevelDB
 * ignores files whose names it does not know. A copy that cannot be read counts as empty.
 */
const FILE = 'sfs-capture-stamps.json';
const VERSION = 1;

export function stampCopyFile(paths: SfsPaths): string {
  return join(logDir(paths), FILE);
}

export function readStampCopy(paths: SfsPaths): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(stampCopyFile(paths), 'utf8');
  } catch {
    return new Map();
  }
  try {
    const parsed = JSON.parse(text) as { v?: unknown; stamps?: unknown };
    if (parsed.v !== VERSION || !Array.isArray(parsed.stamps)) return new Map();
    const out = new Map<string, string>();
    for (const e of parsed.stamps as unknown[]) if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') out.set(e[0], e[1]);
    return out;
  } catch {
    return new Map();
  }
}

/**
 * Replaces the copy (write then rename: a reader sees the old file or the new one, never a
 * part). Processes writing at once each write stamps the log held, so whichever lands is
 * right. Failing to write (a full disk, a read-only store) only costs the next pass a log read.
 */
export function writeStampCopy(paths: SfsPaths, stamps: Map<string, string>): void {
  const file = stampCopyFile(paths);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ v: VERSION, stamps: [...stamps] }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing written
    }
  }
}
