import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type AdapterEnv,
  type CaptureProblem,
  type CaptureSource,
  type CapturedSession,
  type ReadOptions,
  type ReadResult,
  parseJsonBounded,
} from '../../engine/adapter-kit.js';
import { readAppendFile } from '../shared/append-file.js';
import { pathFor } from '../shared/paths.js';
import { isObj, numOrNull, strOrNull } from '../shared/values.js';
import { cursorDotDir } from './locate.js';
import { hasTable, openReadOnly, valueText } from '../shared/sqlite.js';
import { initialTranscriptState, TranscriptParser, type TranscriptState } from './transcript-parse.js';
import { unknownTypesField } from '../shared/unknown-types.js';

/**
 * Cursor Agent transcripts (format doc §5), written by the `cursor-agent` CLI and by newer
 * agent runs in the IDE:
 *
 *   ~/.cursor/projects/<project-slug>/agent-transcripts/<id>.jsonl
 *   ~/.cursor/projects/<project-slug>/agent-transcripts/<id>/<id>.jsonl
 *   ~/.cursor/projects/<project-slug>/agent-transcripts/<id>/subagents/<sub-id>.jsonl
 *   ~/.cursor/chats/<md5 of the project path>/<id>/store.db   (CLI chats: name, createdAt, model)
 *
 * Append-only JSONL, read from a byte cursor. The IDE names its transcripts after the
 * composer whose bubbles the state DB source already captures, so transcript sessions get
 * their own native id namespace (`agent-transcript:<id>`) rather than sharing — and
 * doubling — the composer's session.
 */
export const TRANSCRIPTS_DIR = 'agent-transcripts';
export const NATIVE_PREFIX = 'agent-transcript:';

/** `~/.cursor/projects` and `~/.cursor/chats`. */
export function agentDirs(env: AdapterEnv): { projects: string; chats: string } {
  const p = pathFor(env.platform);
  const root = cursorDotDir(env);
  return { projects: p.join(root, 'projects'), chats: p.join(root, 'chats') };
}

const isJsonl = (name: string) => name.endsWith('.jsonl');

function dirEntries(dir: string): Array<{ name: string; dir: boolean; file: boolean }> {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory(), file: e.isFile() }));
  } catch {
    return [];
  }
}

/** Every transcript file under `projects/`, sorted. */
export function listTranscripts(env: AdapterEnv): string[] {
  const { projects } = agentDirs(env);
  const out: string[] = [];
  for (const proj of dirEntries(projects)) {
    if (!proj.dir) continue;
    const root = path.join(projects, proj.name, TRANSCRIPTS_DIR);
    for (const e of dirEntries(root)) {
      if (e.file && isJsonl(e.name)) out.push(path.join(root, e.name));
      else if (e.dir) {
        const dir = path.join(root, e.name);
        for (const f of dirEntries(dir)) if (f.file && isJsonl(f.name)) out.push(path.join(dir, f.name));
        const subs = path.join(dir, 'subagents');
        for (const f of dirEntries(subs)) if (f.file && isJsonl(f.name)) out.push(path.join(subs, f.name));
      }
    }
  }
  return out.sort();
}

/** Where a path sits under `projects/<slug>/agent-transcripts/`: the parts after it, or null. */
function transcriptParts(file: string, env: AdapterEnv): { slug: string; rest: string[] } | null {
  const p = pathFor(env.platform);
  const rel = p.relative(agentDirs(env).projects, file);
  if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) return null;
  const parts = rel.split(/[\\/]/);
  if (parts.length < 3 || parts[1] !== TRANSCRIPTS_DIR) return null;
  return { slug: parts[0]!, rest: parts.slice(2) };
}

/** A changed transcript, or a changed CLI `store.db` of a chat that has one. */
export function transcriptSourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const t = transcriptParts(changedPath, env);
  if (t) {
    const { rest } = t;
    const ok = (rest.length === 1 || rest.length === 2 || (rest.length === 3 && rest[1] === 'subagents')) && isJsonl(rest[rest.length - 1]!);
    return ok ? { path: changedPath, style: 'append' } : null;
  }
  const rel = p.relative(agentDirs(env).chats, changedPath);
  if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) return null;
  const parts = rel.split(/[\\/]/);
  if (parts.length !== 3 || !/^store\.db(-wal)?$/.test(parts[2]!)) return null;
  const file = findTranscript(parts[1]!, env);
  return file ? { path: file, style: 'append' } : null;
}

