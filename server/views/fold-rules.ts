import { messageText, nextMessageVersion, type Message, type SessionDiscoveredBody, type SessionForkedBody, type SessionMetaBody } from '../../engine/index.js';

/**
 * How one space's events fold into its session and message views: the client's rules
 * (engine/projections/fold.ts), applied to rows held in memory. Conflicts are decided by the
 * event's stamp (ts, origin, seq) and never by arrival order, exactly as on the client, so a
 * rebuild and any incremental schedule give the same rows (test/server/views-*.test.ts check it,
 * and check these rules against the client's own fold).
 *
 * Attribution: a session in a space has one owner — the space's account for a personal space,
 * else the account whose event of the session came first into the space. Like another account's
 * events admitted into the user's own view on the client, other accounts' events bring content
 * only (messages, discovery, fork), rank below the owner's, and never set metadata.
 */

export interface ViewEvent {
  rseq: number;
  origin: string;
  seq: number;
  type: string;
  ts: number;
  session: string | null;
  body: any;
  /** The pushing device's account (null: an origin the relay has no device for). */
  account: string | null;
  username: string | null;
  device: string | null;
}

export interface SessionRow {
  space_id: string;
  id: string;
  owner_account: string | null;
  owner_username: string | null;
  owner_device: string | null;
  owner_origin: string | null;
  tool: string | null;
  native_id: string | null;
  native_path: string | null;
  cwd: string | null;
  git_branch: string | null;
  git_remote: string | null;
  model: string | null;
  provider: string | null;
  tool_version: string | null;
  via: string | null;
  discovered_stamp: string | null;
  discovered_by: string | null;
  discovered_title: string | null;
  native_title: string | null;
  native_title_stamp: string | null;
  user_title: string | null;
  user_title_stamp: string | null;
  first_prompt: string | null;
  first_prompt_key: string | null;
  alias: string | null;
  alias_stamp: string | null;
  tags: string;
  tags_stamp: string | null;
  created_at: string | null;
  updated_at: string | null;
  parent_session_id: string | null;
  agent_id: string | null;
  fork_from: string | null;
  fork_at_msg: string | null;
  fork_checkpoint: string | null;
  resumed_from: string | null;
  resumed_at_msg: string | null;
  resumed_stamp: string | null;
  deleted: boolean;
  deleted_stamp: string | null;
  purged: boolean;
  message_count: number;
  tool_use_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  header: string | null;
  last_rseq: number;
  last_ts: number;
}

export interface MessageRow {
  space_id: string;
  session: string;
  msg_id: string;
  parent_msg_id: string | null;
  role: string;
  ts: string | null;
  ord: string;
  orig_stamp: string | null;
  rev_stamp: string | null;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  tool_uses: number;
  /** The message as JSON; null on a row loaded without it (only its columns are needed to fold). */
  body: string | null;
  /** Its search text (thinking included, as the client indexes). */
  text: string | null;
  author_account: string | null;
  author_username: string | null;
  author_device: string | null;
}

export interface CheckpointRow {
  space_id: string;
  session_id: string;
  name: string;
  at_msg: string | null;
  created_at: string | null;
  stamp: string;
}

/** The client's stamp (engine/projections/fold.ts stampOf). */
export function stampOf(ev: { ts: number; origin: string; seq: number }): string {
  return `${String(ev.ts).padStart(15, '0')}:${ev.origin}:${String(ev.seq).padStart(12, '0')}`;
}

function ordOf(ev: { origin: string; seq: number }, idx: number): string {
  return `${ev.origin}:${String(ev.seq).padStart(12, '0')}:${String(idx).padStart(6, '0')}`;
}

export function normalizeTs(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString();
}

/** The search text of a message, as the client indexes it. */
export function searchText(m: Message): string {
  return messageText(m, { includeThinking: true });
}

const ADMITTED_TYPES = new Set(['messages.captured', 'message.revised', 'session.discovered', 'session.forked']);

