import { fstatSync, readSync, type Stats } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { openRegularFile } from './regular-file.js';

/**
 * Incremental JSONL reading for append-style sources (DESIGN §5). Only complete lines
 * are returned; a partial last line waits for its newline. Lines longer than
 * `maxLineBytes` are skipped (reported) without ever being held in memory whole.
 */
export interface FileFingerprint {
  dev: number;
  ino: number;
  size: number;
  /** sha256 of the first HEAD_BYTES bytes (fewer for smaller files). */
  head: string;
  headLen: number;
}

const HEAD_BYTES = 4096;

export async function fingerprint(path: string): Promise<FileFingerprint> {
  const { fh } = await openRegularFile(path);
  try {
    return await fingerprintHandle(fh);
  } finally {
    await fh.close();
  }
}

/** The fingerprint of an already open file (`st`: its stat, when the caller has it), so a reader opens the file once. */
export async function fingerprintHandle(fh: FileHandle, st?: Stats): Promise<FileFingerprint> {
  const s = st ?? fstatSync(fh.fd);
  const buf = Buffer.alloc(Math.min(HEAD_BYTES, s.size));
  // A few KiB of a regular file: read here rather than through libuv's pool (a trip costs more than the read).
  const bytesRead = buf.length ? readSync(fh.fd, buf, 0, buf.length, 0) : 0;
  return { dev: s.dev, ino: s.ino, size: s.size, head: createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex'), headLen: bytesRead };
}

/**
 * True when `now` is the same file as `before`, only grown (or unchanged): same inode,
 * not shorter, and the head bytes that existed then are unchanged.
 */
export async function isSameFileGrown(path: string, before: FileFingerprint): Promise<boolean> {
  const st = await stat(path);
  if (st.ino !== before.ino || st.dev !== before.dev || st.size < before.size) return false;
  const { fh } = await openRegularFile(path);
  try {
    const buf = Buffer.alloc(before.headLen);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return bytesRead === before.headLen && createHash('sha256').update(buf).digest('hex') === before.head;
  } finally {
    await fh.close();
  }
}

export interface JsonlLine {
  /** 1-based line number, counted from `startLine`. */
  line: number;
  /** Byte offset just after this line's newline: a cursor that resumes after it. */
  end: number;
  text: string;
  /** Set on a line skipped for being over the limit: its length in bytes (`text` is then empty). */
  skipped?: number;
}

export interface ReadLinesOptions {
  /** Byte offset to start at (a previous `end`). */
  offset?: number;
  /** Line number of the line at `offset` (so problems name the right line). */
  startLine?: number;
  /** Longer lines are skipped (default DEFAULT_MAX_LINE_BYTES). */
  maxLineBytes?: number;
  chunkBytes?: number;
  /** Read from this open file instead of opening `path` (the caller closes it). */
  handle?: FileHandle;
}

export interface OversizedLine {
  line: number;
  bytes: number;
}

/** readLines lets the event loop run after reading this much. */
const YIELD_BYTES = 8 * 1024 * 1024;

/** Lines longer than this are skipped unless a caller sets another limit (setting `capture.max_line_bytes`). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** The problem text for a skipped line ("300.0 MB line over the 64.0 MB limit, skipped"). */
export function oversizedLineMessage(bytes: number, limit: number): string {
  return `${size(bytes)} line over the ${size(limit)} limit, skipped`;
}

/**
 * Yields complete lines from `offset`. A line over the limit is never held whole: once it
 * passes the limit its bytes are dropped up to its newline, then it is yielded empty with
 * `skipped` set (and reported through `onOversized`), so a cursor moves past it and it is
 * never read again. The final unterminated line is not yielded.
 */
export async function* readLines(path: string, opts: ReadLinesOptions = {}, onOversized?: (o: OversizedLine) => void): AsyncGenerator<JsonlLine> {
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const chunkSize = opts.chunkBytes ?? 1024 * 1024;
  let pos = opts.offset ?? 0;
  let lineNo = opts.startLine ?? 1;
  const fh = opts.handle ?? (await openRegularFile(path)).fh;
  try {
    let parts: Buffer[] = [];
    let partLen = 0;
    let lineStart = pos;
    let skipping = false; // inside an oversized line: drop bytes until its newline
    // No larger than the file needs (most session files are a few KiB; a 1 MiB buffer each is garbage to collect).
    const chunkLen = Math.min(chunkSize, Math.max(64 * 1024, fstatSync(fh.fd).size - pos + 1));
    const chunk = Buffer.allocUnsafe(chunkLen);
    let sinceYield = 0;
    for (;;) {
      // Read here, not through libuv's pool: for a regular file a trip through the pool costs more
      // than the read. The event loop gets a turn every YIELD_BYTES, so a daemon stays responsive.
      const bytesRead = readSync(fh.fd, chunk, 0, chunkLen, pos);
      if (bytesRead === 0) return;
      sinceYield += bytesRead;
      if (sinceYield >= YIELD_BYTES) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl === -1 || nl >= bytesRead) break;
        const end = pos + nl + 1;
        if (skipping || end - lineStart - 1 > maxLine) {
          onOversized?.({ line: lineNo, bytes: end - lineStart });
          yield { line: lineNo, end, text: '', skipped: end - lineStart };
          skipping = false;
        } else {
          const piece = chunk.subarray(start, nl);
          const buf = partLen ? Buffer.concat([...parts, piece]) : piece;
          let text = buf.toString('utf8');
          if (text.endsWith('\r')) text = text.slice(0, -1);
          yield { line: lineNo, end, text };
        }
        parts = [];
        partLen = 0;
        lineNo++;
        lineStart = end;
        start = nl + 1;
      }
      if (start < bytesRead && !skipping) {
        const rest = Buffer.from(chunk.subarray(start, bytesRead));
        parts.push(rest);
        partLen += rest.length;
        if (partLen > maxLine) {
          parts = [];
          partLen = 0;
          skipping = true;
        }
      }
      pos += bytesRead;
    }
  } finally {
    if (!opts.handle) await fh.close();
  }
}
