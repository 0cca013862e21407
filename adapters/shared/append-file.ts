import type { FileHandle } from 'node:fs/promises';
import {
  type CaptureProblem,
  jsonTextTooDeep,
  tooDeepMessage,
  DEFAULT_MAX_LINE_BYTES,
  fingerprintHandle,
  isSameFileGrown,
  oversizedLineMessage,
  readLines,
  type FileFingerprint,
  type JsonlLine,
  openRegularFile,
} from '../../engine/adapter-kit.js';

/**
 * The append-file reader of the adapter kit: one incremental pass over an append-only JSONL
 * file (Claude Code, Codex, Cursor's agent transcripts).
 *
 * The parser keeps all cross-line state in a JSON-serialisable `state`. After every line it
 * says whether everything read so far is final (`settled`): an assistant turn whose usage
 * record has not arrived yet, or a tool call still waiting for its result, is not. The
 * cursor is put at the last settled line, so the unsettled tail is read again next time and
 * its messages come back complete (the engine keeps the newest revision). A tail longer
 * than HOLD_BYTES is committed anyway so a stuck session is not re-read forever.
 */
export const HOLD_BYTES = 1024 * 1024;
const SNAPSHOT_BYTES = 256 * 1024;

export interface PassCursor<S> {
  v: 1;
  offset: number;
  line: number;
  fp: FileFingerprint | null;
  state: S;
  /** Problems are only reported for lines that end after this offset (the held tail is read twice). */
  reportedTo: number;
}

export interface LineParser<S> {
  state: S;
  /** Handles one parsed JSON value of a line. */
  onRecord(value: unknown, at: JsonlLine & { start: number }): void;
  settled(): boolean;
  /** Called once at the end of the pass (finalise open groups, mark unfinished tool calls). */
  finish(): void;
}

export interface PassResult<S> {
  cursor: PassCursor<S>;
  problems: CaptureProblem[];
  /** Whether anything was read from the start of the file in this pass. */
  fromStart: boolean;
  /** The pass stopped at its byte budget with lines left to read. */
  more: boolean;
}

