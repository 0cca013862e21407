import { stat } from 'node:fs/promises';
import {
  readRegularFile,
  parseJsonBounded,
  type AdapterEnv,
  type CaptureSource,
  type CapturedSession,
  type ReadOptions,
  type ReadResult,
  type SessionHeader,
  type ToolAdapter,
  probeInstallation,
} from '../../engine/adapter-kit.js';
import path from 'node:path';
import { readAppendFile } from '../shared/append-file.js';
import { claudeProjectDirs, claudeSourceFor, listClaudeSources } from './locate.js';
import { ClaudeParser, initialClaudeState, type ClaudeState } from './parse.js';
import { isObj, strOrNull, titleText } from '../shared/values.js';

/** What the file's place in the store says about it. */
interface FileRole {
  /** Session id from the file name (main transcripts). */
  stem: string;
  /** Sub-agent id for `agent-<id>.jsonl` files, with the parent session id when the folder names it. */
  agentId: string | null;
  parentFromPath: string | null;
}

function fileRole(file: string): FileRole {
  const base = path.basename(file).replace(/\.jsonl$/, '');
  const agent = /^agent-(.+)$/.exec(base);
  if (!agent) return { stem: base, agentId: null, parentFromPath: null };
  // …/<sessionId>/subagents/[workflows/<wf>/]agent-<id>.jsonl
  const parts = file.split(/[\\/]/);
  const i = parts.lastIndexOf('subagents');
  return { stem: base, agentId: agent[1] ?? null, parentFromPath: i > 0 ? (parts[i - 1] ?? null) : null };
}

async function readMeta(file: string): Promise<Record<string, unknown> | null> {
  try {
    const text = (await readRegularFile(file.replace(/\.jsonl$/, '.meta.json'))).toString('utf8');
    const v: unknown = parseJsonBounded(text);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The title sidecar Claude Code (2.1.3xx) keeps beside a transcript, `<dir>/<session>/custom-title.json`
 * ({ customTitle, by, at }): it holds the current custom title, also when a rename was not appended
 * to the transcript.
 */
const titleSidecar = (file: string, stem: string) => path.join(path.dirname(file), stem, 'custom-title.json');

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

async function read(source: CaptureSource, cursor: unknown, opts: ReadOptions = {}): Promise<ReadResult> {
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

export const adapter: ToolAdapter = {
  tool: 'claude-code',
  displayName: 'Claude Code',
  storeDirs: (env: AdapterEnv) => claudeProjectDirs(env),
  listSources: (env: AdapterEnv) => listClaudeSources(env),
  sourceFor: (changedPath: string, env: AdapterEnv) => claudeSourceFor(changedPath, env),
  read: (source: CaptureSource, cursor: unknown, _env: AdapterEnv, opts?: ReadOptions) => read(source, cursor, opts),
  // A sub-agent's title may come from the .meta.json beside it, a session's from its custom-title.json.
  stampPaths: (source: CaptureSource) => {
    const role = fileRole(source.path);
    return [source.path, role.agentId ? source.path.replace(/\.jsonl$/, '.meta.json') : titleSidecar(source.path, role.stem)];
  },
  newestTested: '2.1.332',
  // The native installer links `claude` to `…/claude/versions/<version>`; npm installs have a package.json.
  installation: (env: AdapterEnv) =>
    probeInstallation(env, {
      bins: ['claude'],
      packages: ['@anthropic-ai/claude-code'],
      // Files only Claude Code writes in its config folder (sfs writes projects/ and ~/.claude.json itself).
      traces: claudeProjectDirs(env).flatMap((d) => [path.join(path.dirname(d), 'history.jsonl'), path.join(path.dirname(d), '.credentials.json')]),
    }),
};

export default adapter;
