import { sql, type Kysely } from 'kysely';
import {
  SfsError,
  estimateCost,
  orderMessageRows,
  pullRequestsOf,
  type Message,
  type OrderedMessage,
  type SessionDetail,
  type SessionSummary,
  type TokenTotals,
} from '../../engine/index.js';
import type { RelayDb } from '../db/schema.js';
import type { MessagePage, MessageWindow, SearchHitOut, SessionQuery } from '../dashboard/source.js';

/**
 * Reads of the server-side views in the shapes of the dashboard API (server/dashboard/source.ts):
 * listSessions, showSession, messages and search return what DashboardSource's methods of the
 * same names return, for the sessions of the given spaces (the caller passes only spaces the
 * account belongs to). A session shared into two of them is listed once per space: each space's
 * view holds what reached that space. Every session also says who pushed it from which device.
 */

type Db = Kysely<RelayDb>;
type Row = Record<string, any>;

/** Who pushed a session into its space, and from which device. */
export interface PushedBy {
  account: string | null;
  username: string | null;
  device: string | null;
  origin: string | null;
}

export type RelaySessionSummary = SessionSummary & { space: string; pushed_by: PushedBy };
export type RelaySessionDetail = SessionDetail & { space: string; pushed_by: PushedBy };

const PAGE = 100;
const MAX_PAGE = 500;

function summary(row: Row): RelaySessionSummary {
  return {
    id: row.id,
    alias: row.alias ?? null,
    title: row.title,
    tool: row.tool ?? null,
    cwd: row.cwd ?? null,
    git_branch: row.git_branch ?? null,
    model: row.model ?? null,
    created_at: row.created_at ?? null,
    updated_at: row.updated_at ?? null,
    message_count: Number(row.message_count),
    tool_use_count: Number(row.tool_use_count),
    via: row.via ?? null,
    tags: JSON.parse(row.tags ?? '[]'),
    deleted: !!row.deleted,
    purged: !!row.purged,
    parent_session_id: row.parent_session_id ?? null,
    fork_from: row.fork_from ?? null,
    resumed_from: row.resumed_from ?? null,
    author: null,
    space: row.space_id,
    pushed_by: { account: row.owner_account ?? null, username: row.owner_username ?? null, device: row.owner_device ?? null, origin: row.owner_origin ?? null },
  };
}

const SUMMARY_COLUMNS = sql.raw(
  'space_id, id, alias, title, tool, cwd, git_branch, model, created_at, updated_at, message_count, tool_use_count, via, tags, deleted, purged, parent_session_id, fork_from, resumed_from, owner_account, owner_username, owner_device, owner_origin',
);

function isoBound(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new SfsError('USAGE', `--${name}: not a date: ${v}`);
  return d.toISOString();
}