/** The transcript of chat `id` (flat or foldered layout), or null. */
function findTranscript(id: string, env: AdapterEnv): string | null {
  const { projects } = agentDirs(env);
  for (const proj of dirEntries(projects)) {
    if (!proj.dir) continue;
    const root = path.join(projects, proj.name, TRANSCRIPTS_DIR);
    for (const f of [path.join(root, id, `${id}.jsonl`), path.join(root, `${id}.jsonl`)]) if (existsSync(f)) return f;
  }
  return null;
}

const idOf = (file: string) => path.basename(file).replace(/\.jsonl$/, '');

/** The parent chat of a sub-agent transcript (`<parent>/subagents/<id>.jsonl`), or null. */
function parentOf(file: string): string | null {
  const dir = path.dirname(file);
  if (path.basename(dir) !== 'subagents') return null;
  const sessionDir = path.dirname(dir);
  const name = path.basename(sessionDir);
  if (existsSync(path.join(sessionDir, `${name}.jsonl`))) return name;
  // Not the <id>/<id>.jsonl layout: the one transcript beside `subagents/` is the parent.
  const siblings = dirEntries(sessionDir).filter((e) => e.file && isJsonl(e.name));
  return siblings.length === 1 ? idOf(siblings[0]!.name) : name;
}

export interface ChatMeta {
  name: string | null;
  createdAt: string | null;
  model: string | null;
  mode: string | null;
  /** The `chats/<hash>` folder name: md5 of the project path. */
  projectHash: string;
}

/** `meta` key `0` of a CLI chat's store.db: hex-encoded JSON. Problems are reported, never thrown. */
export function readChatMeta(dbPath: string, problems: CaptureProblem[]): Omit<ChatMeta, 'projectHash'> | null {
  let h;
  try {
    h = openReadOnly(dbPath);
  } catch (e) {
    problems.push({ path: dbPath, message: `cannot open chat database (locked or corrupt?): ${(e as Error).message}` });
    return null;
  }
  try {
    if (!hasTable(h.db, 'meta')) {
      problems.push({ path: dbPath, message: 'chat database has no meta table' });
      return null;
    }
    const row = h.db.prepare("SELECT value FROM meta WHERE key = '0'").get() as { value: unknown } | undefined;
    const raw = row ? valueText(row.value) : null;
    if (!raw) return null;
    const text = /^[0-9a-f]+$/i.test(raw.trim()) && raw.trim().length % 2 === 0 ? Buffer.from(raw.trim(), 'hex').toString('utf8') : raw;
    let v: unknown;
    try {
      v = parseJsonBounded(text);
    } catch (e) {
      problems.push({ path: dbPath, where: 'meta[0]', message: `invalid JSON: ${(e as Error).message.slice(0, 200)}` });
      return null;
    }
    if (!isObj(v)) return null;
    const created = numOrNull(v.createdAt);
    return {
      name: strOrNull(v.name)?.trim() || null,
      createdAt: created !== null && created > 0 ? new Date(created < 1e12 ? created * 1000 : created).toISOString() : null,
      model: strOrNull(v.lastUsedModel),
      mode: strOrNull(v.mode),
    };
  } catch (e) {
    problems.push({ path: dbPath, message: `cannot read chat database (locked or corrupt?): ${(e as Error).message}` });
    return null;
  } finally {
    h.close();
  }
}

