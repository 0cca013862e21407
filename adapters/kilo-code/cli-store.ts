import type Database from 'better-sqlite3';
import { readdirSync, statSync } from 'node:fs';
import {
  fileKind,
  type AdapterEnv,
  type CaptureProblem,
  type CaptureSource,
  type CapturedSession,
  type ReadResult,
  type ContentBlock,
  type Message,
  type Usage,
  parseJsonBounded,
} from '../../engine/adapter-kit.js';
import { cleanStrings, isObj, numOrNull, strOrNull, titleText, type Raw } from '../shared/values.js';
import { databaseStamp, hasTable, openReadOnly, valueText } from '../shared/sqlite.js';
import { pathFor } from '../shared/paths.js';

/**
 * The Kilo CLI's session store (`@kilocode/cli` ≥ 7, an OpenCode fork; format doc §2),
 * verified against the database Kilo 7.7.7 wrote (fixtures/kilo-code/generated-kilo-cli-7.7.7):
 * one SQLite file `${XDG_DATA_HOME:-~/.local/share}/kilo/kilo.db` (other release channels:
 * `kilo-<channel>.db`; `KILO_DB` names another file, relative to that folder) with tables
 * `session`, `message` and `part`, the last two holding JSON in `data`. Read-only and
 * rewrite-style: one database yields every session; a session is re-read only when its
 * rows changed, and its messages are keyed by Kilo's own message and part ids.
 */
export const KILO_DB_RE = /^kilo(-[A-Za-z0-9._-]+)?\.db$/;

/** `${XDG_DATA_HOME:-~/.local/share}/kilo` (xdg-basedir: the same rule on every platform). */
export function kiloDataDir(env: AdapterEnv): string {
  const p = pathFor(env.platform);
  const xdg = env.env.XDG_DATA_HOME?.trim();
  return p.join(xdg || p.join(env.home, '.local', 'share'), 'kilo');
}

/** `KILO_DB`, when set: an absolute file, or a name inside the data folder. */
function kiloDbOverride(env: AdapterEnv): string | null {
  const v = env.env.KILO_DB?.trim();
  if (!v || v === ':memory:') return null;
  const p = pathFor(env.platform);
  return p.isAbsolute(v) ? v : p.join(kiloDataDir(env), v);
}

export function kiloDbSources(env: AdapterEnv): CaptureSource[] {
  const p = pathFor(env.platform);
  const dir = kiloDataDir(env);
  const files = new Set<string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  for (const n of names.sort()) if (KILO_DB_RE.test(n)) files.add(p.join(dir, n));
  const override = kiloDbOverride(env);
  if (override) files.add(override);
  return [...files].filter(isFile).map((f) => ({ path: f, style: 'rewrite' as const }));
}

function isFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

/** A changed store file (the database, its WAL or shared-memory file) → the database source. */
export function kiloDbSourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const db = changedPath.replace(/-(wal|shm|journal)$/, '');
  const override = kiloDbOverride(env);
  if (override && db === override) return { path: db, style: 'rewrite' };
  if (p.dirname(db) === kiloDataDir(env) && KILO_DB_RE.test(p.basename(db))) return { path: db, style: 'rewrite' };
  return null;
}

/** What the last read saw: the file stamp, and a fingerprint per session. */
interface KiloCursor {
  v: 1;
  stamp: string;
  seen: Record<string, string>;
}

const iso = (ms: unknown): string | null => {
  const n = numOrNull(ms);
  return n !== null && n > 0 ? new Date(n).toISOString() : null;
};

function parseJson(text: unknown): unknown {
  const t = valueText(text);
  if (t === null) return undefined;
  return parseJsonBounded(t);
}

/** Kilo's own default titles (no title was generated): the first prompt says more. */
const DEFAULT_TITLE = /^(New session|Child session) - \d{4}-\d\d-\d\dT/;

