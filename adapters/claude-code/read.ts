import { stat } from 'node:fs/promises';
import {
  readRegularFile,
  parseJsonBounded,
  type CaptureSource,
  type CapturedSession,
  type ReadOptions,
  type ReadResult,
  type SessionHeader,
} from '../../engine/adapter-kit.js';
import { readAppendFile } from '../shared/append-file.js';
import { fileRole, titleSidecar } from './file-role.js';
import { ClaudeParser, initialClaudeState, type ClaudeState } from './parse.js';
import { isObj, strOrNull, titleText } from '../shared/values.js';

async function readMeta(file: string): Promise<Record<string, unknown> | null> {
  try {
    const text = (await readRegularFile(file.replace(/\.jsonl$/, '.meta.json'))).toString('utf8');
    const v: unknown = parseJsonBounded(text);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

async function sidecarTitle(file: string, stem: string): Promise<string | null> {
  try {
    const v: unknown = parseJsonBounded((await readRegularFile(titleSidecar(file, stem))).toString('utf8'));
    return isObj(v) ? strOrNull(v.customTitle) : null;
  } catch {
    return null;
  }
}

async function fileTime(file: string): Promise<string> {
  try {
    const st = await stat(file);
    return (st.birthtimeMs > 0 ? st.birthtime : st.mtime).toISOString();
  } catch {
    return new Date(0).toISOString();
  }
}

function header(file: string, s: ClaudeState, nativeId: string, title: string | null, createdAt: string): SessionHeader {
  return {
    native_id: nativeId,
    native_path: file,
    cwd: s.cwd,
    git:
      s.gitBranch || s.prLinks?.length ? { ...(s.gitBranch ? { branch: s.gitBranch } : {}), ...(s.prLinks?.length ? { pull_requests: s.prLinks } : {}) } : null,
    model: s.model ? { provider: 'anthropic', model_id: s.model } : null,
    tool_version: s.version,
    title,
    created_at: s.createdAt ?? createdAt,
    interface: s.entrypoint,
    agent_id: s.agentId,
  };
}

/** Reads a transcript from its cursor; loaded only when a source changed. */
export async function read(source: CaptureSource, cursor: unknown, opts: ReadOptions = {}): Promise<ReadResult> {
  const file = source.path;
  const role = fileRole(file);
  const sessionKey = role.parentFromPath ? `${role.parentFromPath}/${role.stem}` : role.stem;
  let parser: ClaudeParser | null = null;
  const res = await readAppendFile<ClaudeState>(
    file,
    cursor,
    (state) => {
      const s = state ?? initialClaudeState();
      s.agentId = role.agentId;
      parser = new ClaudeParser(s, sessionKey);
      return parser;
    },
    opts.maxBytes,
    opts.maxLineBytes,
  );
  const more = res.more || undefined;
  const p = parser as ClaudeParser | null;
  if (!p) return { sessions: [], cursor: res.cursor, problems: res.problems, more };
  const s = p.state;
  const records = { skipped: { ...s.skipped }, unknown: { ...s.unknown } };
  let nativeId = role.stem;
  let parentNativeId: string | null = null;
  const sidecar = role.agentId ? null : await sidecarTitle(file, role.stem);
  let title = (sidecar ? titleText(sidecar) : null) ?? s.customTitle ?? s.aiTitle ?? s.summary ?? s.firstPrompt;
  if (role.agentId) {
    parentNativeId = role.parentFromPath ?? s.sessionId;
    if (!parentNativeId) return { sessions: [], cursor: res.cursor, problems: res.problems, more, records }; // nothing read yet
    nativeId = `${parentNativeId}/agent-${role.agentId}`;
    const meta = await readMeta(file);
    const desc = meta ? strOrNull(meta.description) : null;
    if (!s.customTitle && !s.aiTitle && desc) title = titleText(desc);
  }
  if (p.messages.length === 0 && !s.sessionId && !s.createdAt) return { sessions: [], cursor: res.cursor, problems: res.problems, more, records };
  const session: CapturedSession = {
    nativeId,
    header: header(file, s, nativeId, title, await fileTime(file)),
    messages: p.messages,
    parentNativeId,
  };
  return { sessions: [session], cursor: res.cursor, problems: res.problems, more, records };
}
