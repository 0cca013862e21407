import {
  forEachJsonObject,
  openRegularFile,
  type CaptureProblem,
  type CapturedSession,
  type ReadResult,
  fingerprintHandle,
  isSameFileGrown,
  type FileFingerprint,
} from '../../engine/adapter-kit.js';
import type { FileHandle } from 'node:fs/promises';
import { emptyState, EventReplay, type CopilotState } from './events.js';
import { idFromPath } from './locate.js';
import { cleanStrings, errorText, isObj, isoTime, str } from '../shared/values.js';
import { readWorkspace } from './workspace.js';
import { unknownTypesField } from '../shared/unknown-types.js';

export interface CopilotCursor {
  v: 1;
  offset: number;
  line: number;
  fp: FileFingerprint;
  state: CopilotState;
}

function isCursor(c: unknown): c is CopilotCursor {
  return (
    isObj(c) &&
    c.v === 1 &&
    typeof c.offset === 'number' &&
    typeof c.line === 'number' &&
    isObj(c.fp) &&
    isObj(c.state) &&
    isObj((c.state as { open?: unknown }).open) &&
    Array.isArray((c.state as { done?: unknown }).done)
  );
}

const TITLE_MAX = 200;
const titleOf = (text: string | undefined): string | null => {
  const line = (text ?? '').trim().split('\n')[0]!.trim();
  if (!line) return null;
  return line.length > TITLE_MAX ? line.slice(0, TITLE_MAX - 1) + '…' : line;
};

export async function readEvents(file: string, cursor: unknown, platform: NodeJS.Platform, maxLineBytes?: number): Promise<ReadResult> {
  const problems: CaptureProblem[] = [];
  // One open for the read and the fingerprint.
  let fh: FileHandle | undefined;
  let mtime: Date;
  try {
    let st;
    ({ fh, st } = await openRegularFile(file));
    mtime = st.mtime;
  } catch (err) {
    await fh?.close().catch(() => undefined);
    return { sessions: [], cursor, problems: [{ path: file, message: `cannot read: ${errorText(err)}` }] };
  }
  try {
    return await readOpen(file, fh, mtime, cursor, platform, problems, maxLineBytes);
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
  let state = emptyState();
  try {
    if (isCursor(cursor) && (await isSameFileGrown(file, cursor.fp))) {
      offset = cursor.offset;
      line = cursor.line;
      state = structuredClone(cursor.state);
    }
  } catch {
    // fall back to a full read; the engine de-duplicates by msg_id
  }
  const replay = new EventReplay(state, idFromPath(file, platform));
  ({ offset, line } = await forEachJsonObject(
    file,
    { offset, line },
    problems,
    (ev, at, l) => {
      if (typeof ev.type !== 'string') problems.push({ path: file, where: String(l), message: 'not an event object' });
      else replay.apply(cleanStrings(ev), `offset:${at}`);
    },
    fh,
    maxLineBytes,
  ));
  let next: unknown = cursor;
  try {
    next = { v: 1, offset, line, fp: await fingerprintHandle(fh), state: replay.state } satisfies CopilotCursor;
  } catch (err) {
    problems.push({ path: file, message: `cannot fingerprint: ${errorText(err)}` });
  }
  const ws = await readWorkspace(file, platform, problems);
  return { sessions: sessionsOf(file, replay, ws, mtime), cursor: next, problems, ...unknownTypesField(replay.unknown) };
}

function sessionsOf(file: string, replay: EventReplay, ws: Record<string, unknown> | null, mtime: Date): CapturedSession[] {
  const f = replay.state.facts;
  const id = replay.sessionId;
  const sessions: CapturedSession[] = [];
  const main = [...(replay.out.get('')?.values() ?? [])];
  if (main.length || f.sessionId) {
    const created = f.created ?? isoTime(ws?.created_at) ?? main.find((m) => m.timestamp)?.timestamp ?? mtime.toISOString();
    sessions.push({
      nativeId: id,
      parentNativeId: null,
      header: {
        native_id: id,
        native_path: file,
        cwd: f.cwd ?? (str(ws?.cwd) || null),
        git:
          f.branch || f.commit || ws?.branch
            ? {
                branch: f.branch ?? (str(ws?.branch) || null),
                remote_url: f.repository ? `https://github.com/${f.repository}` : null,
                commit_sha: f.commit ?? null,
              }
            : null,
        model: f.model ? { provider: null, model_id: f.model } : null,
        tool_version: f.version ?? null,
        title: titleOf(str(ws?.name)) ?? titleOf(f.firstPrompt),
        created_at: created || mtime.toISOString(),
        interface: 'cli',
      },
      messages: main,
    });
  }
  for (const [key, bucket] of replay.out) {
    if (!key) continue;
    const a = replay.state.agents[key] ?? {};
    const msgs = [...bucket.values()];
    const nativeId = `${id}/${key}`;
    sessions.push({
      nativeId,
      parentNativeId: id,
      header: {
        native_id: nativeId,
        native_path: file,
        cwd: f.cwd ?? null,
        git: null,
        model: a.model ? { provider: null, model_id: a.model } : null,
        tool_version: f.version ?? null,
        title: titleOf(a.firstPrompt) ?? a.name ?? null,
        created_at: a.created ?? msgs.find((m) => m.timestamp)?.timestamp ?? mtime.toISOString(),
        interface: 'cli',
        agent_id: key,
      },
      messages: msgs,
    });
  }
  return sessions;
}