/** `sfs list --json` data over the views of `spaces`, newest activity first, one page. */
export async function listSessions(
  db: Db,
  spaces: readonly string[],
  q: SessionQuery = {},
): Promise<{ total: number; sessions: RelaySessionSummary[]; next_offset: number | null }> {
  const limit = Math.max(1, Math.min(q.limit ?? 50, MAX_PAGE));
  const offset = Math.max(0, q.offset ?? 0);
  if (!spaces.length) return { total: 0, sessions: [], next_offset: null };
  // One space (the common case) as an equality, so the planner reads the list's order from its index.
  const inSpaces = spaces.length === 1 ? sql`space_id = ${spaces[0]!}` : sql`space_id = any(${[...spaces]}::text[])`;
  const where = [inSpaces, sql`not purged`, sql`tool is not null`];
  where.push(q.deleted ? sql`deleted` : sql`not deleted`);
  if (!q.subagents) where.push(sql`parent_session_id is null`);
  if (q.alias) where.push(sql`alias is not null`);
  if (q.tool) where.push(sql`tool = ${q.tool}`);
  if (q.project) {
    const p = q.project.replace(/\/+$/, '') || '/';
    const like = p.replace(/[\\%_]/g, (c) => '\\' + c) + '/%';
    where.push(sql`(git_remote = ${q.project} or cwd = ${p} or cwd like ${like})`);
  }
  const since = isoBound(q.since, 'since');
  const until = isoBound(q.until, 'until');
  if (since) where.push(sql`coalesce(updated_at, created_at) >= ${since}`);
  if (until) where.push(sql`coalesce(created_at, updated_at) < ${until}`);
  if (q.text) {
    where.push(sql`position(${q.text.toLowerCase()} in lower(concat_ws(' ', user_title, native_title, discovered_title, first_prompt, alias, cwd))) > 0`);
  }
  const w = sql.join(where, sql` and `);
  // The space breaks ties (a shared session is listed once per space): not the rows' physical order, which a rebuild changes.
  const [count, rows] = await Promise.all([
    sql<{ n: string }>`select count(*) as n from view_sessions where ${w}`.execute(db),
    sql<Row>`select ${SUMMARY_COLUMNS} from view_sessions where ${w}
      order by coalesce(updated_at, created_at) desc nulls last, id desc, space_id limit ${limit} offset ${offset}`.execute(db),
  ]);
  const total = Number(count.rows[0]!.n);
  const sessions = rows.rows.map(summary);
  return { total, sessions, next_offset: offset + sessions.length < total ? offset + sessions.length : null };
}

/**
 * The session a reference names among `spaces` (in the order given: the first space holding it
 * wins): a full id, an alias, or an id prefix of at least 4 characters. `ref` may also be
 * `space_id/ses_…` to pick one space's view.
 */
export async function resolveSession(db: Db, spaces: readonly string[], ref: string): Promise<{ space: string; id: string }> {
  const r = ref.trim();
  let list = [...spaces];
  let key = r;
  const slash = r.indexOf('/');
  if (slash > 0) {
    const sp = r.slice(0, slash);
    list = list.filter((s) => s === sp);
    key = r.slice(slash + 1);
  }
  if (!list.length) throw new SfsError('NOT_FOUND', `no session named "${ref}"`);
  const pick = (rows: Row[]) => rows.sort((a, b) => list.indexOf(a.space_id) - list.indexOf(b.space_id))[0];
  const exact =
    await sql<Row>`select space_id, id from view_sessions where id = ${key} and space_id = any(${list}::text[]) and not purged and (tool is not null or fork_from is not null)`.execute(
      db,
    );
  if (exact.rows.length) {
    const p = pick(exact.rows)!;
    return { space: p.space_id, id: p.id };
  }
  const byAlias =
    await sql<Row>`select space_id, id from view_sessions where lower(alias) = ${key.toLowerCase()} and space_id = any(${list}::text[]) and not purged
    order by alias_stamp desc limit 20`.execute(db);
  if (byAlias.rows.length) {
    const p = pick(byAlias.rows)!;
    return { space: p.space_id, id: p.id };
  }
  const lower = key.toLowerCase();
  const bare = lower.startsWith('ses_') ? lower.slice(4) : lower;
  if (bare.length < 4 || !/^[a-z0-9]+$/.test(bare))
    throw new SfsError('NOT_FOUND', `no session named "${ref}" (use a full id, an alias, or an id prefix of at least 4 characters)`);
  const rows = await sql<Row>`select distinct id from view_sessions where id >= ${'ses_' + bare} and id < ${'ses_' + bare + '\uffff'}
    and space_id = any(${list}::text[]) and tool is not null and not purged order by id limit 11`.execute(db);
  if (rows.rows.length === 0) throw new SfsError('NOT_FOUND', `no session matches "${ref}"`);
  if (rows.rows.length > 1) {
    const ids = rows.rows.slice(0, 10).map((x) => x.id as string);
    throw new SfsError('AMBIGUOUS', `"${ref}" matches ${rows.rows.length > 10 ? 'more than 10' : rows.rows.length} sessions: ${ids.join(', ')}`, {
      candidates: ids,
    });
  }
  return resolveSession(db, list, rows.rows[0]!.id);
}