export function emptySession(space: string, id: string): SessionRow {
  return {
    space_id: space,
    id,
    owner_account: null,
    owner_username: null,
    owner_device: null,
    owner_origin: null,
    tool: null,
    native_id: null,
    native_path: null,
    cwd: null,
    git_branch: null,
    git_remote: null,
    model: null,
    provider: null,
    tool_version: null,
    via: null,
    discovered_stamp: null,
    discovered_by: null,
    discovered_title: null,
    native_title: null,
    native_title_stamp: null,
    user_title: null,
    user_title_stamp: null,
    first_prompt: null,
    first_prompt_key: null,
    alias: null,
    alias_stamp: null,
    tags: '[]',
    tags_stamp: null,
    created_at: null,
    updated_at: null,
    parent_session_id: null,
    agent_id: null,
    fork_from: null,
    fork_at_msg: null,
    fork_checkpoint: null,
    resumed_from: null,
    resumed_at_msg: null,
    resumed_stamp: null,
    deleted: false,
    deleted_stamp: null,
    purged: false,
    message_count: 0,
    tool_use_count: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    header: null,
    last_rseq: 0,
    last_ts: 0,
  };
}

/** Everything a batch of events may read or change, held in memory (loaded by the caller, written back after). */
export interface FoldState {
  space: string;
  /** The account of a personal space (it owns every session there), or null for a team space. */
  personalOwner: string | null;
  sessions: Map<string, SessionRow>;
  /** `session\0msg_id` → row (absent from the map: not loaded; null: no such message). */
  messages: Map<string, MessageRow | null>;
  checkpoints: Map<string, CheckpointRow>;
  dirtySessions: Set<string>;
  dirtyMessages: Set<string>;
  dirtyCheckpoints: Set<string>;
  /** Sessions whose messages and checkpoints are to be deleted before the dirty rows are written. */
  cleared: Set<string>;
}

export function newState(space: string, personalOwner: string | null): FoldState {
  return {
    space,
    personalOwner,
    sessions: new Map(),
    messages: new Map(),
    checkpoints: new Map(),
    dirtySessions: new Set(),
    dirtyMessages: new Set(),
    dirtyCheckpoints: new Set(),
    cleared: new Set(),
  };
}

export const msgKey = (session: string, msgId: string) => `${session}\0${msgId}`;

/** The message ids an event touches (what the caller loads before folding it). */
export function messageIdsOf(ev: { type: string; body: any }): string[] {
  if (!ev.body) return [];
  if (ev.type === 'messages.captured') return (ev.body.messages as Message[]).map((m) => m.msg_id);
  if (ev.type === 'message.revised') return [(ev.body.message as Message).msg_id];
  return [];
}

/** Forgets a session's rows: a purge folds it again from its events, which the relay has erased. (Deleting from a Map or Set while iterating it is safe.) */
export function clearSession(st: FoldState, id: string): void {
  st.sessions.delete(id);
  for (const k of st.messages.keys()) if (k.startsWith(id + '\0')) st.messages.delete(k);
  for (const k of st.checkpoints.keys()) if (k.startsWith(id + '\0')) st.checkpoints.delete(k);
  for (const k of st.dirtyMessages) if (k.startsWith(id + '\0')) st.dirtyMessages.delete(k);
  for (const k of st.dirtyCheckpoints) if (k.startsWith(id + '\0')) st.dirtyCheckpoints.delete(k);
  st.cleared.add(id);
  st.dirtySessions.add(id);
}

/**
 * Folds one session event (knowledge events go to knowledge-apply.ts). The session's row must
 * be in `st.sessions` if it exists, and every message the event names in `st.messages`; a
 * session cleared in this batch counts as absent.
 */
