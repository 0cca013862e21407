import {
  forEachJsonObject,
  openRegularFile,
  type CaptureProblem,
  type ReadResult,
  fingerprintHandle,
  isSameFileGrown,
  type FileFingerprint,
} from '../../engine/adapter-kit.js';
import type { FileHandle } from 'node:fs/promises';
import { emptyState, Replay, type ReplayState } from './replay.js';
import { toSession } from './session.js';
import { pathFor } from '../shared/paths.js';
import { cleanStrings, errorText, isObj } from '../shared/values.js';
import { unknownTypesField } from '../shared/unknown-types.js';

/** What a JSONL source hands back between reads: where to resume and the replay state there. */
export interface JsonlCursor {
  v: 1;
  offset: number;
  line: number;
  fp: FileFingerprint;
  state: ReplayState;
}

function isCursor(c: unknown): c is JsonlCursor {
  return (
    isObj(c) &&
    c.v === 1 &&
    typeof c.offset === 'number' &&
    typeof c.line === 'number' &&
    isObj(c.fp) &&
    isObj(c.state) &&
    Array.isArray((c.state as { live?: unknown }).live) &&
    isObj((c.state as { gone?: unknown }).gone)
  );
}

export async function readJsonl(file: string, cursor: unknown, platform: NodeJS.Platform, maxLineBytes?: number): Promise<ReadResult> {
  const problems: CaptureProblem[] = [];
  // One open for the read and the fingerprint.
  let fh: FileHandle | undefined;
  let st;
  try {
    ({ fh, st } = await openRegularFile(file));
  } catch (err) {
    await fh?.close().catch(() => undefined);
    return { sessions: [], cursor, problems: [{ path: file, message: `cannot read: ${errorText(err)}` }] };
  }
  try {
    return await readOpen(file, fh, st.mtime, cursor, platform, problems, maxLineBytes);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readOpen(
  file: string,
  fh: FileHandle,
  mtime: Date,
  cursor: unknown,
  platform: NodeJS.Platform,
  problems: CaptureProblem[],
  maxLineBytes?: number,
): Promise<ReadResult> {
  let offset = 0;
  let line = 1;
  let state: ReplayState = emptyState();
  try {
    if (isCursor(cursor) && (await isSameFileGrown(file, cursor.fp))) {
      offset = cursor.offset;
      line = cursor.line;
      state = structuredClone(cursor.state);
      // A cursor stored before `conversation` existed was only stored once the session was reported.
      state.conversation ??= true;
    }
  } catch {
    // unreadable fingerprint: read from the start, the engine de-duplicates by msg_id
  }
  const stem = pathFor(platform)
    .basename(file)
    .replace(/\.jsonl$/, '');
  const replay = new Replay(state, stem);
  ({ offset, line } = await forEachJsonObject(
    file,
    { offset, line },
    problems,
    (rec, at) => replay.apply(cleanStrings(rec), `offset:${at}`),
    fh,
    maxLineBytes,
  ));
  let fp: FileFingerprint | null = null;
  try {
    fp = await fingerprintHandle(fh);
  } catch (err) {
    problems.push({ path: file, message: `cannot fingerprint: ${errorText(err)}` });
  }
  // No conversation yet: nothing is consumed, so once one starts the file is read whole.
  if (!replay.state.conversation) return { sessions: [], cursor, problems };
  const next: JsonlCursor | unknown = fp ? { v: 1, offset, line, fp, state: replay.state } : cursor;
  const sessions = [await toSession(file, platform, replay.sessionId, replay.state, [...replay.out.values()], mtime)];
  return { sessions, cursor: next, problems, ...unknownTypesField(replay.unknown) };
}