interface Ref {
  session_id: string;
  msg_id: string;
  branch: number;
  inherited: boolean;
}

/** The ordered messages of a session in a space, a fork's inherited path first (engine/queries/messages.ts orderedRefs). */
export async function orderedRefs(db: Db, space: string, id: string, depth = 0): Promise<Ref[]> {
  if (depth > 100) throw new SfsError('INTERNAL', `fork chain of ${id} is too deep`);
  const [head, rows] = await Promise.all([
    sql<Row>`select fork_from, fork_at_msg from view_sessions where space_id = ${space} and id = ${id}`.execute(db),
    sql<{ msg_id: string; parent_msg_id: string | null; ts: string | null; ord: string }>`select msg_id, parent_msg_id, ts, ord from view_messages
      where space_id = ${space} and session = ${id}`.execute(db),
  ]);
  const own = orderMessageRows(rows.rows).map((r) => ({ session_id: id, msg_id: r.msg_id, branch: r.branch, inherited: false }));
  const h = head.rows[0];
  if (!h?.fork_from) return own;
  const base = await orderedRefs(db, space, h.fork_from, depth + 1);
  return [...(await pathTo(db, space, base, h.fork_at_msg)).map((r) => ({ ...r, branch: 0, inherited: true })), ...own];
}

async function pathTo(db: Db, space: string, base: Ref[], at: string | null): Promise<Ref[]> {
  if (at === null) return [];
  const idx = base.findIndex((r) => r.msg_id === at);
  if (idx < 0) return base;
  const prefix = base.slice(0, idx + 1);
  const parents = new Map<string, string | null>();
  const rows = await sql<Row>`select m.msg_id, m.parent_msg_id from view_messages m
    join unnest(${prefix.map((r) => r.session_id)}::text[], ${prefix.map((r) => r.msg_id)}::text[]) as k(s, id) on m.session = k.s and m.msg_id = k.id
    where m.space_id = ${space}`.execute(db);
  for (const r of rows.rows) parents.set(r.msg_id, r.parent_msg_id);
  const chain = new Set<string>();
  for (let cur: string | null | undefined = at; cur && !chain.has(cur); cur = parents.get(cur)) chain.add(cur);
  return chain.size > 1 ? prefix.filter((r) => chain.has(r.msg_id)) : prefix;
}

/** The bodies of these refs, in their order. */
async function loadMessages(db: Db, space: string, owner: string | null, refs: Ref[]): Promise<OrderedMessage[]> {
  if (!refs.length) return [];
  const rows = await sql<Row>`select m.session, m.msg_id, m.body, m.author_account, m.author_username, m.author_device, s.owner_account
    from view_messages m
    join unnest(${refs.map((r) => r.session_id)}::text[], ${refs.map((r) => r.msg_id)}::text[]) as k(s, id) on m.session = k.s and m.msg_id = k.id
    join view_sessions s on s.space_id = m.space_id and s.id = m.session
    where m.space_id = ${space}`.execute(db);
  const by = new Map(rows.rows.map((r) => [`${r.session}\0${r.msg_id}`, r]));
  const out: OrderedMessage[] = [];
  for (const ref of refs) {
    const r = by.get(`${ref.session_id}\0${ref.msg_id}`);
    if (!r) continue;
    const om: OrderedMessage = { message: JSON.parse(r.body) as Message, branch: ref.branch, inherited_from: ref.inherited ? ref.session_id : null };
    // As on the client: only another account's message names its author.
    if (r.author_account && r.author_account !== (r.owner_account ?? owner))
      om.author = { account: r.author_account, username: r.author_username ?? r.author_account, device: r.author_device ?? null };
    out.push(om);
  }
  return out;
}