/** The CLI store of chat `id`: `chats/<hash>/<id>/store.db`, or null. */
function findChatDb(id: string, env: AdapterEnv): { dbPath: string; projectHash: string } | null {
  const { chats } = agentDirs(env);
  for (const h of dirEntries(chats)) {
    if (!h.dir) continue;
    const dbPath = path.join(chats, h.name, id, 'store.db');
    try {
      if (statSync(dbPath).isFile()) return { dbPath, projectHash: h.name };
    } catch {
      // not this project
    }
  }
  return null;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const MAX_PROBES = 4096;
/** Decoded slugs (found ones only: a folder may appear later). */
const slugCache = new Map<string, string>();

/**
 * The project path a slug stands for. Cursor turns `/home/dev/my-app` into `home-dev-my-app`,
 * so each `-` was a separator or a literal character. A decoding is accepted when its md5
 * is the chat store's project hash, or when the folder exists on this machine (walking
 * existing folders left to right, as a separator is only possible after an existing one).
 */
export function projectPathFromSlug(slug: string, env: AdapterEnv, projectHash: string | null): string | null {
  const key = `${env.platform}\0${slug}\0${projectHash ?? ''}`;
  const hit = slugCache.get(key);
  if (hit) return hit;
  const segs = slug.split('-');
  const win = env.platform === 'win32';
  const sep = win ? '\\' : '/';
  const exists = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  // Windows: `c-Users-dev-app` → `c:\Users\dev\app`.
  const start = win && /^[a-z]$/i.test(segs[0] ?? '') ? { prefix: `${segs[0]!.toUpperCase()}:`, from: 1 } : { prefix: '', from: 0 };
  const found: string[] = [];
  let probes = 0;
  // Depth-first over "separator or literal dash", preferring the separator; a component is
  // only closed (separator) when that folder exists, or always when matching the hash.
  const walk = (i: number, done: string, component: string): void => {
    if (found.length > 0 || probes++ > MAX_PROBES) return;
    if (i === segs.length) {
      const full = `${done}${sep}${component}`;
      if ((projectHash && md5(full) === projectHash) || (!projectHash && exists(full))) found.push(full);
      return;
    }
    const closed = `${done}${sep}${component}`;
    if (projectHash ? true : exists(closed)) walk(i + 1, closed, segs[i]!);
    walk(i + 1, done, `${component}-${segs[i]}`);
  };
  if (segs.length <= start.from) return null;
  walk(start.from + 1, start.prefix, segs[start.from]!);
  if (found[0]) {
    if (slugCache.size >= 500) slugCache.delete(slugCache.keys().next().value!);
    slugCache.set(key, found[0]);
    return found[0];
  }
  // The hash did not match any decoding (or there is none): fall back to folders that exist.
  if (projectHash) return projectPathFromSlug(slug, env, null);
  return null;
}

export async function readTranscript(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts: ReadOptions = {}): Promise<ReadResult> {
  const file = source.path;
  const id = idOf(file);
  const nativeId = NATIVE_PREFIX + id;
  let parser: TranscriptParser | null = null;
  let createdAt: string | null = null;
  const res = await readAppendFile<TranscriptState>(
    file,
    cursor,
    (state) => {
      createdAt = state?.createdAt ?? null;
      parser = new TranscriptParser(state ?? initialTranscriptState(), id);
      return parser;
    },
    opts.maxBytes,
    opts.maxLineBytes,
  );
  const problems = res.problems;
  const more = res.more || undefined;
  const p = parser as TranscriptParser | null;
  if (!p || 'failed' in res) return { sessions: [], cursor: res.cursor, problems };
  const chat = findChatDb(id, env);
  const meta = chat ? readChatMeta(chat.dbPath, problems) : null;
  if (!createdAt) {
    createdAt = meta?.createdAt ?? null;
    if (!createdAt) {
      try {
        const st = await stat(file);
        createdAt = (st.birthtimeMs > 0 ? st.birthtime : st.mtime).toISOString();
      } catch {
        createdAt = new Date(0).toISOString();
      }
    }
  }
  const nextCursor = { ...res.cursor, state: { ...res.cursor.state, createdAt } };
  const s = p.state;
  const unknown = unknownTypesField(p.unknown);
  if (p.messages.length === 0 && s.lastMsgId === null) return { sessions: [], cursor: nextCursor, problems, more, ...unknown };
  const where = transcriptParts(file, env);
  const cwd = where ? projectPathFromSlug(where.slug, env, chat?.projectHash ?? null) : null;
  const parent = parentOf(file);
  const model = meta?.model ?? s.model;
  const session: CapturedSession = {
    nativeId,
    header: {
      native_id: nativeId,
      native_path: file,
      cwd,
      git: null,
      model: model ? { provider: null, model_id: model } : null,
      tool_version: null,
      title: meta?.name ?? s.firstPrompt,
      created_at: createdAt,
      interface: chat ? 'cli' : null,
      agent_id: parent ? id : null,
    },
    messages: p.messages,
    parentNativeId: parent ? NATIVE_PREFIX + parent : null,
  };
  return { sessions: [session], cursor: nextCursor, problems, more, ...unknown };
}