function isPassCursor<S>(c: unknown): c is PassCursor<S> {
  return !!c && typeof c === 'object' && (c as PassCursor<S>).v === 1 && typeof (c as PassCursor<S>).offset === 'number';
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Feeds lines to a parser and computes the next cursor. */
export async function feedLines<S>(
  lines: AsyncIterable<JsonlLine> | Iterable<JsonlLine>,
  parser: LineParser<S>,
  start: { offset: number; line: number; reportedTo: number },
  path: string,
  problems: CaptureProblem[],
  maxBytes = Infinity,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): Promise<{ offset: number; line: number; state: S; end: number; more: boolean }> {
  let safe = { offset: start.offset, line: start.line, state: clone(parser.state) };
  let pos = start.offset;
  let lineNo = start.line;
  let settled = true;
  let more = false;
  for await (const l of lines) {
    // Over budget at a settled point: stop here, the next pass starts from this line.
    if (settled && pos - start.offset >= maxBytes) {
      more = true;
      break;
    }
    const at = { ...l, start: pos };
    pos = l.end;
    lineNo = l.line + 1;
    const report = l.end > start.reportedTo;
    if (l.skipped !== undefined) {
      if (report) problems.push({ path, where: String(l.line), message: oversizedLineMessage(l.skipped, maxLineBytes) });
    } else if (jsonTextTooDeep(l.text)) {
      // Everything after JSON.parse recurses: such a line would overflow the stack.
      if (report) problems.push({ path, where: String(l.line), message: `${tooDeepMessage()}, skipped` });
    } else if (l.text.trim() !== '') {
      let value: unknown;
      let ok = true;
      try {
        value = JSON.parse(l.text);
      } catch (e) {
        ok = false;
        if (report) problems.push({ path, where: String(l.line), message: `invalid JSON: ${(e as Error).message.slice(0, 200)}` });
      }
      if (ok) {
        try {
          parser.onRecord(value, at);
        } catch (e) {
          if (report) problems.push({ path, where: String(l.line), message: `unreadable record: ${(e as Error).message.slice(0, 200)}` });
        }
      }
    }
    // Copying the state at every settled line cost more than parsing the line (the state
    // carries the recent-id window), so a copy is taken at most every SNAPSHOT_BYTES, plus
    // once at the end when the pass ends settled. An unsettled tail then resumes from up to
    // SNAPSHOT_BYTES earlier than the last settled line: re-read lines give the same messages.
    settled = parser.settled();
    if (settled && pos - safe.offset >= SNAPSHOT_BYTES) safe = { offset: pos, line: lineNo, state: clone(parser.state) };
  }
  if (settled && pos > safe.offset) safe = { offset: pos, line: lineNo, state: clone(parser.state) };
  parser.finish();
  if (pos - safe.offset > HOLD_BYTES) safe = { offset: pos, line: lineNo, state: clone(parser.state) };
  return { ...safe, end: pos, more };
}

/**
 * Reads `path` from `prev` (or from the start when the file was truncated or replaced).
 * `makeParser` receives the state to continue from (null: fresh).
 */
export async function readAppendFile<S>(
  path: string,
  prev: unknown,
  makeParser: (state: S | null, fromStart: boolean) => LineParser<S>,
  maxBytes = Infinity,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): Promise<PassResult<S> | { cursor: unknown; problems: CaptureProblem[]; fromStart: false; more: false; failed: true }> {
  const problems: CaptureProblem[] = [];
  let fp: FileFingerprint;
  // One open for the fingerprint and the read.
  let fh: FileHandle;
  let st;
  try {
    ({ fh, st } = await openRegularFile(path));
  } catch (e) {
    return { cursor: prev ?? null, problems: [{ path, message: `cannot read: ${(e as Error).message}` }], fromStart: false, more: false, failed: true };
  }
  try {
    try {
      fp = await fingerprintHandle(fh, st);
    } catch (e) {
      return { cursor: prev ?? null, problems: [{ path, message: `cannot read: ${(e as Error).message}` }], fromStart: false, more: false, failed: true };
    }
    let cont: PassCursor<S> | null = null;
    if (isPassCursor<S>(prev) && prev.fp) {
      try {
        if (await isSameFileGrown(path, prev.fp)) cont = prev;
      } catch {
        cont = null;
      }
    }
    const fromStart = !cont || cont.offset === 0;
    const parser = makeParser(cont ? clone(cont.state) : null, fromStart);
    const startAt = { offset: cont?.offset ?? 0, line: cont?.line ?? 1, reportedTo: cont?.reportedTo ?? 0 };
    let done: { offset: number; line: number; state: S; end: number; more: boolean };
    try {
      const lines = readLines(path, { offset: startAt.offset, startLine: startAt.line, handle: fh, maxLineBytes });
      done = await feedLines(lines, parser, startAt, path, problems, maxBytes, maxLineBytes);
    } catch (e) {
      // I/O failed mid-way: keep what was parsed, retry from the old position next time.
      parser.finish();
      problems.push({ path, message: `read failed: ${(e as Error).message}` });
      return { cursor: prev ?? null, problems, fromStart: false, more: false, failed: true };
    }
    const cursor: PassCursor<S> = { v: 1, offset: done.offset, line: done.line, fp, state: done.state, reportedTo: Math.max(startAt.reportedTo, done.end) };
    return { cursor, problems, fromStart, more: done.more };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Splits an in-memory buffer (e.g. a decompressed .zst rollout) into lines like readLines. */
export function* bufferLines(
  buf: Uint8Array,
  final: boolean,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  onOversized?: (line: number, bytes: number) => void,
): Generator<JsonlLine> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let start = 0;
  let line = 1;
  for (;;) {
    let nl = b.indexOf(10, start);
    if (nl === -1) {
      // A finished (compressed) file may lack the last newline; a live one must wait for it.
      if (!final || start >= b.length) return;
      nl = b.length;
    }
    if (nl - start > maxLineBytes) {
      onOversized?.(line, nl - start + 1);
      yield { line, end: Math.min(nl + 1, b.length), text: '', skipped: nl - start + 1 };
    } else {
      let text = b.subarray(start, nl).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      yield { line, end: Math.min(nl + 1, b.length), text };
    }
    start = nl + 1;
    line++;
  }
}