async function window(db: Db, space: string, id: string, p: MessagePage): Promise<MessageWindow> {
  const refs = await orderedRefs(db, space, id);
  const limit = Math.max(1, Math.min(p.limit ?? PAGE, MAX_PAGE));
  let offset = Math.max(0, p.offset ?? 0);
  if (p.at_msg) {
    const i = refs.findIndex((r) => r.msg_id === p.at_msg);
    if (i < 0) throw new SfsError('NOT_FOUND', `no message ${p.at_msg} in ${id}`);
    offset = Math.max(0, i - Math.floor(limit / 2));
  }
  const items = (await loadMessages(db, space, null, refs.slice(offset, offset + limit))).map((m, i) => ({ ...m, index: offset + i }));
  return { total: refs.length, offset, items };
}

/** One page of a session's messages without the header. */
export async function messages(
  db: Db,
  spaces: readonly string[],
  ref: string,
  page: MessagePage = {},
): Promise<MessageWindow & { session: string; space: string }> {
  const s = await resolveSession(db, spaces, ref);
  return { session: s.id, space: s.space, ...(await window(db, s.space, s.id, page)) };
}

const ZERO: TokenTotals = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };

/** `sfs show --json` data: the header and one page of messages. */
export async function showSession(
  db: Db,
  spaces: readonly string[],
  ref: string,
  page: MessagePage = {},
): Promise<{ session: RelaySessionDetail; messages: MessageWindow }> {
  const s = await resolveSession(db, spaces, ref);
  const head = await sql<Row>`select * from view_sessions where space_id = ${s.space} and id = ${s.id}`.execute(db);
  const row = head.rows[0];
  if (!row || row.purged) throw new SfsError('NOT_FOUND', `session ${s.id} was purged`);
  const [byModel, span, children, resumed, checkpoints, lineage] = await Promise.all([
    sql<Row>`select model, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, sum(cache_read_tokens) as cache_read_tokens,
      sum(cache_write_tokens) as cache_write_tokens, sum(reasoning_tokens) as reasoning_tokens
      from view_messages where space_id = ${s.space} and session = ${s.id} group by model order by model`.execute(db),
    sql<Row>`select min(ts) as first, max(ts) as last from view_messages where space_id = ${s.space} and session = ${s.id} and ts is not null`.execute(db),
    sql<Row>`select id, fork from (
        select id, created_at, true as fork from view_sessions where space_id = ${s.space} and fork_from = ${s.id} and not purged
        union all
        select id, created_at, false from view_sessions where space_id = ${s.space} and parent_session_id = ${s.id} and not purged
      ) c order by created_at, id`.execute(db),
    sql<Row>`select id, tool from view_sessions where space_id = ${s.space} and resumed_from = ${s.id} and not purged order by resumed_stamp, id`.execute(db),
    sql<Row>`select name, at_msg, created_at from view_checkpoints where space_id = ${s.space} and session_id = ${s.id} order by created_at, name`.execute(db),
    lineageOf(db, s.space, s.id),
  ]);
  const usage = { ...ZERO };
  let cost: number | null = 0;
  const usage_by_model = byModel.rows
    .map((m) => ({
      model: (m.model as string | null) ?? null,
      input_tokens: Number(m.input_tokens),
      output_tokens: Number(m.output_tokens),
      cache_read_tokens: Number(m.cache_read_tokens),
      cache_write_tokens: Number(m.cache_write_tokens),
      reasoning_tokens: Number(m.reasoning_tokens),
    }))
    .filter((m) => m.input_tokens + m.output_tokens + m.cache_read_tokens + m.cache_write_tokens + m.reasoning_tokens > 0)
    .map((m) => {
      for (const k of Object.keys(ZERO) as (keyof TokenTotals)[]) usage[k] += m[k];
      const c = estimateCost(m.model ?? row.model, m);
      if (c === null) cost = null;
      else if (cost !== null) cost += c;
      return { ...m, cost_usd: c };
    });
  const first = span.rows[0]?.first as string | null;
  const last = span.rows[0]?.last as string | null;
  const duration = first && last ? Date.parse(last) - Date.parse(first) : null;
  let resume: SessionDetail['resume'] = null;
  if (row.resumed_from) {
    const src = await sql<Row>`select tool from view_sessions where space_id = ${s.space} and id = ${row.resumed_from} and not purged`.execute(db);
    const index =
      row.resumed_at_msg && src.rows.length ? (await orderedRefs(db, s.space, row.resumed_from)).findIndex((r) => r.msg_id === row.resumed_at_msg) : -1;
    resume = { from: row.resumed_from, tool: src.rows[0]?.tool ?? null, at_msg: row.resumed_at_msg ?? null, at_message: index >= 0 ? index + 1 : null };
  }
  const header = (row.header ? JSON.parse(row.header) : {}) as Record<string, unknown>;
  const session: RelaySessionDetail = {
    ...summary(row),
    native_id: row.native_id ?? null,
    native_path: row.native_path ?? null,
    provider: row.provider ?? null,
    tool_version: row.tool_version ?? null,
    agent_id: row.agent_id ?? null,
    fork: row.fork_from ? { from: row.fork_from, at_msg: row.fork_at_msg ?? null, checkpoint: row.fork_checkpoint ?? null } : null,
    resume,
    resumed_into: resumed.rows.map((r) => ({ id: r.id, tool: r.tool ?? null })),
    children: { forks: children.rows.filter((r) => r.fork).map((r) => r.id), subagents: children.rows.filter((r) => !r.fork).map((r) => r.id) },
    lineage,
    checkpoints: checkpoints.rows.map((c) => ({ name: c.name, at_msg: c.at_msg ?? null, created_at: c.created_at ?? null })),
    usage,
    usage_by_model,
    cost_usd: usage_by_model.length ? cost : 0,
    duration_ms: duration !== null && Number.isFinite(duration) && duration >= 0 ? duration : null,
    pull_requests: pullRequestsOf(header),
    header,
  };
  return { session, messages: await window(db, s.space, s.id, page) };
}