export function foldEvent(st: FoldState, ev: ViewEvent): void {
  const id = ev.session;
  if (!id) return;
  let row = st.sessions.get(id);
  if (!row) {
    row = emptySession(st.space, id);
    // The owner: the space's account, else whoever's event of the session came first here.
    row.owner_account = st.personalOwner ?? ev.account;
    if (!st.personalOwner || st.personalOwner === ev.account) {
      row.owner_username = ev.username;
      row.owner_device = ev.device;
      row.owner_origin = ev.origin;
    }
    st.sessions.set(id, row);
    st.dirtySessions.add(id);
  }
  if (ev.rseq > row.last_rseq) {
    row.last_rseq = ev.rseq;
    row.last_ts = Math.max(row.last_ts, ev.ts);
    st.dirtySessions.add(id);
  }
  // Who pushed the session from which device: the owner's device that last pushed it, once known.
  if (!row.owner_origin && ev.account === row.owner_account) {
    row.owner_username = ev.username;
    row.owner_device = ev.device;
    row.owner_origin = ev.origin;
  }
  const own = ev.account === row.owner_account;
  if (ev.type === 'session.purged') {
    // Another account's purge erased only its own events (the relay nulled their bodies): nothing here to do.
    if (own || (st.personalOwner !== null && ev.account === st.personalOwner)) purge(st, row);
    return;
  }
  if (ev.body === null || ev.body === undefined) return;
  if (!own && !ADMITTED_TYPES.has(ev.type)) return;
  if (row.purged) return;
  const author = own ? null : ev;
  const stamp = stampOf(ev);
  const rank = `${rankOf(row, ev.account)}|${stamp}`;
  const discovery = row.discovered_stamp ? `${rankOf(row, row.discovered_by)}|${row.discovered_stamp}` : null;
  st.dirtySessions.add(id);
  switch (ev.type) {
    case 'session.discovered':
      if (discovery && discovery < rank) return;
      discovered(row, ev.body, stamp, ev.account);
      break;
    case 'session.forked':
      if (discovery && discovery < rank) return;
      forked(row, ev.body, stamp, ev.account, own);
      break;
    case 'messages.captured':
      (ev.body.messages as Message[]).forEach((m, i) => message(st, row, m, stamp, ordOf(ev, i), false, author));
      break;
    case 'message.revised':
      message(st, row, ev.body.message as Message, stamp, ordOf(ev, 0), true, author);
      break;
    case 'session.meta':
      meta(row, ev.body, stamp);
      break;
    case 'checkpoint.created': {
      const k = `${id}\0${ev.body.name}`;
      const cur = st.checkpoints.get(k);
      if (!cur || cur.stamp < stamp) {
        st.checkpoints.set(k, {
          space_id: st.space,
          session_id: id,
          name: ev.body.name,
          at_msg: ev.body.at_msg ?? null,
          created_at: ev.body.created_at ?? null,
          stamp,
        });
        st.dirtyCheckpoints.add(k);
      }
      break;
    }
    case 'session.resumed': {
      const at = normalizeTs(ev.body.created_at);
      if (!row.resumed_stamp || row.resumed_stamp > stamp) {
        row.resumed_from = ev.body.from_session;
        row.resumed_at_msg = ev.body.at_msg ?? null;
        row.resumed_stamp = stamp;
        row.created_at = at ?? row.created_at;
      }
      if (at) bumpUpdated(row, at);
      break;
    }
    case 'session.deleted':
    case 'session.restored':
      if (!row.deleted_stamp || row.deleted_stamp < stamp) {
        row.deleted = ev.type === 'session.deleted';
        row.deleted_stamp = stamp;
      }
      break;
  }
}

/** The owner's content first, then other accounts in a fixed order (the client's rankOf, seen from the owner). */
function rankOf(row: SessionRow, account: string | null): string {
  return account === row.owner_account ? '0' : `1${account ?? ''}`;
}

function bumpUpdated(row: SessionRow, at: string): void {
  if (row.updated_at === null || row.updated_at < at) row.updated_at = at;
}

