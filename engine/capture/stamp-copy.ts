import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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

/** The copy last read, by file and the identity, size and times it had: the daemon catches up tool by tool and reads it once. */
let last: { file: string; version: string; stamps: ReadonlyMap<string, string> } | undefined;

const versionOf = (file: string) => {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : undefined;
};

/** The stamps in the copy (read-only: writeStampCopy takes a new map). */
export function readStampCopy(paths: SfsPaths): ReadonlyMap<string, string> {
  const file = stampCopyFile(paths);
  let version: string | undefined;
  let text: string;
  try {
    version = versionOf(file);
    if (version === undefined) return new Map();
    if (last?.file === file && last.version === version) return last.stamps;
    text = readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  const stamps = new Map<string, string>();
  try {
    const parsed = JSON.parse(text) as { v?: unknown; stamps?: unknown };
    if (parsed.v === VERSION && Array.isArray(parsed.stamps))
      for (const e of parsed.stamps as unknown[]) if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') stamps.set(e[0], e[1]);
  } catch {
    // damaged: as empty
  }
  // A file rewritten in place between the stat and the read keeps the older version: read again next time.
  if (versionOf(file) === version) last = { file, version, stamps };
  return stamps;
}

/**
 * Replaces the copy (write then rename: a reader sees the old file or the new one, never a
 * part). Processes writing at once each write stamps the log held, so whichever lands is
 * right. Failing to write (a full disk, a read-only store) only costs the next pass a log read.
 */
export function writeStampCopy(paths: SfsPaths, stamps: ReadonlyMap<string, string>): void {
  const file = stampCopyFile(paths);
  if (!replaceFile(file, JSON.stringify({ v: VERSION, stamps: [...stamps] }))) return;
  const version = versionOf(file);
  last = version === undefined ? undefined : { file, version, stamps: new Map(stamps) };
}

/** Writes `text` to a temporary file and renames it over `file`; false (and no temporary file left) when that fails. */
function replaceFile(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing written
    }
    return false;
  }
}

/** Forgets the copy last read (a daemon done with its catch-up keeps no copy of 20,000 stamps in memory). */
export function forgetStampCopy(): void {
  last = undefined;
}

/**
 * Per tool, one digest of every source it had and their stamps, recorded by a pass that found
 * them all unchanged: the next pass whose sources and stamps give the same digest knows all of
 * them unchanged without reading the copy (3.4 MB at 20,000 sessions). Every stamp in a digest
 * was vouched for by the copy or the log, and a stamp never comes back once its file changed
 * (ctime is in it), so a matching digest vouches for each of them. Any other outcome (a source
 * added, removed, changed, or listed in another order) only sends the pass to the copy.
 * It lives beside the copy, in the log's folder, and goes with the log.
 */
const DIGEST_FILE = 'sfs-capture-stamps.digest.json';
const DIGEST_VERSION = 1;

export function toolDigestFile(paths: SfsPaths): string {
  return join(logDir(paths), DIGEST_FILE);
}

/** The digest of a tool's sources and their stamps, in the order its pass listed them. */
export function stampDigest(entries: ReadonlyArray<{ key: string; stamp: string }>): string {
  let text = '';
  for (const e of entries) text += `${e.key}\n${e.stamp}\n`;
  return createHash('sha1').update(text).digest('hex');
}

/** The recorded digests by tool (none when the file is missing or damaged). */
export function readToolDigests(paths: SfsPaths): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(toolDigestFile(paths), 'utf8')) as { v?: unknown; tools?: unknown };
    if (parsed.v !== DIGEST_VERSION || !parsed.tools || typeof parsed.tools !== 'object') return {};
    const out: Record<string, string> = {};
    for (const [tool, d] of Object.entries(parsed.tools as Record<string, unknown>)) if (typeof d === 'string') out[tool] = d;
    return out;
  } catch {
    return {};
  }
}

/** Sets (a digest) or drops (null) tools' digests; write then rename, and a failure only costs the next pass a copy read. */
export function updateToolDigests(paths: SfsPaths, update: Record<string, string | null>): void {
  const had = readToolDigests(paths);
  const next = { ...had };
  for (const [tool, d] of Object.entries(update)) {
    if (d === null) delete next[tool];
    else next[tool] = d;
  }
  if (Object.keys(next).length === Object.keys(had).length && Object.entries(next).every(([t, d]) => had[t] === d)) return;
  replaceFile(toolDigestFile(paths), JSON.stringify({ v: DIGEST_VERSION, tools: next }));
}