function usageOf(tokens: unknown): Usage | null {
  if (!isObj(tokens)) return null;
  const cache = isObj(tokens.cache) ? tokens.cache : {};
  const u: Usage = {
    input_tokens: numOrNull(tokens.input) ?? 0,
    output_tokens: numOrNull(tokens.output) ?? 0,
    cache_read_tokens: numOrNull(cache.read) ?? 0,
    cache_write_tokens: numOrNull(cache.write) ?? 0,
  };
  const r = numOrNull(tokens.reasoning);
  if (r) u.reasoning_tokens = r;
  const sum = (u.input_tokens ?? 0) + (u.output_tokens ?? 0) + (u.cache_read_tokens ?? 0) + (u.cache_write_tokens ?? 0) + (u.reasoning_tokens ?? 0);
  for (const k of Object.keys(u) as (keyof Usage)[]) if (!Number.isInteger(u[k]) || (u[k] ?? 0) < 0) delete u[k];
  return sum > 0 ? u : null;
}

/** A `file` part: images become image blocks, anything else is kept by name. */
function fileBlock(d: Raw): ContentBlock {
  const mime = strOrNull(d.mime) ?? '';
  const url = strOrNull(d.url) ?? '';
  const m = /^data:([^;,]*);base64,(.*)$/s.exec(url);
  if (mime.startsWith('image/') && m) return { type: 'image', source: { type: 'base64', media_type: m[1] || mime, data: m[2] ?? '' } };
  const source = isObj(d.source) ? d.source : {};
  const out: ContentBlock = { type: 'file', mime, filename: strOrNull(d.filename) ?? null, path: strOrNull(source.path) ?? null };
  if (url && !url.startsWith('data:')) (out as Record<string, unknown>).url = url;
  return out;
}

/** Bookkeeping parts that carry nothing a transcript shows. */
const SKIPPED_PARTS = new Set(['step-start', 'step-finish', 'snapshot', 'patch']);

interface Row {
  id: string;
  data: Raw;
}

/** One Kilo message and its parts → SessionFS messages (an assistant turn, then one tool message per finished call). */
function convert(msg: Row, parts: Row[]): Message[] {
  const d = msg.data;
  const role = d.role === 'assistant' ? 'assistant' : 'user';
  const time = isObj(d.time) ? d.time : {};
  const timestamp = iso(time.created);
  const content: ContentBlock[] = [];
  const results: Message[] = [];
  const unfinished: string[] = [];
  const compaction = role === 'assistant' && (d.summary === true || d.mode === 'compaction' || d.agent === 'compaction');
  let typed = 0;
  let synthetic = 0;
  let boundary = false;
  for (const part of parts) {
    const p = part.data;
    const type = strOrNull(p.type) ?? '';
    if (SKIPPED_PARTS.has(type)) continue;
    if (type === 'text') {
      if (p.ignored === true) continue;
      const text = strOrNull(p.text) ?? '';
      content.push(compaction ? { type: 'summary', text } : { type: 'text', text });
      if (p.synthetic === true) synthetic++;
      else typed++;
    } else if (type === 'reasoning') {
      const meta = isObj(p.metadata) ? p.metadata : {};
      const provider = Object.values(meta).find((v) => isObj(v) && typeof v.signature === 'string') as Raw | undefined;
      content.push({ type: 'thinking', text: strOrNull(p.text) ?? '', signature: provider ? strOrNull(provider.signature) : null });
    } else if (type === 'tool') {
      const state = isObj(p.state) ? p.state : {};
      const callId = strOrNull(p.callID) ?? part.id;
      content.push({ type: 'tool_use', tool_use_id: callId, name: strOrNull(p.tool) ?? '', input: state.input ?? null });
      const status = strOrNull(state.status);
      const st = isObj(state.time) ? state.time : {};
      if (status === 'completed' || status === 'error') {
        const error = status === 'error';
        const out = error ? (strOrNull(state.error) ?? 'error') : (strOrNull(state.output) ?? (state.output == null ? '' : JSON.stringify(state.output)));
        results.push({
          msg_id: part.id,
          role: 'tool',
          content: [
            error ? { type: 'tool_result', tool_use_id: callId, content: out, is_error: true } : { type: 'tool_result', tool_use_id: callId, content: out },
          ],
          timestamp: iso(st.end) ?? timestamp,
        });
      } else unfinished.push(callId);
    } else if (type === 'file') {
      content.push(fileBlock(p));
      typed++;
    } else if (type === 'compaction') {
      boundary = true;
      content.push({ ...p, type: 'compaction' });
    } else if (type) content.push({ ...p, type: `kilo_${type}` });
    else content.push({ type: 'unknown', value: p });
  }
  const error = isObj(d.error) ? d.error : null;
  if (role === 'assistant' && content.length === 0 && !error) return results; // a turn still starting
  if (error) {
    const data = isObj(error.data) ? error.data : {};
    content.push({ type: 'text', text: `${strOrNull(error.name) ?? 'Error'}: ${strOrNull(data.message) ?? ''}`.trim() });
  }
  const out: Message = { msg_id: msg.id, role: boundary && typed === 0 ? 'system' : role, content, timestamp };
  if (role === 'assistant') {
    const model = strOrNull(d.modelID);
    const provider = strOrNull(d.providerID);
    if (model) out.model = model;
    if (provider) out.provider = provider;
    const usage = usageOf(d.tokens);
    if (usage) out.usage = usage;
    const finish = strOrNull(d.finish);
    if (finish) out.stop_reason = finish;
    if (error) out.is_api_error = true;
    if (unfinished.length) out.unfinished_tool_use_ids = unfinished;
  }
  if (compaction || boundary) out.is_compaction = true;
  if (boundary || (role === 'user' && synthetic > 0 && typed === 0)) out.is_injected = true;
  return [out, ...results];
}

