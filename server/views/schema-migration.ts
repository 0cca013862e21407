import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The server-side views (issue 13): per space, the sessions, messages (with their full-text
 * index), checkpoints and knowledge its events fold into, and how far each space was folded
 * (view_positions, written in the transaction of the view rows it accounts for). Everything here
 * is derived from the events table and can be dropped and rebuilt (sfs relay rebuild-views).
 * Text search is PostgreSQL's own ('english': stemmed like the client's porter tokenizer).
 */
export const VIEWS_MIGRATION: Migration = {
  async up(db: Kysely<any>) {
    for (const stmt of VIEWS_DDL) await sql.raw(stmt).execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`drop view if exists view_handoffs`.execute(db);
    await sql`drop table if exists view_knowledge_removed, view_knowledge, view_checkpoints, view_messages, view_sessions, view_positions`.execute(db);
  },
};

const VIEWS_DDL = [
  `create table view_positions (
    space_id text primary key references spaces(id) on delete cascade,
    rseq bigint not null default 0,
    updated_at timestamptz not null default now()
  )`,
  `create table view_sessions (
    space_id text not null references spaces(id) on delete cascade,
    id text not null,
    owner_account text, owner_username text, owner_device text, owner_origin text,
    tool text, native_id text, native_path text, cwd text, git_branch text, git_remote text,
    model text, provider text, tool_version text, via text,
    discovered_stamp text, discovered_by text, discovered_title text,
    native_title text, native_title_stamp text, user_title text, user_title_stamp text,
    first_prompt text, first_prompt_key text, alias text, alias_stamp text,
    tags text not null default '[]', tags_stamp text,
    created_at text, updated_at text, parent_session_id text, agent_id text,
    fork_from text, fork_at_msg text, fork_checkpoint text,
    resumed_from text, resumed_at_msg text, resumed_stamp text,
    deleted boolean not null default false, deleted_stamp text, purged boolean not null default false,
    message_count integer not null default 0, tool_use_count integer not null default 0,
    input_tokens bigint not null default 0, output_tokens bigint not null default 0,
    cache_read_tokens bigint not null default 0, cache_write_tokens bigint not null default 0,
    reasoning_tokens bigint not null default 0,
    header text,
    last_rseq bigint not null default 0, last_ts bigint not null default 0,
    title text not null default '(untitled)',
    doc tsvector,
    primary key (space_id, id)
  )`,
  // The list's order (last activity), its filters, and the session documents' text index.
  `create index view_sessions_updated on view_sessions (space_id, (coalesce(updated_at, created_at)) desc nulls last, id desc) where not purged and tool is not null`,
  `create index view_sessions_doc on view_sessions using gin (doc)`,
  `create table view_messages (
    space_id text not null,
    session text not null,
    msg_id text not null,
    parent_msg_id text, role text not null, ts text, ord text not null,
    orig_stamp text, rev_stamp text, model text,
    input_tokens bigint not null default 0, output_tokens bigint not null default 0,
    cache_read_tokens bigint not null default 0, cache_write_tokens bigint not null default 0,
    reasoning_tokens bigint not null default 0, tool_uses integer not null default 0,
    body text not null,
    text text not null,
    author_account text, author_username text, author_device text,
    search tsvector not null,
    primary key (space_id, session, msg_id),
    foreign key (space_id, session) references view_sessions (space_id, id) on delete cascade
  )`,
  `create index view_messages_search on view_messages using gin (search)`,
  `create table view_checkpoints (
    space_id text not null, session_id text not null, name text not null,
    at_msg text, created_at text, stamp text not null,
    primary key (space_id, session_id, name),
    foreign key (space_id, session_id) references view_sessions (space_id, id) on delete cascade
  )`,
  `create table view_knowledge (
    space_id text not null references spaces(id) on delete cascade,
    project text not null, entry_id text not null, kind text not null, title text, text text not null,
    tags text not null default '[]', author_kind text not null, author_name text, session_id text,
    created_at text, stamp text not null, pushed_by text,
    search tsvector not null,
    primary key (space_id, project, entry_id)
  )`,
  `create index view_knowledge_search on view_knowledge using gin (search)`,
  `create table view_knowledge_removed (
    space_id text not null references spaces(id) on delete cascade,
    project text not null, entry_id text not null, removed_at text, author_kind text not null, author_name text,
    reason text, stamp text not null,
    primary key (space_id, project, entry_id)
  )`,
  // Handoffs with what the views know of their session (title, tool) in the space they came from.
  `create view view_handoffs as
    select h.*, s.title, s.tool, s.message_count, coalesce(s.updated_at, s.created_at) as session_updated_at
    from handoffs h left join view_sessions s on s.space_id = h.source_space and s.id = h.session and not s.purged`,
];
