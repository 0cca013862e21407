import type { Statement } from 'better-sqlite3';
import { SfsError } from '../errors.js';
import type { ProjectionDb } from '../projections/db.js';
import { cwdUnderSql } from './directory-scope.js';
import { titleOf } from './sessions.js';
import type { SearchHit } from './views.js';

export interface SearchOptions {
  query: string;
  tool?: string;
  /** Hits from sessions whose cwd is one of these directories or lies under one (see directoryScope). */
  directories?: readonly string[];
  /** ISO bounds on the message time (session hits: last activity). */
  since?: string;
  until?: string;
  role?: string;
  limit?: number;
  /** Pass the query to FTS5 unchanged (AND/OR/NOT, NEAR, column filters, prefix*). */
  raw?: boolean;
  /** Only these sessions (a project's sessions, resolved by the caller). */
  sessionIds?: readonly string[];
}

/**
 * Turns what a user types into an FTS5 query: words and "quoted phrases" must all
 * match; a trailing * keeps prefix search. Everything else is quoted, so no input can
 * be a syntax error.
 */
export function toFtsQuery(input: string): string {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    if (m[1] !== undefined) {
      if (m[1].trim()) terms.push(`"${m[1].replace(/"/g, '""')}"`);
      continue;
    }
    const word = m[2]!;
    const prefix = word.endsWith('*') && word.length > 1;
    const bare = (prefix ? word.slice(0, -1) : word).replace(/"/g, '""');
    if (!/[\p{L}\p{N}]/u.test(bare)) continue;
    terms.push(`"${bare}"${prefix ? '*' : ''}`);
  }
  return terms.join(' ');
}

/** Compiled statements per database: preparing costs as much as a rare-word query. */
const statements = new WeakMap<ProjectionDb, Map<string, Statement>>();
function prepared(db: ProjectionDb, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.prepare(sql)));
  return st;
}

/** Above this many matching messages, results are newest-first rather than bm25-ranked. */
export const RANK_CAP = 2000;

/** How many rows the query matches, counted up to RANK_CAP + 1 (0 for a raw query FTS5 refuses). */
function matchCount(db: ProjectionDb, q: string): number {
  try {
    return (
      (prepared(db, `SELECT COUNT(*) FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT ${RANK_CAP + 1})`)
        .pluck()
        .get(q) as number) ?? 0
    );
  } catch {
    return 0; // a bad raw query fails with a clear message in the main query
  }
}

const SNIPPET = "snippet(search, 0, char(2), char(3), '…', 16)";

/** The session columns a hit shows. */
const SESSION_COLUMNS = 'se.id AS session_id, se.updated_at, se.tool, se.cwd, se.user_title, se.native_title, se.discovered_title, se.first_prompt';

type Row = Record<string, unknown>;

/** One search: how to run a statement, and the filters and caps to build them with. */
interface Plan {
  run: (sql: string) => Row[];
  /** Written into the SQL, not bound: SQLite ran the ranked query a third slower with a bound LIMIT. */
  limit: number;
  /** How many of FTS5's top matches are joined and filtered first. */
  cap: number;
  /** Filters beyond the deleted, purged and evicted sessions are set. */
  narrowed: boolean;
  /** How many rows the query matches, counted up to RANK_CAP + 1. */
  matches: number;
  /** A role is asked for: no session-document hits. */
  messagesOnly: boolean;
  sessionFilters: string[];
  msgFilters: string[];
  docFilters: string[];
}

