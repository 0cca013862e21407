import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Opening native files without ever blocking (DESIGN §11.8). open(2) on a FIFO waits for a
 * writer, and reading a FIFO or a device can wait forever: in libuv's four-thread pool for
 * fs/promises (a few FIFOs stall every file operation of the process) or on the main thread
 * for the *Sync calls. So every native file is opened here: its type is checked without
 * opening it, it is opened with O_NONBLOCK (a FIFO swapped in after the check still opens at
 * once), and the descriptor is checked again, so only a regular file is ever read.
 */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREGULAR';
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`not a regular file (${kind})`);
    this.name = 'NotRegularFileError';
  }
}

const O_NONBLOCK = fsc.O_NONBLOCK ?? 0;

/** What a non-regular file is, for the problem line ("not a regular file (FIFO)"). */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

function mustBeRegular(path: string, st: Stats): void {
  if (!st.isFile()) throw new NotRegularFileError(path, fileKind(st));
}

export interface OpenedFile {
  fh: FileHandle;
  /** fstat of the opened descriptor. */
  st: Stats;
}

/**
 * Opens `path` for reading if it is a regular file; throws NotRegularFileError otherwise
 * (and the usual ENOENT/EACCES errors). `extraFlags`: e.g. O_NOFOLLOW. The caller closes `fh`.
 * Only the open goes to libuv's pool: the stat before it and the fstat after it never block
 * (they read metadata, whatever the file is), and each trip through the pool cost more than
 * the read of a small session file.
 */
export async function openRegularFile(path: string, extraFlags = 0): Promise<OpenedFile> {
  // Checked before opening too: opening some devices has effects of its own.
  mustBeRegular(path, extraFlags & (fsc.O_NOFOLLOW ?? 0) ? lstatSync(path) : statSync(path));
  const fh = await open(path, fsc.O_RDONLY | O_NONBLOCK | extraFlags);
  try {
    const st = fstatSync(fh.fd);
    mustBeRegular(path, st);
    return { fh, st };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Files up to this size are read on the main thread (open, read, close): three trips through
 * libuv's pool cost several times the read itself, and a fresh import reads thousands of small
 * files. Larger ones are read through the pool, so a slow disk does not hold the event loop long.
 */
const SYNC_READ_BYTES = 1024 * 1024;

/** The whole of a regular file (refused beyond `maxBytes`, when given). */
export async function readRegularFile(path: string, maxBytes = Infinity): Promise<Buffer> {
  const before = statSync(path);
  if (before.size <= SYNC_READ_BYTES) return readRegularFileSync(path, maxBytes, before);
  const { fh, st } = await openRegularFile(path);
  try {
    mustFit(st, maxBytes);
    return await readToEnd(fh, st.size);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

function mustFit(st: Stats, maxBytes: number): void {
  if (st.size > maxBytes) throw new Error(`file of ${st.size} bytes is too large (limit ${maxBytes})`);
}

/**
 * Reads an open file to its end, in one read when it has not grown past `size` since its
 * fstat (FileHandle.readFile stats it again and reads in 512 KiB pieces, a pool trip each).
 */
async function readToEnd(fh: FileHandle, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  // One byte more than expected: a read that fills it says the file grew, and the loop reads on.
  for (let want = size + 1; ; want = Math.max(want, 64 * 1024)) {
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(buf, got, want - got, total + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    parts.push(got === want ? buf : buf.subarray(0, got));
    total += got;
    if (got < want) return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }
}

/** Synchronous openRegularFile, for the synchronous readers (SQLite headers, small settings files). `before`: the path's stat, when the caller has it. */
export function openRegularFileSync(path: string, before: Stats = statSync(path)): { fd: number; st: Stats } {
  mustBeRegular(path, before);
  const fd = openSync(path, fsc.O_RDONLY | O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    mustBeRegular(path, st);
    return { fd, st };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The whole of a regular file, read on this thread (refused beyond `maxBytes`, when given). */
export function readRegularFileSync(path: string, maxBytes = Infinity, before?: Stats): Buffer {
  const { fd, st } = openRegularFileSync(path, before);
  try {
    mustFit(st, maxBytes);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * For files another library opens by path (better-sqlite3): the type is checked without
 * opening. A file swapped for a FIFO between this check and the library's open is a race
 * this cannot close; the check still keeps every FIFO left in a store from being opened.
 */
export function assertRegularFileSync(path: string): void {
  mustBeRegular(path, statSync(path));
}
