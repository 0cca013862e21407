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
import { unknownTypesField } from '../shared/unknown-types.js';

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
    git: s.gitBranch ? { branch: s.gitBranch } : null,
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
  const unknown = unknownTypesField(p.unknown);
  const s = p.state;
  let nativeId = role.stem;
  let parentNativeId: string | null = null;
  let title = s.customTitle ?? s.aiTitle ?? s.summary ?? s.firstPrompt;
  if (role.agentId) {
    parentNativeId = role.parentFromPath ?? s.sessionId;
    if (!parentNativeId) return { sessions: [], cursor: res.cursor, problems: res.problems, more, ...unknown }; // nothing read yet
    nativeId = `${parentNativeId}/agent-${role.agentId}`;
    const meta = await readMeta(file);
    const desc = meta ? strOrNull(meta.description) : null;
    if (!s.customTitle && !s.aiTitle && desc) title = titleText(desc);
  }
  if (p.messages.length === 0 && !s.sessionId && !s.createdAt) return { sessions: [], cursor: res.cursor, problems: res.problems, more, ...unknown };
  const session: CapturedSession = {
    nativeId,
    header: header(file, s, nativeId, title, await fileTime(file)),
    messages: p.messages,
    parentNativeId,
  };
  return { sessions: [session], cursor: res.cursor, problems: res.problems, more, ...unknown };
}

export const adapter: ToolAdapter = {
  tool: 'claude-code',
  displayName: 'Claude Code',
  storeDirs: (env: AdapterEnv) => claudeProjectDirs(env),
  listSources: (env: AdapterEnv) => listClaudeSources(env),
  sourceFor: (changedPath: string, env: AdapterEnv) => claudeSourceFor(changedPath, env),
  read: (source: CaptureSource, cursor: unknown, _env: AdapterEnv, opts?: ReadOptions) => read(source, cursor, opts),
  // A sub-agent's title may come from the .meta.json beside it.
  stampPaths: (source: CaptureSource) => (fileRole(source.path).agentId ? [source.path, source.path.replace(/\.jsonl$/, '.meta.json')] : [source.path]),
  newestTested: '2.1.197',
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