function discovered(row: SessionRow, b: SessionDiscoveredBody, stamp: string, by: string | null): void {
  const header = {
    git: b.git ?? null,
    interface: b.interface ?? null,
    imported_session_id: b.imported_session_id ?? null,
    workspace: b.workspace ?? null,
    tools: b.tools ?? null,
    manifest_extra: b.manifest_extra ?? null,
    model: b.model ?? null,
    ...(b.rules ? { rules: b.rules } : {}),
  };
  row.tool = b.tool;
  row.native_id = b.native_id ?? null;
  row.native_path = b.native_path ?? null;
  row.cwd = b.cwd ?? null;
  row.git_branch = b.git?.branch ?? null;
  row.git_remote = b.git?.remote_url ?? null;
  row.model = b.model?.model_id ?? null;
  row.provider = b.model?.provider ?? null;
  row.tool_version = b.tool_version ?? null;
  row.via = b.via;
  row.discovered_stamp = stamp;
  row.discovered_by = by;
  row.discovered_title = b.title ?? null;
  const created = normalizeTs(b.created_at);
  if (row.resumed_stamp === null) row.created_at = created;
  row.parent_session_id = b.parent_session_id ?? null;
  row.agent_id = b.agent_id ?? null;
  row.header = JSON.stringify(header);
  if (row.tags_stamp === null) row.tags = JSON.stringify(b.tags ?? []);
  if (created && (row.updated_at === null || row.updated_at < created)) row.updated_at = created;
}

function forked(row: SessionRow, b: SessionForkedBody, stamp: string, by: string | null, own: boolean): void {
  row.via = 'fork';
  row.fork_from = b.from_session;
  row.fork_at_msg = b.at_msg ?? null;
  row.fork_checkpoint = b.from_checkpoint ?? null;
  row.discovered_stamp = stamp;
  row.discovered_by = by;
  const created = normalizeTs(b.created_at);
  row.created_at = created;
  if (created && (row.updated_at === null || row.updated_at < created)) row.updated_at = created;
  row.tool = b.tool ?? 'unknown';
  row.cwd = b.cwd ?? null;
  row.git_branch = b.git?.branch ?? null;
  row.git_remote = b.git?.remote_url ?? null;
  row.model = b.model?.model_id ?? null;
  row.provider = b.model?.provider ?? null;
  row.tool_version = b.tool_version ?? null;
  if (b.name && own && (!row.user_title_stamp || row.user_title_stamp < stamp)) {
    row.user_title = b.name;
    row.user_title_stamp = stamp;
  }
}

function meta(row: SessionRow, b: SessionMetaBody, stamp: string): void {
  const newer = (s: string | null) => !s || s < stamp;
  if (b.title !== undefined && newer(row.user_title_stamp)) {
    row.user_title = b.title;
    row.user_title_stamp = stamp;
  }
  if (b.native_title !== undefined && newer(row.native_title_stamp)) {
    row.native_title = b.native_title;
    row.native_title_stamp = stamp;
  }
  if (b.alias !== undefined && newer(row.alias_stamp)) {
    row.alias = b.alias;
    row.alias_stamp = stamp;
  }
  if (b.tags !== undefined && newer(row.tags_stamp)) {
    row.tags = JSON.stringify(b.tags);
    row.tags_stamp = stamp;
  }
}

const TOKENS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] as const;

function columnsOf(m: Message) {
  const u = m.usage ?? {};
  return {
    parent_msg_id: m.parent_msg_id ?? null,
    role: m.role,
    ts: normalizeTs(m.timestamp),
    model: m.model ?? null,
    input_tokens: u.input_tokens ?? 0,
    output_tokens: u.output_tokens ?? 0,
    cache_read_tokens: u.cache_read_tokens ?? 0,
    cache_write_tokens: u.cache_write_tokens ?? 0,
    reasoning_tokens: u.reasoning_tokens ?? 0,
    tool_uses: m.content.filter((b) => b.type === 'tool_use').length,
    body: JSON.stringify(m),
    text: searchText(m),
  };
}

