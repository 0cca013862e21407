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

function isCommon(db: ProjectionDb, q: string): boolean {
  try {
    const row = prepared(db, `SELECT COUNT(*) AS n FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT ${RANK_CAP + 1})`).get(q) as { n: number };
    return row.n > RANK_CAP;
  } catch {
    return false; // a bad raw query fails with a clear message in the main query
  }
}

const SNIPPET = "snippet(search, 0, char(2), char(3), '…', 16)";

export function search(db: ProjectionDb, o: SearchOptions): SearchHit[] {
  const q = o.raw ? o.query : toFtsQuery(o.query);
  if (!q.trim()) throw new SfsError('USAGE', 'the search query has no words to look for');
  const limit = Math.max(1, Math.min(o.limit ?? 20, 1000));
  const params: Record<string, unknown> = { q, limit };
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
  const msgFilters = [...sessionFilters];
  if (o.since) {
    msgFilters.push('m.ts >= @since');
    params.since = o.since;
  }
  if (o.until) {
    msgFilters.push('m.ts < @until');
    params.until = o.until;
  }
  if (o.role) {
    msgFilters.push('m.role = @role');
    params.role = o.role;
  }
  const run = (sql: string) => {
    try {
      return prepared(db, sql).all(params) as Array<Record<string, unknown>>;
    } catch (err) {
      if (o.raw && /fts5|syntax/i.test((err as Error).message)) throw new SfsError('USAGE', `bad search query: ${(err as Error).message}`);
      throw err;
    }
  };
  // bm25 must score every match before it can sort, which is what makes very common
  // words slow. Past RANK_CAP matches the newest matches win instead (FTS5 walks rowids
  // in order and stops early); rare and specific queries keep relevance order.
  const common = isCommon(db, q);
  const order = common ? 'rowid DESC' : 'score';
  // Rank inside FTS first (cheap top-k), then join; widen when filters drop too many. Snippets
  // are made for the hits kept only: each reads its message's text from the compressed bodies.
  const msgSql = (inner: number | null) => `
    SELECT f.rowid AS fts_rowid, se.id AS session_id, m.msg_id, m.role, m.ts, f.score,
      se.tool, se.cwd, se.user_title, se.native_title, se.discovered_title, se.first_prompt
    FROM (SELECT rowid, ${common ? '0' : 'bm25(search)'} AS score FROM search
          WHERE search MATCH @q AND rowid > 0 ORDER BY ${order} ${inner ? `LIMIT ${inner}` : ''}) f
    JOIN messages m ON m.rowid = f.rowid JOIN sessions se ON se.rowid = m.session
    WHERE ${msgFilters.join(' AND ')} ORDER BY ${common ? 'f.rowid DESC' : 'f.score'} LIMIT @limit`;
  const filtered = msgFilters.length > 2;
  let msgRows = run(msgSql(filtered ? limit * 20 : limit));
  if (filtered && msgRows.length < limit) msgRows = run(msgSql(null));
  const snippet = prepared(db, `SELECT ${SNIPPET} FROM search WHERE search MATCH @q AND rowid = CAST(@rowid AS INTEGER)`).pluck();
  for (const r of msgRows) r.snip = snippet.get({ q, rowid: r.fts_rowid });
  const hits: SearchHit[] = msgRows.map((r) => ({
    kind: 'message',
    session_id: r.session_id as string,
    msg_id: r.msg_id as string,
    role: r.role as string,
    timestamp: (r.ts as string) ?? null,
    title: titleOf(r),
    tool: (r.tool as string) ?? null,
    cwd: (r.cwd as string) ?? null,
    score: -(r.score as number),
    snippet: r.snip as string,
  }));
  if (!o.role) {
    const sf = [...sessionFilters];
    if (o.since) sf.push('COALESCE(se.updated_at, se.created_at) >= @since');
    if (o.until) sf.push('COALESCE(se.created_at, se.updated_at) < @until');
    const rows = run(`
      SELECT se.id, se.updated_at, se.tool, se.cwd, se.user_title, se.native_title, se.discovered_title, se.first_prompt,
        bm25(search) AS score, ${SNIPPET} AS snip
      FROM search JOIN sessions se ON se.rowid = -search.rowid
      WHERE search MATCH @q AND search.rowid < 0 AND ${sf.join(' AND ')} ORDER BY score LIMIT @limit`);
    for (const r of rows) {
      hits.push({
        kind: 'session',
        session_id: r.id as string,
        msg_id: null,
        role: null,
        timestamp: (r.updated_at as string) ?? null,
        title: titleOf(r),
        tool: (r.tool as string) ?? null,
        cwd: (r.cwd as string) ?? null,
        score: -(r.score as number),
        snippet: r.snip as string,
      });
    }
  }
  if (!common) hits.sort((a, b) => b.score - a.score || (a.session_id < b.session_id ? -1 : 1));
  return hits.slice(0, limit);
}
