import { sql, type Kysely, type Transaction } from 'kysely';
import { unpackBody } from '../../engine/index.js';
import type { RelayDb } from '../db/schema.js';
import type { InsertLimits } from '../db/open.js';
import { msgKey, sessionDocOf, titleOf, type FoldState, type MessageRow, type SessionRow, type ViewEvent } from './fold-rules.js';

/** Reads the events and the view rows a batch folds, and writes the rows it changed, in the caller's transaction. */
type Tx = Transaction<RelayDb> | Kysely<RelayDb>;

/** Text search indexes at most this much of one message (a tsvector holds at most 1 MB). */
const INDEXED_CHARS = 200_000;

interface EventRowDb {
  rseq: string;
  origin: string;
  seq: string;
  type: string;
  ts: string;
  session: string | null;
  body: Uint8Array | null;
  account_id: string | null;
  username: string | null;
  device: string | null;
}

function toViewEvent(r: EventRowDb): ViewEvent {
  let body: unknown = null;
  if (r.body !== null) {
    try {
      body = unpackBody(new Uint8Array(r.body));
    } catch {
      body = null; // validated on the way in; a row that does not decode folds as a tombstone
    }
  }
  return {
    rseq: Number(r.rseq),
    origin: r.origin,
    seq: Number(r.seq),
    type: r.type,
    ts: Number(r.ts),
    session: r.session,
    body,
    account: r.account_id,
    username: r.username,
    device: r.device,
  };
}

const EVENT_COLUMNS = sql`e.rseq, e.origin, e.seq, e.type, e.ts, e.session, e.body, d.account_id, a.username, coalesce(d.label, d.name) as device`;
const EVENT_JOINS = sql`left join devices d on d.origin = e.origin left join accounts a on a.id = d.account_id`;

/** Events of a space after `after`, in relay order, with who pushed each. */
export async function readEvents(tx: Tx, space: string, after: number, limit: number): Promise<ViewEvent[]> {
  const r = await sql<EventRowDb>`select ${EVENT_COLUMNS} from events e ${EVENT_JOINS}
    where e.space_id = ${space} and e.rseq > ${after} order by e.rseq limit ${limit}`.execute(tx);
  return r.rows.map(toViewEvent);
}

/** Every event of these sessions in a space up to `upTo` (a purge folds its session again from them). */
export async function readSessionEvents(tx: Tx, space: string, sessions: string[], upTo: number): Promise<ViewEvent[]> {
  const r = await sql<EventRowDb>`select ${EVENT_COLUMNS} from events e ${EVENT_JOINS}
    where e.space_id = ${space} and e.session = any(${sessions}::text[]) and e.rseq <= ${upTo} order by e.rseq`.execute(tx);
  return r.rows.map(toViewEvent);
}

/** The account of a personal space, or null for a team space. */
export async function personalOwnerOf(tx: Tx, space: string): Promise<string | null> {
  const r = await sql<{ account_id: string }>`select m.account_id from spaces s join members m on m.space_id = s.id
    where s.id = ${space} and s.kind = 'personal' order by m.created_at limit 1`.execute(tx);
  return r.rows[0]?.account_id ?? null;
}

const SESSION_NUMBERS = [
  'message_count',
  'tool_use_count',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'last_rseq',
  'last_ts',
] as const;
const MESSAGE_NUMBERS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'tool_uses'] as const;

/** Loads the session rows and the message rows (without their bodies) a batch touches into the state. */
export async function loadState(tx: Tx, st: FoldState, sessions: string[], messages: Array<[string, string]>): Promise<void> {
  if (sessions.length) {
    const r = await sql<Record<string, unknown>>`select * from view_sessions where space_id = ${st.space} and id = any(${sessions}::text[])`.execute(tx);
    for (const row of r.rows) {
      delete row.title;
      delete row.doc;
      for (const k of SESSION_NUMBERS) row[k] = Number(row[k]);
      st.sessions.set(row.id as string, row as unknown as SessionRow);
    }
  }
  if (messages.length) {
    for (const [s, m] of messages) st.messages.set(msgKey(s, m), null);
    const r = await sql<
      Record<string, unknown>
    >`select m.space_id, m.session, m.msg_id, m.parent_msg_id, m.role, m.ts, m.ord, m.orig_stamp, m.rev_stamp, m.model,
        m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_write_tokens, m.reasoning_tokens, m.tool_uses,
        m.author_account, m.author_username, m.author_device
      from view_messages m join unnest(${messages.map((x) => x[0])}::text[], ${messages.map((x) => x[1])}::text[]) as k(s, id)
        on m.session = k.s and m.msg_id = k.id
      where m.space_id = ${st.space}`.execute(tx);
    for (const row of r.rows) {
      for (const k of MESSAGE_NUMBERS) row[k] = Number(row[k]);
      row.body = null;
      row.text = null;
      st.messages.set(msgKey(row.session as string, row.msg_id as string), row as unknown as MessageRow);
    }
  }
}