export function search(db: ProjectionDb, o: SearchOptions): SearchHit[] {
  const q = o.raw ? o.query : toFtsQuery(o.query);
  if (!q.trim()) throw new SfsError('USAGE', 'the search query has no words to look for');
  const limit = Math.max(1, Math.min(o.limit ?? 20, 1000));
  const params: Record<string, unknown> = { q };
  const sessionFilters: string[] = ['se.deleted = 0', 'se.purged = 0', 'se.evicted = 0'];
  if (o.tool) {
    sessionFilters.push('se.tool = @tool');
    params.tool = o.tool;
  }
  if (o.directories) sessionFilters.push(cwdUnderSql('se.cwd', o.directories, params));
  if (o.sessionIds) {
    sessionFilters.push('se.id IN (SELECT value FROM json_each(@ids))');
    params.ids = JSON.stringify(o.sessionIds);
  }
  // What a message hit must meet besides its session's filters, and what a session hit must.
  const msgFilters: string[] = [];
  const docFilters: string[] = [];
  if (o.since) {
    msgFilters.push('m.ts >= @since');
    docFilters.push('COALESCE(se.updated_at, se.created_at) >= @since');
    params.since = o.since;
  }
  if (o.until) {
    msgFilters.push('m.ts < @until');
    docFilters.push('COALESCE(se.created_at, se.updated_at) < @until');
    params.until = o.until;
  }
  if (o.role) {
    msgFilters.push('m.role = @role');
    params.role = o.role;
  }
  const run = (sql: string): Row[] => {
    try {
      return prepared(db, sql).all(params) as Row[];
    } catch (err) {
      if (o.raw && /fts5|syntax/i.test((err as Error).message)) throw new SfsError('USAGE', `bad search query: ${(err as Error).message}`);
      throw err;
    }
  };
  // Hits are taken from the top of FTS5's own order first (cheap top-k), then joined and
  // filtered; when the filters drop too many, the query runs again without the cap. Only the
  // user's filters are expected to drop many: deleted, purged or evicted sessions are rare.
  const narrowed = sessionFilters.length > 3 || msgFilters.length > 0;
  const matches = matchCount(db, q);
  const plan: Plan = { run, limit, cap: narrowed ? limit * 20 : limit, narrowed, matches, messagesOnly: !!o.role, sessionFilters, msgFilters, docFilters };
  const rows = matches > RANK_CAP ? newest(plan) : ranked(plan);
  // Snippets for the hits kept only: each reads its message's text from the compressed bodies.
  const snippet = prepared(db, `SELECT ${SNIPPET} FROM search WHERE search MATCH @q AND rowid = CAST(@rowid AS INTEGER)`).pluck();
  const hits: SearchHit[] = rows.map((r) => {
    const message = (r.fts_rowid as number) > 0;
    return {
      kind: message ? 'message' : 'session',
      session_id: r.session_id as string,
      msg_id: message ? (r.msg_id as string) : null,
      role: message ? (r.role as string) : null,
      timestamp: ((message ? r.ts : r.updated_at) as string) ?? null,
      title: titleOf(r),
      tool: (r.tool as string) ?? null,
      cwd: (r.cwd as string) ?? null,
      score: -(r.score as number),
      snippet: (r.snip as string | undefined) ?? (snippet.get({ q, rowid: r.fts_rowid }) as string),
    };
  });
  if (matches <= RANK_CAP) hits.sort((a, b) => b.score - a.score || (a.session_id < b.session_id ? -1 : 1));
  return hits.slice(0, limit);
}

/**
 * Up to RANK_CAP matches: the best by bm25, messages and session documents in one FTS5 query.
 * `ORDER BY rank` lets FTS5 sort inside (and make a snippet for the rows it returns only).
 */
function ranked(p: Plan): Row[] {
  const kinds = [`f.rowid > 0${p.msgFilters.map((f) => ` AND ${f}`).join('')}`];
  if (!p.messagesOnly) kinds.push(`f.rowid < 0${p.docFilters.map((f) => ` AND ${f}`).join('')}`);
  // Snippets in the query when it returns about the hits kept; else made afterwards for those only.
  const sql = (top: number | null, snippets: boolean) => `
    SELECT f.rowid AS fts_rowid, f.score${snippets ? ', f.snip' : ''}, m.msg_id, m.role, m.ts, ${SESSION_COLUMNS}
    FROM (SELECT rowid, rank AS score${snippets ? `, ${SNIPPET} AS snip` : ''} FROM search
          WHERE search MATCH @q${p.messagesOnly ? ' AND rowid > 0' : ''} ORDER BY rank${top === null ? '' : ` LIMIT ${top}`}) f
    LEFT JOIN messages m ON m.rowid = f.rowid
    JOIN sessions se ON se.rowid = IIF(f.rowid > 0, m.session, -f.rowid)
    WHERE ${p.sessionFilters.join(' AND ')} AND (${kinds.join(' OR ')})
    ORDER BY f.score LIMIT ${p.limit}`;
  const rows = p.run(sql(p.cap, !p.narrowed));
  // Below RANK_CAP the count is exact: when the cap kept every match, running again finds no more.
  return rows.length < p.limit && p.matches > p.cap ? p.run(sql(null, false)) : rows;
}

/**
 * Past RANK_CAP matches bm25 must score every one before it can sort, which is what makes
 * very common words slow: the newest message matches win instead (FTS5 walks rowids in
 * order and stops early), then the best session documents.
 */
function newest(p: Plan): Row[] {
  const filters = [...p.sessionFilters, ...p.msgFilters].join(' AND ');
  const msgSql = (top: number | null) => `
    SELECT f.rowid AS fts_rowid, 0 AS score, m.msg_id, m.role, m.ts, ${SESSION_COLUMNS}
    FROM (SELECT rowid FROM search WHERE search MATCH @q AND rowid > 0 ORDER BY rowid DESC${top === null ? '' : ` LIMIT ${top}`}) f
    JOIN messages m ON m.rowid = f.rowid JOIN sessions se ON se.rowid = m.session
    WHERE ${filters} ORDER BY f.rowid DESC LIMIT ${p.limit}`;
  let rows = p.run(msgSql(p.cap));
  if (rows.length < p.limit) rows = p.run(msgSql(null));
  if (p.messagesOnly || rows.length >= p.limit) return rows;
  return rows.concat(
    p.run(`
      SELECT -se.rowid AS fts_rowid, bm25(search) AS score, ${SESSION_COLUMNS}
      FROM search JOIN sessions se ON se.rowid = -search.rowid
      WHERE search MATCH @q AND search.rowid < 0 AND ${[...p.sessionFilters, ...p.docFilters].join(' AND ')} ORDER BY score LIMIT ${p.limit}`),
  );
}