/** The client's Folder.message, on rows in memory. */
function message(st: FoldState, row: SessionRow, m: Message, stamp: string, ord: string, isRevision: boolean, author: ViewEvent | null): void {
  const k = msgKey(row.id, m.msg_id);
  const existing = st.messages.get(k) ?? null;
  const content = {
    ...columnsOf(m),
    author_account: author?.account ?? row.owner_account,
    author_username: author ? author.username : null,
    author_device: author ? author.device : null,
  };
  const titles = author === null;
  const rank = rankOf(row, content.author_account);
  const existingRank = existing ? rankOf(row, existing.author_account) : rank;
  if (existingRank < rank) return;
  if (!existing || existingRank > rank) {
    const fresh: MessageRow = {
      space_id: st.space,
      session: row.id,
      msg_id: m.msg_id,
      ...content,
      ord,
      orig_stamp: isRevision ? null : stamp,
      rev_stamp: isRevision ? stamp : null,
    };
    if (existing) {
      row.tool_use_count += content.tool_uses - existing.tool_uses;
      for (const t of TOKENS) row[t] += content[t] - existing[t];
    } else {
      row.message_count += 1;
      row.tool_use_count += content.tool_uses;
      for (const t of TOKENS) row[t] += content[t];
    }
    st.messages.set(k, fresh);
    st.dirtyMessages.add(k);
    if (titles) trackFirstPrompt(row, m, ord);
    if (content.ts) bumpUpdated(row, content.ts);
    return;
  }
  // Which version's content shows: the newest revision, else the earliest capture.
  const { ord: newOrd, orig_stamp: origStamp, rev_stamp: revStamp, replace } = nextMessageVersion(existing, ord, stamp, isRevision);
  const next: MessageRow = { ...existing, ord: newOrd, orig_stamp: origStamp, rev_stamp: revStamp };
  if (replace) {
    row.tool_use_count += content.tool_uses - existing.tool_uses;
    for (const t of TOKENS) row[t] += content[t] - existing[t];
    Object.assign(next, content);
    if (content.ts) bumpUpdated(row, content.ts);
  }
  st.messages.set(k, next);
  st.dirtyMessages.add(k);
  if (titles) trackFirstPrompt(row, m, newOrd);
}

function trackFirstPrompt(row: SessionRow, m: Message, ord: string): void {
  if (m.role !== 'user' || m.is_injected || m.is_compaction) return;
  const text = m.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join(' ')
    .trim();
  if (!text) return;
  const key = `${normalizeTs(m.timestamp) ?? '~'}|${ord}`;
  if (!row.first_prompt_key || key < row.first_prompt_key) {
    row.first_prompt = text.replace(/\s+/g, ' ').slice(0, 200);
    row.first_prompt_key = key;
  }
}

/** Everything but the id, the owner and the mark goes (the client's purge). */
function purge(st: FoldState, row: SessionRow): void {
  const keep = {
    owner_account: row.owner_account,
    owner_username: row.owner_username,
    owner_device: row.owner_device,
    owner_origin: row.owner_origin,
    last_rseq: row.last_rseq,
    last_ts: row.last_ts,
  };
  clearSession(st, row.id);
  const fresh: SessionRow = { ...emptySession(st.space, row.id), ...keep, purged: true };
  st.sessions.set(row.id, fresh);
}

/** The title the client shows (engine/queries/sessions.ts titleOf). */
export function titleOf(row: Pick<SessionRow, 'user_title' | 'native_title' | 'discovered_title' | 'first_prompt'>): string {
  for (const v of [row.user_title, row.native_title, row.discovered_title, row.first_prompt]) if (typeof v === 'string' && v.trim()) return v.trim();
  return '(untitled)';
}

/** The session's own search document (the client indexes the same fields). */
export function sessionDocOf(row: SessionRow): string {
  if (row.purged) return '';
  return [row.user_title, row.native_title, row.discovered_title, row.alias, row.cwd, row.native_path, row.git_branch]
    .filter((p) => typeof p === 'string' && p)
    .join('\n');
}
