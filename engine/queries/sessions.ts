import { SfsError } from '../errors.js';
import { estimateCost } from '../pricing.js';
import type { ProjectionDb } from '../projections/db.js';
import { cwdUnderSql } from './directory-scope.js';
import { sessionCounts } from './session-counts.js';
import { resumedInto, resumeOf } from './resume-lineage.js';
import { normaliseTicket, ticketSql } from './tickets.js';
import type { CheckpointView, SessionDetail, SessionSummary, TokenTotals } from './views.js';
import type { PullRequestLink } from '../model/events.js';

type Row = Record<string, unknown>;

export function titleOf(row: Row): string {
  for (const k of ['user_title', 'native_title', 'discovered_title', 'first_prompt']) {
    const v = row[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return '(untitled)';
}

/** A fork's own rows are only what was added after the fork point: count what it shows (sessionCounts). */
function withCounts<T extends SessionSummary>(db: ProjectionDb, s: T, row: Row): T {
  if (!row.fork_from) return s;
  const c = sessionCounts(db, s.id);
  return { ...s, message_count: c.messages, tool_use_count: c.tool_calls };
}

function summary(row: Row): SessionSummary {
  return {
    id: row.id as string,
    alias: (row.alias as string) ?? null,
    title: titleOf(row),
    tool: (row.tool as string) ?? null,
    cwd: (row.cwd as string) ?? null,
    git_branch: (row.git_branch as string) ?? null,
    model: (row.model as string) ?? null,
    created_at: (row.created_at as string) ?? null,
    updated_at: (row.updated_at as string) ?? null,
    message_count: row.message_count as number,
    tool_use_count: row.tool_use_count as number,
    via: (row.via as string) ?? null,
    tags: JSON.parse((row.tags as string) ?? '[]'),
    deleted: row.deleted === 1,
    purged: row.purged === 1,
    parent_session_id: (row.parent_session_id as string) ?? null,
    fork_from: (row.fork_from as string) ?? null,
    author: row.view_of
      ? {
          account: row.author_account as string,
          username: (row.author_username as string) ?? (row.author_account as string),
          space: (row.author_space as string) ?? null,
          session: row.view_of as string,
        }
      : null,
    resumed_from: (row.resumed_from as string) ?? null,
  };
}

export interface ListOptions {
  tool?: string;
  /** Sessions whose cwd is one of these directories or lies under one (see directoryScope). */
  directories?: readonly string[];
  /** ISO date/time bounds on last activity. */
  since?: string;
  until?: string;
  /** Case-insensitive substring of title, alias, first prompt or cwd. */
  text?: string;
  sort?: 'updated' | 'created' | 'messages' | 'title';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  /** 'exclude' (default), 'include', or 'only' deleted sessions. */
  deleted?: 'exclude' | 'include' | 'only';
  /** Sub-agent sessions are hidden unless asked for. */
  includeSubagents?: boolean;
  /** Sessions evicted from this store (storage prune) are hidden unless asked for: 'only' lists them. */
  evicted?: 'exclude' | 'only';
  /** Only these sessions (a project's sessions, resolved by the caller). */
  ids?: readonly string[];
  /** Only sessions that have an alias. */
  aliased?: boolean;
  /** Only sessions that mention this ticket key (see tickets.ts). */
  ticket?: string;
  /**
   * Lineage grouping: 'roots' lists only sessions that continue no other listed session (not a fork,
   * resume or sub-agent of a session present here); `childrenOf` lists a session's direct forks,
   * resumes and sub-agents (sub-agents included whatever includeSubagents says).
   */
  lineage?: 'roots' | { childrenOf: string };
}

/** A live session another one can hang under in the list. */
const PRESENT = (col: string) => `EXISTS (SELECT 1 FROM sessions p WHERE p.id = sessions.${col} AND p.purged = 0 AND p.deleted = 0 AND p.tool IS NOT NULL)`;
const ROOTS_SQL = ['fork_from', 'resumed_from', 'parent_session_id'].map((c) => `(${c} IS NULL OR NOT ${PRESENT(c)})`).join(' AND ');

const SORT_SQL: Record<NonNullable<ListOptions['sort']>, string> = {
  updated: 'COALESCE(updated_at, created_at)',
  created: 'created_at',
  messages: 'message_count',
  title: "LOWER(COALESCE(user_title, native_title, discovered_title, first_prompt, ''))",
};

export function listSessions(db: ProjectionDb, o: ListOptions = {}): { total: number; sessions: SessionSummary[] } {
  const where: string[] = ['purged = 0', 'tool IS NOT NULL'];
  const params: Record<string, unknown> = {};
  const deleted = o.deleted ?? 'exclude';
  if (deleted === 'exclude') where.push('deleted = 0');
  if (deleted === 'only') where.push('deleted = 1');
  where.push(o.evicted === 'only' ? 'evicted = 1' : 'evicted = 0');
  const children = typeof o.lineage === 'object' ? o.lineage.childrenOf : null;
  if (!o.includeSubagents && children === null) where.push('parent_session_id IS NULL');
  if (o.lineage === 'roots') where.push(ROOTS_SQL);
  if (children !== null) {
    where.push('(fork_from = @parent OR resumed_from = @parent OR parent_session_id = @parent)');
    params.parent = children;
  }
  if (o.ticket) where.push(ticketSql(normaliseTicket(o.ticket), params));
  if (o.aliased) where.push('alias IS NOT NULL');
  if (o.tool) {
    where.push('tool = @tool');
    params.tool = o.tool;
  }
  if (o.directories) where.push(cwdUnderSql('cwd', o.directories, params));
  if (o.ids) {
    where.push('id IN (SELECT value FROM json_each(@ids))');
    params.ids = JSON.stringify(o.ids);
  }
  if (o.since) {
    where.push('COALESCE(updated_at, created_at) >= @since');
    params.since = o.since;
  }
  if (o.until) {
    where.push('COALESCE(created_at, updated_at) < @until');
    params.until = o.until;
  }
  if (o.text) {
    where.push(
      "(instr(LOWER(COALESCE(user_title,'') || ' ' || COALESCE(native_title,'') || ' ' || COALESCE(discovered_title,'') || ' ' || COALESCE(first_prompt,'') || ' ' || COALESCE(alias,'') || ' ' || COALESCE(cwd,'')), @text) > 0)",
    );
    params.text = o.text.toLowerCase();
  }
  const w = where.join(' AND ');
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE ${w}`).get(params) as { n: number }).n;
  const dir = (o.order ?? (o.sort === 'title' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
  // Sort ids only, then read the page's rows: sorting whole rows (headers, first prompts) costs several times more at 20,000 sessions.
  const ids = db
    .prepare(`SELECT id FROM sessions WHERE ${w} ORDER BY ${SORT_SQL[o.sort ?? 'updated']} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`)
    .pluck()
    .all({ ...params, limit: o.limit ?? 50, offset: o.offset ?? 0 }) as string[];
  const get = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const rows = ids.map((id) => get.get(id) as Row);
  return { total, sessions: rows.map((r) => withCounts(db, summary(r), r)) };
}

/**
 * How many direct forks, resumes and sub-agents each of `ids` has in the list (what a collapsed
 * lineage group says it holds). Deleted children count only when `deleted` asks for them.
 */
export function lineageChildCounts(db: ProjectionDb, ids: readonly string[], deleted: 'exclude' | 'include' | 'only' = 'exclude'): Record<string, number> {
  const out: Record<string, number> = {};
  if (!ids.length) return out;
  const del = deleted === 'exclude' ? 'AND deleted = 0' : deleted === 'only' ? 'AND deleted = 1' : '';
  const rows = db
    .prepare(
      `SELECT p, COUNT(DISTINCT id) AS n FROM (
         SELECT fork_from AS p, id FROM sessions WHERE fork_from IN (SELECT value FROM json_each(@ids)) AND purged = 0 AND evicted = 0 AND tool IS NOT NULL ${del}
         UNION ALL SELECT resumed_from, id FROM sessions WHERE resumed_from IN (SELECT value FROM json_each(@ids)) AND purged = 0 AND evicted = 0 AND tool IS NOT NULL ${del}
         UNION ALL SELECT parent_session_id, id FROM sessions WHERE parent_session_id IN (SELECT value FROM json_each(@ids)) AND purged = 0 AND evicted = 0 AND tool IS NOT NULL ${del}
       ) GROUP BY p`,
    )
    .all({ ids: JSON.stringify(ids) }) as Array<{ p: string; n: number }>;
  for (const r of rows) out[r.p] = r.n;
  return out;
}

/**
 * Finds a session by full id, alias, or a unique id prefix of at least 4 characters
 * (with or without `ses_`). An ambiguous prefix lists the candidates.
 */
export function resolveSession(db: ProjectionDb, ref: string): string {
  const r = ref.trim();
  const exact = db.prepare('SELECT id FROM sessions WHERE id = ? AND tool IS NOT NULL').get(r) as { id: string } | undefined;
  if (exact) return exact.id;
  // No view of her own: the views of other accounts' events of that session (DESIGN §13).
  const views = db.prepare('SELECT id FROM sessions WHERE view_of = ? AND purged = 0 ORDER BY id').all(r) as { id: string }[];
  if (views.length === 1) return views[0]!.id;
  if (views.length > 1) {
    const list = views.slice(0, 10).map((x) => x.id);
    throw new SfsError('AMBIGUOUS', `"${ref}" is not yours; other accounts' copies of it: ${list.join(', ')}`, { candidates: list });
  }
  const byAlias = db.prepare('SELECT id FROM sessions WHERE alias = ? COLLATE NOCASE AND purged = 0 ORDER BY alias_stamp DESC LIMIT 1').get(r) as
    { id: string } | undefined;
  if (byAlias) return byAlias.id;
  const lower = r.toLowerCase();
  const bare = lower.startsWith('ses_') ? lower.slice(4) : lower;
  if (bare.length < 4 || !/^[a-z0-9]+$/.test(bare))
    throw new SfsError('NOT_FOUND', `no session named "${ref}" (use a full id, an alias, or an id prefix of at least 4 characters)`);
  const rows = db
    .prepare('SELECT id FROM sessions WHERE id >= ? AND id < ? AND tool IS NOT NULL ORDER BY id LIMIT 11')
    .all('ses_' + bare, 'ses_' + bare + '\uffff') as { id: string }[];
  if (rows.length === 1) return rows[0]!.id;
  if (rows.length === 0) throw new SfsError('NOT_FOUND', `no session matches "${ref}"`);
  const list = rows.slice(0, 10).map((x) => x.id);
  throw new SfsError('AMBIGUOUS', `"${ref}" matches ${rows.length > 10 ? 'more than 10' : rows.length} sessions: ${list.join(', ')}`, { candidates: list });
}

export function getSessionRow(db: ProjectionDb, id: string): Row {
  const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
  if (!row || (row.tool === null && !row.fork_from)) throw new SfsError('NOT_FOUND', `no session ${id}`);
  return row;
}

/** Whether storage prune evicted the session's messages from this machine. */
export function isEvicted(db: ProjectionDb, id: string): boolean {
  return (db.prepare('SELECT evicted FROM sessions WHERE id = ?').get(id) as { evicted: number } | undefined)?.evicted === 1;
}

/** Export and resume need the messages: an evicted session is refused, naming the way back. */
export function assertNotEvicted(db: ProjectionDb, id: string): void {
  if (isEvicted(db, id)) throw new SfsError('NOT_FOUND', `session ${id} was evicted from this machine (storage prune); sfs pull ${id} fetches it back`);
}

export function listCheckpoints(db: ProjectionDb, id: string): CheckpointView[] {
  return db.prepare('SELECT name, at_msg, created_at FROM checkpoints WHERE session_id = ? ORDER BY created_at, name').all(id) as CheckpointView[];
}

/** Fork ancestors, nearest first (cycles cannot occur: a fork's id is new when it is made). */
export function lineageOf(db: ProjectionDb, id: string): string[] {
  const out: string[] = [];
  const get = db.prepare('SELECT fork_from FROM sessions WHERE id = ?');
  let cur = (get.get(id) as { fork_from: string | null } | undefined)?.fork_from ?? null;
  while (cur && !out.includes(cur) && out.length < 1000) {
    out.push(cur);
    cur = (get.get(cur) as { fork_from: string | null } | undefined)?.fork_from ?? null;
  }
  return out;
}

const ZERO: TokenTotals = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };

