import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AdapterEnv, CaptureProblem, CaptureSource, ReadResult } from '../../engine/adapter-kit.js';
import { readJsonFile } from '../shared/json-file.js';
import { pathFor } from '../shared/paths.js';
import { cleanStrings, isObj, strOrNull, type Raw } from '../shared/values.js';
import { dataDir, type OpenCodeApp } from './app.js';
import { buildSession, type Row } from './transcript.js';

/**
 * The JSON file layout OpenCode used before its SQLite store (≤ 1.1; 1.2 migrated it into
 * the database on first start and left the files): under `<data dir>/storage/`,
 * `session/<projectID>/<sessionID>.json` (the session), `message/<sessionID>/<messageID>.json`
 * (each message, the object the database keeps in `message.data` plus its ids) and
 * `part/<messageID>/<partID>.json` (each part, likewise). One source per session file,
 * rewrite-style: a session is re-read when any of its files changed.
 */
const ID_FILE = /^[A-Za-z0-9_-]+\.json$/;

export function storageDir(app: OpenCodeApp, env: AdapterEnv): string {
  return pathFor(env.platform).join(dataDir(app, env), 'storage');
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => ID_FILE.test(n))
      .sort();
  } catch {
    return [];
  }
}

export function jsonSessionSources(app: OpenCodeApp, env: AdapterEnv): CaptureSource[] {
  const p = pathFor(env.platform);
  const root = p.join(storageDir(app, env), 'session');
  const out: CaptureSource[] = [];
  let projects: string[] = [];
  try {
    projects = readdirSync(root).sort();
  } catch {
    return out;
  }
  for (const proj of projects) for (const n of namesIn(p.join(root, proj))) out.push({ path: p.join(root, proj, n), style: 'rewrite' });
  return out;
}

/** The session file of a session id, wherever its project folder is. */
function sessionFileOf(app: OpenCodeApp, env: AdapterEnv, sessionId: string): string | null {
  const p = pathFor(env.platform);
  const root = p.join(storageDir(app, env), 'session');
  let projects: string[] = [];
  try {
    projects = readdirSync(root).sort();
  } catch {
    return null;
  }
  for (const proj of projects) {
    const f = p.join(root, proj, `${sessionId}.json`);
    try {
      if (statSync(f).isFile()) return f;
    } catch {
      // not in this project
    }
  }
  return null;
}

/** A changed file anywhere in the layout → the session file it belongs to. */
export function jsonSourceFor(app: OpenCodeApp, changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const rel = p.relative(storageDir(app, env), changedPath);
  if (rel.startsWith('..') || p.isAbsolute(rel)) return null;
  const parts = rel.split(p.sep);
  if (parts.length !== 3 || !ID_FILE.test(parts[2]!)) return null;
  const [kind, folder] = parts as [string, string, string];
  let sessionId: string | null = null;
  if (kind === 'session') return { path: changedPath, style: 'rewrite' };
  if (kind === 'message') sessionId = folder;
  else if (kind === 'part') {
    try {
      const st = statSync(changedPath);
      if (!st.isFile() || st.size > 4 * 1024 * 1024) return null;
      const v: unknown = JSON.parse(readFileSync(changedPath, 'utf8'));
      sessionId = isObj(v) ? strOrNull(v.sessionID) : null;
    } catch {
      return null;
    }
  }
  if (!sessionId || !/^[A-Za-z0-9_-]+$/.test(sessionId)) return null;
  const file = sessionFileOf(app, env, sessionId);
  return file ? { path: file, style: 'rewrite' } : null;
}

function layoutOf(sessionFile: string, platform: NodeJS.Platform): { storage: string; sessionId: string } {
  const p = pathFor(platform);
  return { storage: p.dirname(p.dirname(p.dirname(sessionFile))), sessionId: p.basename(sessionFile, '.json') };
}

/** The session file, its message folder and each message's part folder: what decides a read. */
export function jsonStampPaths(source: CaptureSource, env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const { storage, sessionId } = layoutOf(source.path, env.platform);
  const msgDir = p.join(storage, 'message', sessionId);
  return [source.path, msgDir, ...namesIn(msgDir).map((n) => p.join(storage, 'part', n.slice(0, -5)))];
}

async function stampOf(file: string): Promise<string> {
  try {
    const st = await stat(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '-';
  }
}

/** Every file of the session with its size and mtime: the session is re-read only when this changes. */
async function fingerprint(files: string[]): Promise<string> {
  return (await Promise.all(files.map(async (f) => `${f}@${await stampOf(f)}`))).join('|');
}

async function jsonFilesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => ID_FILE.test(n)).sort();
  } catch {
    return [];
  }
}

/** Reads the objects of a folder of id-named JSON files, in id order (OpenCode's ids ascend with time). */
async function rowsIn(dir: string, problems: CaptureProblem[]): Promise<{ rows: Row[]; files: string[] }> {
  const rows: Row[] = [];
  const files: string[] = [];
  for (const n of await jsonFilesIn(dir)) {
    const file = path.join(dir, n);
    files.push(file);
    const r = await readJsonFile(file, problems);
    if (!r.ok) continue;
    if (!isObj(r.value)) {
      problems.push({ path: file, message: 'expected a JSON object' });
      continue;
    }
    rows.push({ id: strOrNull(r.value.id) ?? n.slice(0, -5), data: cleanStrings(r.value) });
  }
  return { rows, files };
}

export async function readJsonSession(app: OpenCodeApp, source: CaptureSource, cursor: unknown, env: AdapterEnv): Promise<ReadResult> {
  const p = pathFor(env.platform);
  const problems: CaptureProblem[] = [];
  const { storage, sessionId } = layoutOf(source.path, env.platform);
  const head = await readJsonFile(source.path, problems);
  if (!head.ok) return { sessions: [], cursor, problems };
  if (!isObj(head.value)) {
    problems.push({ path: source.path, message: 'expected a session object' });
    return { sessions: [], cursor, problems };
  }
  const s: Raw = head.value;
  const messages = await rowsIn(p.join(storage, 'message', sessionId), problems);
  const parts = new Map<string, Row[]>();
  const files = [source.path, ...messages.files];
  for (const m of messages.rows) {
    const r = await rowsIn(p.join(storage, 'part', m.id), problems);
    parts.set(m.id, r.rows);
    files.push(...r.files);
  }
  const print = await fingerprint(files);
  if (cursor === print && problems.length === 0) return { sessions: [], cursor, problems };
  // Time order as the database keeps it (created time, then id); ids alone ascend with time too.
  const created = (r: Row) => {
    const t = isObj(r.data.time) ? r.data.time.created : null;
    return typeof t === 'number' ? t : 0;
  };
  messages.rows.sort((a, b) => created(a) - created(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const time = isObj(s.time) ? s.time : {};
  const facts = {
    id: strOrNull(s.id) ?? sessionId,
    parent_id: strOrNull(s.parentID),
    title: strOrNull(s.title),
    directory: strOrNull(s.directory),
    version: strOrNull(s.version),
    agent: strOrNull(s.agent),
    model: s.model ?? null,
    time_created: time.created,
  };
  const session = buildSession(facts, source.path, messages.rows, (mid) => parts.get(mid) ?? [], app.name);
  return { sessions: [session], cursor: print, problems };
}
