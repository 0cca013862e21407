import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { fileKind, type CaptureProblem, type CaptureSource, type CapturedSession, type ReadResult, parseJsonBounded } from '../../engine/adapter-kit.js';
import { cleanStrings, isObj, strOrNull, type Raw } from '../shared/values.js';
import { databaseStamp, hasTable, openReadOnly, valueText } from '../shared/sqlite.js';
import type { OpenCodeApp } from './app.js';
import { buildSession, type Row } from './transcript.js';

/**
 * The session store of OpenCode ≥ 1.2 and of the Kilo CLI (`@kilocode/cli` ≥ 7, an OpenCode
 * fork), verified against the databases OpenCode 1.18.33 and Kilo 7.7.7 wrote (fixtures
 * opencode/generated-opencode-1.18.33, kilo-code/generated-kilo-cli-7.7.7): one SQLite file
 * (app.ts) with tables `session`, `message` and `part`, the last two holding JSON in `data`.
 * Read-only and rewrite-style: one database yields every session; a session is re-read only
 * when its rows changed, and its messages are keyed by the tool's own message and part ids.
 */

/** What the last read saw: the file stamp, and a fingerprint per session. */
interface StoreCursor {
  v: 1;
  stamp: string;
  seen: Record<string, string>;
}

function parseJson(text: unknown): unknown {
  const t = valueText(text);
  if (t === null) return undefined;
  return parseJsonBounded(t);
}

function readSession(app: OpenCodeApp, db: Database.Database, dbPath: string, s: Raw, problems: CaptureProblem[]): CapturedSession {
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
  let model: unknown = null;
  try {
    model = s.model ? parseJson(s.model) : null;
  } catch {
    // an unreadable model column only costs the header's model
  }
  const facts = {
    id,
    parent_id: strOrNull(s.parent_id),
    title: strOrNull(s.title),
    directory: strOrNull(s.directory),
    version: strOrNull(s.version),
    agent: strOrNull(s.agent),
    model,
    time_created: s.time_created,
  };
  return buildSession(facts, dbPath, messages, (mid) => byMessage.get(mid) ?? [], app.name);
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

export async function readStoreDb(app: OpenCodeApp, source: CaptureSource, cursor: unknown): Promise<ReadResult> {
  const file = source.path;
  const problems: CaptureProblem[] = [];
  const prev = isObj(cursor) && cursor.v === 1 && isObj(cursor.seen) ? (cursor as unknown as StoreCursor) : null;
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
      problems.push({ path: file, message: `not a ${app.displayName} session store (no ${missing.join(', ')} table)` });
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
        sessions.push(readSession(app, h.db, file, s, problems));
      } catch (e) {
        delete seen[id]; // retried next time
        problems.push({ path: file, where: `session ${id}`, message: `cannot read session: ${(e as Error).message.slice(0, 200)}` });
      }
    }
    return { sessions, cursor: { v: 1, stamp, seen } satisfies StoreCursor, problems };
  } catch (e) {
    problems.push({ path: file, message: `cannot read database (locked or corrupt?): ${(e as Error).message}` });
    return { sessions: [], cursor: prev, problems };
  } finally {
    h.close();
  }
}