const SESSION_COLUMNS: Array<[keyof SessionRow, string]> = [
  ['space_id', 'text'],
  ['id', 'text'],
  ['owner_account', 'text'],
  ['owner_username', 'text'],
  ['owner_device', 'text'],
  ['owner_origin', 'text'],
  ['tool', 'text'],
  ['native_id', 'text'],
  ['native_path', 'text'],
  ['cwd', 'text'],
  ['git_branch', 'text'],
  ['git_remote', 'text'],
  ['model', 'text'],
  ['provider', 'text'],
  ['tool_version', 'text'],
  ['via', 'text'],
  ['discovered_stamp', 'text'],
  ['discovered_by', 'text'],
  ['discovered_title', 'text'],
  ['native_title', 'text'],
  ['native_title_stamp', 'text'],
  ['user_title', 'text'],
  ['user_title_stamp', 'text'],
  ['first_prompt', 'text'],
  ['first_prompt_key', 'text'],
  ['alias', 'text'],
  ['alias_stamp', 'text'],
  ['tags', 'text'],
  ['tags_stamp', 'text'],
  ['created_at', 'text'],
  ['updated_at', 'text'],
  ['parent_session_id', 'text'],
  ['agent_id', 'text'],
  ['fork_from', 'text'],
  ['fork_at_msg', 'text'],
  ['fork_checkpoint', 'text'],
  ['resumed_from', 'text'],
  ['resumed_at_msg', 'text'],
  ['resumed_stamp', 'text'],
  ['deleted', 'boolean'],
  ['deleted_stamp', 'text'],
  ['purged', 'boolean'],
  ['message_count', 'integer'],
  ['tool_use_count', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'],
  ['cache_write_tokens', 'bigint'],
  ['reasoning_tokens', 'bigint'],
  ['header', 'text'],
  ['last_rseq', 'bigint'],
  ['last_ts', 'bigint'],
];

const MESSAGE_COLUMNS: Array<[keyof MessageRow, string]> = [
  ['space_id', 'text'],
  ['session', 'text'],
  ['msg_id', 'text'],
  ['parent_msg_id', 'text'],
  ['role', 'text'],
  ['ts', 'text'],
  ['ord', 'text'],
  ['orig_stamp', 'text'],
  ['rev_stamp', 'text'],
  ['model', 'text'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'],
  ['cache_write_tokens', 'bigint'],
  ['reasoning_tokens', 'bigint'],
  ['tool_uses', 'integer'],
  ['body', 'text'],
  ['text', 'text'],
  ['author_account', 'text'],
  ['author_username', 'text'],
  ['author_device', 'text'],
];

const defs = (cols: Array<[string, string]>) => sql.raw(cols.map(([c, t]) => `${c} ${t}`).join(', '));
const names = (cols: Array<[string, string]>, prefix = '') => sql.raw(cols.map(([c]) => prefix + c).join(', '));
const sets = (cols: Array<[string, string]>, skip: string[]) =>
  sql.raw(
    cols
      .filter(([c]) => !skip.includes(c))
      .map(([c]) => `${c} = excluded.${c}`)
      .join(', '),
  );

/**
 * PostgreSQL text holds no NUL: session text may (it is untrusted); such characters are left out of
 * the views. JSON writes a NUL as \u0000, so only text holding one pays for the replacer.
 */
const noNul = (_k: string, v: unknown) => (typeof v === 'string' && v.includes('\0') ? v.replaceAll('\0', '') : v);
function toJson(rows: unknown[]): string {
  const json = JSON.stringify(rows);
  return json.includes('\\u0000') ? JSON.stringify(rows, noNul) : json;
}

/** Rows per statement: one JSON parameter each, kept to a few MB (less on PGlite: its limits). */
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;
const WRITE_CHUNK_ROWS = 2000;

function chunks<T>(rows: T[], size: (r: T) => number, limits?: InsertLimits): T[][] {
  const maxBytes = Math.min(WRITE_CHUNK_BYTES, limits?.bytes ?? Infinity);
  const maxRows = Math.min(WRITE_CHUNK_ROWS, limits?.rows ?? Infinity);
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const r of rows) {
    cur.push(r);
    bytes += size(r);
    if (bytes >= maxBytes || cur.length >= maxRows) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Writes what the batch changed: cleared sessions first, then sessions, messages and checkpoints. */
export async function writeState(tx: Tx, st: FoldState, limits?: InsertLimits): Promise<void> {
  if (st.cleared.size) {
    const ids = [...st.cleared];
    await sql`delete from view_messages where space_id = ${st.space} and session = any(${ids}::text[])`.execute(tx);
    await sql`delete from view_checkpoints where space_id = ${st.space} and session_id = any(${ids}::text[])`.execute(tx);
  }
  const sessions = [...st.dirtySessions].map((id) => st.sessions.get(id)).filter((r): r is SessionRow => !!r);
  for (const part of chunks(sessions, () => 1000, limits)) {
    const json = toJson(part.map((r) => ({ ...r, title: titleOf(r), doc: sessionDocOf(r) })));
    await sql`insert into view_sessions (${names(SESSION_COLUMNS)}, title, doc)
      select ${names(SESSION_COLUMNS, 'x.')}, x.title, to_tsvector('english', x.doc)
      from json_to_recordset(${json}::json) as x(${defs(SESSION_COLUMNS)}, title text, doc text)
      on conflict (space_id, id) do update set ${sets(SESSION_COLUMNS, ['space_id', 'id'])}, title = excluded.title, doc = excluded.doc`.execute(tx);
  }
  const dirty = [...st.dirtyMessages].map((k) => st.messages.get(k)).filter((r): r is MessageRow => !!r);
  // Rows with new content are written whole; the others only had their order or stamps moved.
  const whole = dirty.filter((m) => m.body !== null);
  const stamps = dirty.filter((m) => m.body === null);
  for (const part of chunks(whole, (m) => (m.body?.length ?? 0) + (m.text?.length ?? 0), limits)) {
    const json = toJson(part);
    await sql`insert into view_messages (${names(MESSAGE_COLUMNS)}, search)
      select ${names(MESSAGE_COLUMNS, 'x.')}, to_tsvector('english', left(x.text, ${INDEXED_CHARS}))
      from json_to_recordset(${json}::json) as x(${defs(MESSAGE_COLUMNS)})
      on conflict (space_id, session, msg_id) do update set ${sets(MESSAGE_COLUMNS, ['space_id', 'session', 'msg_id'])}, search = excluded.search`.execute(tx);
  }
  for (const part of chunks(stamps, () => 200, limits)) {
    const json = toJson(part.map((m) => ({ session: m.session, msg_id: m.msg_id, ord: m.ord, orig_stamp: m.orig_stamp, rev_stamp: m.rev_stamp })));
    await sql`update view_messages m set ord = x.ord, orig_stamp = x.orig_stamp, rev_stamp = x.rev_stamp
      from json_to_recordset(${json}::json) as x(session text, msg_id text, ord text, orig_stamp text, rev_stamp text)
      where m.space_id = ${st.space} and m.session = x.session and m.msg_id = x.msg_id`.execute(tx);
  }
  const cps = [...st.dirtyCheckpoints].map((k) => st.checkpoints.get(k)).filter((r) => !!r);
  if (cps.length) {
    await sql`insert into view_checkpoints (space_id, session_id, name, at_msg, created_at, stamp)
      select x.space_id, x.session_id, x.name, x.at_msg, x.created_at, x.stamp
      from json_to_recordset(${toJson(cps)}::json) as x(space_id text, session_id text, name text, at_msg text, created_at text, stamp text)
      on conflict (space_id, session_id, name) do update set at_msg = excluded.at_msg, created_at = excluded.created_at, stamp = excluded.stamp
      where excluded.stamp > view_checkpoints.stamp`.execute(tx);
  }
}