function readSession(db: Database.Database, dbPath: string, s: Raw, problems: CaptureProblem[]): CapturedSession {
  const id = String(s.id);
  const rows = (table: 'message' | 'part', order: string): Row[] => {
    const out: Row[] = [];
    for (const r of db.prepare(`SELECT * FROM ${table} WHERE session_id = ? ORDER BY ${order}`).iterate(id) as Iterable<Raw>) {
      const rowId = strOrNull(r.id);
      if (!rowId) continue;
      try {
        const data = parseJson(r.data);
        if (!isObj(data)) throw new Error('data is not a JSON object');
        out.push({ id: rowId, data: cleanStrings(table === 'part' ? { ...data, _message: r.message_id } : data) });
      } catch (e) {
        problems.push({ path: dbPath, where: `${table} ${rowId}`, message: `unreadable row: ${(e as Error).message.slice(0, 200)}` });
      }
    }
    return out;
  };
  const messages = rows('message', 'time_created, id');
  const byMessage = new Map<string, Row[]>();
  for (const p of rows('part', 'message_id, id')) {
    const mid = String(p.data._message);
    delete p.data._message;
    const list = byMessage.get(mid) ?? [];
    list.push(p);
    byMessage.set(mid, list);
  }
  const out: Message[] = [];
  let parent: string | null = null;
  let firstPrompt: string | null = null;
  let lastModel: { provider: string | null; model_id: string | null } | null = null;
  for (const m of messages) {
    for (const msg of convert(m, byMessage.get(m.id) ?? [])) {
      msg.parent_msg_id = parent;
      parent = msg.msg_id;
      out.push(msg);
      if (msg.role === 'user' && !msg.is_injected && firstPrompt === null) {
        const text = msg.content
          .filter((b) => b.type === 'text')
          .map((b) => (b as { text: string }).text)
          .join('\n')
          .trim();
        if (text) firstPrompt = titleText(text);
      }
      if (msg.role === 'assistant' && msg.model) lastModel = { provider: msg.provider ?? null, model_id: msg.model };
    }
  }
  let model = lastModel;
  try {
    const sm = s.model ? parseJson(s.model) : null;
    if (isObj(sm) && (strOrNull(sm.id) || strOrNull(sm.providerID))) model = { provider: strOrNull(sm.providerID), model_id: strOrNull(sm.id) };
  } catch {
    // an unreadable model column only costs the header's model
  }
  const title = strOrNull(s.title)?.trim() || null;
  const parentId = strOrNull(s.parent_id) || null;
  return {
    nativeId: id,
    parentNativeId: parentId,
    header: {
      native_id: id,
      native_path: dbPath,
      cwd: strOrNull(s.directory) || null,
      git: null,
      model,
      tool_version: strOrNull(s.version),
      title: title && !DEFAULT_TITLE.test(title) ? title : (firstPrompt ?? title),
      created_at: iso(s.time_created) ?? out.find((m) => m.timestamp)?.timestamp ?? new Date(0).toISOString(),
      interface: null,
      agent_id: parentId ? strOrNull(s.agent) : null,
    },
    messages: out,
  };
}