async function lineageOf(db: Db, space: string, id: string): Promise<string[]> {
  const r = await sql<{ id: string }>`with recursive up(id, depth) as (
      select fork_from, 1 from view_sessions where space_id = ${space} and id = ${id} and fork_from is not null
      union all
      select s.fork_from, up.depth + 1 from up join view_sessions s on s.space_id = ${space} and s.id = up.id where s.fork_from is not null and up.depth < 1000
    ) cycle id set is_cycle using path
    select id from up where not is_cycle order by depth`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Splits a snippet's \u0002…\u0003 markers into plain text and match ranges (as the local dashboard does). */
function marks(snippet: string): { text: string; ranges: Array<[number, number]> } {
  let text = '';
  const ranges: Array<[number, number]> = [];
  let start = -1;
  for (const ch of snippet) {
    if (ch === '\u0002') start = text.length;
    else if (ch === '\u0003') {
      if (start >= 0) ranges.push([start, text.length]);
      start = -1;
    } else text += ch;
  }
  return { text, ranges };
}

export type RelaySearchHit = SearchHitOut & { space: string };

/**
 * `sfs search --json` data: PostgreSQL text search over the messages and the session documents
 * (titles, alias, paths) of `spaces`, ranked with ts_rank, with ts_headline snippets. `query` is
 * read as websearch_to_tsquery reads it (words, "phrases", -exclusions, or).
 */
export async function search(
  db: Db,
  spaces: readonly string[],
  q: { query: string; tool?: string; limit?: number },
): Promise<{ query: string; hits: RelaySearchHit[] }> {
  const limit = Math.max(1, Math.min(q.limit ?? 20, 100));
  if (!spaces.length || !q.query.trim()) return { query: q.query, hits: [] };
  const tool = q.tool ? sql`and s.tool = ${q.tool}` : sql``;
  const sp = [...spaces];
  const opts = sql`'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10, MaxFragments=1'`;
  const rows = await sql<Row>`
    with q as (select websearch_to_tsquery('english', ${q.query}) as tsq),
    hits as (
      select 'message' as kind, m.space_id, m.session, m.msg_id, m.role, m.ts, ts_rank(m.search, q.tsq) as score, m.text as doc
      from view_messages m join view_sessions s on s.space_id = m.space_id and s.id = m.session, q
      where m.space_id = any(${sp}::text[]) and m.search @@ q.tsq and not s.purged and not s.deleted ${tool}
      union all
      select 'session', s.space_id, s.id, null, null, null, ts_rank(s.doc, q.tsq),
        concat_ws(E'\n', s.user_title, s.native_title, s.discovered_title, s.alias, s.cwd, s.native_path, s.git_branch)
      from view_sessions s, q
      where s.space_id = any(${sp}::text[]) and s.doc @@ q.tsq and not s.purged and not s.deleted ${tool}
      -- The space breaks ties: a session shared into a team is in two spaces, and their rows' physical order (which a rebuild changes) must not order the hits.
      order by score desc, session, msg_id nulls first, space_id
      limit ${limit}
    )
    select h.kind, h.space_id, h.session, h.msg_id, h.role, h.ts, h.score, s.title, s.tool, s.cwd,
      ts_headline('english', replace(replace(h.doc, chr(2), ''), chr(3), ''), q.tsq, ${opts}) as snippet
    from hits h join view_sessions s on s.space_id = h.space_id and s.id = h.session, q
    order by h.score desc, h.session, h.msg_id nulls first, h.space_id`.execute(db);
  const refsCache = new Map<string, Ref[]>();
  const hits: RelaySearchHit[] = [];
  for (const r of rows.rows) {
    const { text, ranges } = marks(r.snippet ?? '');
    let index: number | null = null;
    if (r.msg_id) {
      const key = `${r.space_id}\0${r.session}`;
      let refs = refsCache.get(key);
      if (!refs) refsCache.set(key, (refs = await orderedRefs(db, r.space_id, r.session)));
      const i = refs.findIndex((x) => x.msg_id === r.msg_id);
      index = i < 0 ? null : i;
    }
    hits.push({
      kind: r.kind,
      session_id: r.session,
      msg_id: r.msg_id ?? null,
      role: r.role ?? null,
      timestamp: r.ts ?? null,
      title: r.title,
      tool: r.tool ?? null,
      cwd: r.cwd ?? null,
      score: Number(r.score),
      snippet: text,
      snippet_marked: String(r.snippet ?? '')
        .replace(/\u0002/g, '<<')
        .replace(/\u0003/g, '>>'),
      highlights: ranges,
      message_index: index,
      space: r.space_id,
    });
  }
  return { query: q.query, hits };
}

/** The read position of each space's views (what a live page polls: it grows whenever they change). */
export async function positions(db: Db, spaces: readonly string[]): Promise<Record<string, number>> {
  if (!spaces.length) return {};
  const r = await sql<{ space_id: string; rseq: string }>`select space_id, rseq from view_positions where space_id = any(${[...spaces]}::text[])`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.space_id, Number(x.rseq)]));
}

/** Knowledge entries of the spaces (newest first), optionally matching a text query. */
export async function knowledge(
  db: Db,
  spaces: readonly string[],
  q: { project?: string; query?: string; kind?: string; limit?: number } = {},
): Promise<Array<Row & { space: string }>> {
  if (!spaces.length) return [];
  const limit = Math.max(1, Math.min(q.limit ?? 50, 500));
  const where = [sql`space_id = any(${[...spaces]}::text[])`];
  if (q.project) where.push(sql`project = ${q.project}`);
  if (q.kind) where.push(sql`kind = ${q.kind}`);
  if (q.query) where.push(sql`search @@ websearch_to_tsquery('english', ${q.query})`);
  const r = await sql<Row>`select space_id, project, entry_id, kind, title, text, tags, author_kind, author_name, session_id, created_at, pushed_by
    from view_knowledge where ${sql.join(where, sql` and `)} order by created_at desc nulls last, entry_id limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ ...x, tags: JSON.parse(x.tags ?? '[]'), space: x.space_id }));
}
