import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type AdapterEnv,
  type CaptureProblem,
  type CaptureSource,
  type CapturedSession,
  type ReadOptions,
  type ReadResult,
  type SessionHeader,
  DEFAULT_MAX_LINE_BYTES,
  readRegularFile,
} from '../../engine/adapter-kit.js';
import { bufferLines, feedLines, readAppendFile } from '../shared/append-file.js';
import { codexHome, idFromFileName } from './locate.js';
import { CodexParser, initialCodexState, type CodexState } from './parse.js';
import { readLegacyRollout } from './legacy.js';
import { homeOfRollout, threadNames } from './session-index.js';
import { unknownTypesField } from '../shared/unknown-types.js';

/** Compressed rollouts are finished threads: read whole (offsets match the plain file's, so ids do too). */
const MAX_ZST_BYTES = 256 * 1024 * 1024;

async function readZst(file: string, parser: CodexParser, problems: CaptureProblem[], maxLineBytes = DEFAULT_MAX_LINE_BYTES): Promise<void> {
  let data: Uint8Array;
  try {
    // Loaded on the first compressed rollout: most stores have none, and a bundle hoists static imports.
    const { decompress } = await import('fzstd');
    data = decompress(await readRegularFile(file, MAX_ZST_BYTES));
  } catch (e) {
    problems.push({ path: file, message: `cannot read zstd rollout: ${(e as Error).message}` });
    return;
  }
  const lines = bufferLines(data, true, maxLineBytes);
  await feedLines(lines, parser, { offset: 0, line: 1, reportedTo: 0 }, file, problems, Infinity, maxLineBytes);
}

function header(file: string, s: CodexState, nativeId: string, title: string | null, fallbackTime: string): SessionHeader {
  return {
    native_id: nativeId,
    native_path: file,
    cwd: s.cwd,
    git: s.git,
    model: s.model || s.provider ? { provider: s.provider, model_id: s.model } : null,
    tool_version: s.version,
    title,
    created_at: s.createdAt ?? fallbackTime,
    interface: s.originator,
    agent_id: s.nickname,
  };
}

/** Reads a rollout (plain, zstd or legacy JSON) from its cursor; loaded only when a source changed. */
export async function read(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts: ReadOptions = {}): Promise<ReadResult> {
  const file = source.path;
  if (file.endsWith('.json')) return readLegacyRollout(file, cursor);
  const fileId = idFromFileName(file);
  const sessionKey = fileId ?? path.basename(file).replace(/\.jsonl(\.zst)?$/, '');
  let parser: CodexParser | null = null;
  let problems: CaptureProblem[] = [];
  let nextCursor: unknown = null;
  let more: true | undefined;
  if (file.endsWith('.zst')) {
    parser = new CodexParser(initialCodexState(fileId), sessionKey);
    await readZst(file, parser, problems, opts.maxLineBytes);
    parser.finish();
  } else {
    const res = await readAppendFile<CodexState>(
      file,
      cursor,
      (state) => (parser = new CodexParser(state ?? initialCodexState(fileId), sessionKey)),
      opts.maxBytes,
      opts.maxLineBytes,
    );
    problems = res.problems;
    nextCursor = res.cursor;
    more = res.more || undefined;
  }
  const p = parser as CodexParser | null;
  if (!p) return { sessions: [], cursor: nextCursor, problems, more };
  const s = p.state;
  const unknown = unknownTypesField(p.unknown);
  const nativeId = s.threadId ?? fileId;
  if (!nativeId || (p.messages.length === 0 && !s.createdAt)) return { sessions: [], cursor: nextCursor, problems, more, ...unknown };
  const names = await threadNames(homeOfRollout(file) ?? codexHome(env));
  const title = names.get(nativeId.toLowerCase()) ?? s.threadName ?? s.eventPrompt ?? s.itemPrompt;
  let fallbackTime = new Date(0).toISOString();
  try {
    fallbackTime = (await stat(file)).mtime.toISOString();
  } catch {
    // keep the epoch fallback
  }
  const session: CapturedSession = {
    nativeId,
    header: header(file, s, nativeId, title, fallbackTime),
    messages: p.messages,
    parentNativeId: s.parentId,
  };
  return { sessions: [session], cursor: nextCursor, problems, more, ...unknown };
}