/** Rows counted and last-updated per session, so an unchanged session is not read again. */
function fingerprints(db: Database.Database): Map<string, string> {
  const out = new Map<string, string>();
  for (const table of ['message', 'part']) {
    for (const r of db.prepare(`SELECT session_id AS s, count(*) AS n, max(time_updated) AS t FROM ${table} GROUP BY session_id`).iterate() as Iterable<Raw>) {
      const k = String(r.s);
      out.set(k, `${out.get(k) ?? ''}${table}:${String(r.n)}@${String(r.t)};`);
    }
  }
  return out;
}

export async function readKiloDb(source: CaptureSource, cursor: unknown): Promise<ReadResult> {
  const file = source.path;
  const problems: CaptureProblem[] = [];
  const prev = isObj(cursor) && cursor.v === 1 && isObj(cursor.seen) ? (cursor as unknown as KiloCursor) : null;
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      problems.push({ path: file, message: `expected a database file: not a regular file (${fileKind(st)})` });
      return { sessions: [], cursor: prev, problems };
    }
  } catch (e) {
    problems.push({ path: file, message: `cannot stat: ${(e as Error).message}` });
    return { sessions: [], cursor: prev, problems };
  }
  const stamp = databaseStamp(file);
  if (prev && prev.stamp === stamp) return { sessions: [], cursor: prev, problems };
  let h;
  try {
    h = openReadOnly(file);
  } catch (e) {
    problems.push({ path: file, message: `cannot open database (locked or corrupt?): ${(e as Error).message}` });
    return { sessions: [], cursor: prev, problems };
  }
  try {
    const missing = ['session', 'message', 'part'].filter((t) => !hasTable(h.db, t));
    if (missing.length) {
      problems.push({ path: file, message: `not a Kilo CLI session store (no ${missing.join(', ')} table)` });
      return { sessions: [], cursor: prev, problems };
    }
    const prints = fingerprints(h.db);
    const seen: Record<string, string> = {};
    const sessions: CapturedSession[] = [];
    for (const s of h.db.prepare('SELECT * FROM session ORDER BY time_created, id').iterate() as Iterable<Raw>) {
      const id = strOrNull(s.id);
      if (!id) continue;
      const print = `${String(s.time_updated)}|${String(s.title)}|${prints.get(id) ?? ''}`;
      seen[id] = print;
      if (prev?.seen[id] === print) continue;
      try {
        sessions.push(readSession(h.db, file, s, problems));
      } catch (e) {
        delete seen[id]; // retried next time
        problems.push({ path: file, where: `session ${id}`, message: `cannot read session: ${(e as Error).message.slice(0, 200)}` });
      }
    }
    return { sessions, cursor: { v: 1, stamp, seen } satisfies KiloCursor, problems };
  } catch (e) {
    problems.push({ path: file, message: `cannot read database (locked or corrupt?): ${(e as Error).message}` });
    return { sessions: [], cursor: prev, problems };
  } finally {
    h.close();
  }
}