export function getSessionDetail(db: ProjectionDb, id: string): SessionDetail {
  const row = getSessionRow(db, id);
  const byModel = db
    .prepare(
      `SELECT model, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
        SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
        SUM(reasoning_tokens) AS reasoning_tokens
       FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?) GROUP BY model ORDER BY model`,
    )
    .all(id) as Array<TokenTotals & { model: string | null }>;
  const usage = { ...ZERO };
  let cost: number | null = 0;
  const usage_by_model = byModel
    .filter((m) => m.input_tokens + m.output_tokens + m.cache_read_tokens + m.cache_write_tokens + m.reasoning_tokens > 0)
    .map((m) => {
      for (const k of Object.keys(ZERO) as (keyof TokenTotals)[]) usage[k] += m[k];
      const c = estimateCost(m.model ?? (row.model as string | null), m);
      if (c === null) cost = null;
      else if (cost !== null) cost += c;
      return { ...m, cost_usd: c };
    });
  const span = db
    .prepare('SELECT MIN(ts) AS first, MAX(ts) AS last FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?) AND ts IS NOT NULL')
    .get(id) as {
    first: string | null;
    last: string | null;
  };
  const header = (row.header ? JSON.parse(row.header as string) : {}) as Record<string, unknown>;
  const duration = span.first && span.last ? Date.parse(span.last) - Date.parse(span.first) : null;
  const forks = (db.prepare('SELECT id FROM sessions WHERE fork_from = ? AND purged = 0 ORDER BY created_at, id').all(id) as { id: string }[]).map((r) => r.id);
  const subagents = (db.prepare('SELECT id FROM sessions WHERE parent_session_id = ? AND purged = 0 ORDER BY created_at, id').all(id) as { id: string }[]).map(
    (r) => r.id,
  );
  return {
    ...withCounts(db, summary(row), row),
    native_id: (row.native_id as string) ?? null,
    native_path: (row.native_path as string) ?? null,
    provider: (row.provider as string) ?? null,
    tool_version: (row.tool_version as string) ?? null,
    agent_id: (row.agent_id as string) ?? null,
    fork: row.fork_from
      ? { from: row.fork_from as string, at_msg: (row.fork_at_msg as string) ?? null, checkpoint: (row.fork_checkpoint as string) ?? null }
      : null,
    resume: resumeOf(db, id),
    resumed_into: resumedInto(db, id),
    children: { forks, subagents },
    lineage: lineageOf(db, id),
    checkpoints: listCheckpoints(db, id),
    usage,
    usage_by_model,
    cost_usd: usage_by_model.length ? cost : 0,
    duration_ms: duration !== null && Number.isFinite(duration) && duration >= 0 ? duration : null,
    pull_requests: pullRequestsOf(header),
    header,
  };
}

/** Links as capture recorded them; anything else in a replicated header is left out. */
function pullRequestsOf(header: Record<string, unknown>): PullRequestLink[] {
  const list = (header.git as { pull_requests?: unknown } | null | undefined)?.pull_requests;
  if (!Array.isArray(list)) return [];
  return list
    .filter((l): l is Record<string, unknown> => !!l && typeof l === 'object' && typeof (l as { url?: unknown }).url === 'string')
    .filter((l) => /^https?:\/\//.test(l.url as string))
    .map((l) => ({
      url: l.url as string,
      number: typeof l.number === 'number' ? l.number : null,
      repository: typeof l.repository === 'string' ? l.repository : null,
    }));
}
