import { readFileSync } from 'node:fs';
import { type AdapterEnv, type CaptureSource, type ReadOptions, type ReadResult } from '../../engine/adapter-kit.js';
import { readAppendFile } from '../shared/append-file.js';
import { pathFor } from '../shared/paths.js';
import { unknownTypesField } from '../shared/unknown-types.js';
import { isObj, str, titleText } from '../shared/values.js';
import { conversationOf } from './locate.js';
import { AntigravityParser, initialAgState, type AgState } from './parse.js';

/** history.jsonl is small (one line per prompt); beyond this it is not read for a working directory. */
const HISTORY_MAX = 16 * 1024 * 1024;

/** The prompt log `<app>/history.jsonl` (`display`, `timestamp`, `workspace`, `conversationId`): the conversation's directory and first prompt. */
function historyOf(appDir: string, id: string, platform: NodeJS.Platform): { cwd: string | null; prompt: string | null } {
  const out = { cwd: null as string | null, prompt: null as string | null };
  let text: string;
  try {
    const buf = readFileSync(pathFor(platform).join(appDir, 'history.jsonl'));
    if (buf.length > HISTORY_MAX) return out;
    text = buf.toString('utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(id)) continue;
    try {
      const r: unknown = JSON.parse(line);
      if (!isObj(r) || str(r.conversationId) !== id) continue;
      out.cwd ??= str(r.workspace) || null;
      out.prompt ??= str(r.display) || null;
    } catch {
      // a damaged line says nothing
    }
  }
  return out;
}

/** Reads a conversation's step log from its cursor; loaded only when a source changed. */
export async function read(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts: ReadOptions = {}): Promise<ReadResult> {
  const { id, appDir } = conversationOf(source.path, env.platform);
  let parser: AntigravityParser | null = null;
  const res = await readAppendFile<AgState>(
    source.path,
    cursor,
    (state) => (parser = new AntigravityParser(state ?? initialAgState(), id)),
    opts.maxBytes,
    opts.maxLineBytes,
  );
  const more = res.more || undefined;
  const p = parser as AntigravityParser | null;
  if (!p || 'failed' in res) return { sessions: [], cursor: res.cursor, problems: res.problems };
  const unknown = unknownTypesField(p.unknown);
  const s = p.state;
  if (p.messages.length === 0 && s.lastMsgId === null) return { sessions: [], cursor: res.cursor, problems: res.problems, more, ...unknown };
  const hist = historyOf(appDir, id, env.platform);
  return {
    sessions: [
      {
        nativeId: id,
        header: {
          native_id: id,
          native_path: source.path,
          cwd: hist.cwd,
          model: null,
          tool_version: null,
          title: s.firstPrompt ?? (hist.prompt ? titleText(hist.prompt) : null),
          created_at: s.createdAt ?? new Date(0).toISOString(),
          interface: pathFor(env.platform).basename(appDir) === 'antigravity-cli' ? 'cli' : 'app',
        },
        messages: p.messages,
      },
    ],
    cursor: res.cursor,
    problems: res.problems,
    more,
    ...unknown,
  };
}
