import type { Message } from './message.js';

/**
 * Event types and their bodies. Every body is validated against
 * `schemas/events/<type>.schema.json` when written and when it arrives from elsewhere.
 * A body's shape only changes together with EVENT_SCHEMA_VERSION.
 */
export const EVENT_SCHEMA_VERSION = 1;

export interface GitState {
  branch?: string | null;
  remote_url?: string | null;
  commit_sha?: string | null;
  dirty?: boolean | null;
  /** Pull requests the tool linked the session to (Claude Code's `pr-link` records), oldest first. */
  pull_requests?: PullRequestLink[] | null;
}

export interface PullRequestLink {
  url: string;
  number: number | null;
  /** `owner/name` as the tool recorded it. */
  repository: string | null;
}

/** The project rule set that was current when a session was first captured. */
export interface SessionRules {
  project: string;
  version: number;
  hash: string;
}

/** A session appeared: captured from a tool, or imported from a .sfs directory. */
export interface SessionDiscoveredBody {
  tool: string;
  native_id?: string | null;
  native_path?: string | null;
  cwd?: string | null;
  git?: GitState | null;
  model?: { provider?: string | null; model_id?: string | null } | null;
  tool_version?: string | null;
  title?: string | null;
  tags?: string[];
  created_at: string;
  interface?: string | null;
  /** For sub-agent sessions: the session that spawned it. */
  parent_session_id?: string | null;
  agent_id?: string | null;
  /** How it got here: 'capture' | 'import'. */
  via: 'capture' | 'import';
  /** The session id in the .sfs file it was imported from, when that differs from ours. */
  imported_session_id?: string | null;
  /** workspace.json and tools.json of a .sfs import, kept verbatim for round trips. */
  workspace?: Record<string, unknown> | null;
  tools?: Record<string, unknown> | null;
  /** manifest fields we do not model (ownership, sub_agents, metadata, …), kept verbatim. */
  manifest_extra?: Record<string, unknown> | null;
  /** Captured sessions: the rules of the cwd's project when the session was first seen (a .sfs export carries it, an import restores it). */
  rules?: SessionRules | null;
}

export interface MessagesCapturedBody {
  messages: Message[];
}

/** The native tool rewrote a message we had already captured; the newest revision is shown. */
export interface MessageRevisedBody {
  message: Message;
}

/** A user or tool changed metadata. A field that is absent is unchanged; alias null clears it. */
export interface SessionMetaBody {
  /** Set by the user; wins over the tool's title. */
  title?: string | null;
  /** The tool's own title as capture last saw it (custom, generated or summary title). */
  native_title?: string | null;
  alias?: string | null;
  tags?: string[];
}

/** A new session that continues `from_session` up to `at_msg` (a pointer, not a copy). */
export interface SessionForkedBody {
  from_session: string;
  at_msg: string | null;
  from_checkpoint?: string | null;
  name?: string | null;
  created_at: string;
  /** Facts of the parent at fork time, so the fork reads the same on every replica. */
  tool?: string | null;
  cwd?: string | null;
  git?: GitState | null;
  model?: { provider?: string | null; model_id?: string | null } | null;
  tool_version?: string | null;
}

/**
 * A session was written into a tool's native store so the tool resumes it (DESIGN §9).
 * The event belongs to the new session, whose id is the one capture derives from
 * (target_tool, native_id): when capture reads the written file it continues this
 * session, which records the lineage, instead of starting an unrelated one.
 */
export interface SessionResumedBody {
  from_session: string;
  /** The last message of the source's line that was written (null for an empty source). */
  at_msg: string | null;
  target_tool: string;
  native_id: string;
  native_path: string;
  cwd: string;
  messages_written: number;
  created_at: string;
}

export interface CheckpointCreatedBody {
  name: string;
  at_msg: string | null;
  created_at: string;
}

export type EmptyBody = Record<string, never>;

/**
 * The user shared the session into a team space (`sfs share`, `sfs push --space`). Recorded in
 * the log so every fold — on each of her machines, and after a rebuild — knows which spaces she
 * chose: another account's events of the session enter her view only through those (DESIGN §13).
 */
export interface SessionSharedBody {
  space: string;
  space_name?: string | null;
}

/**
 * Project knowledge (DESIGN §3: project context, rules and knowledge entries). These
 * events concern a project, not a session (`session` is null); `project` is the
 * project key: the git remote normalised with its host (`github.com/acme/app`), or
 * `local:<path>` for a repository without a remote.
 */
export const KNOWLEDGE_KINDS = ['decision', 'pattern', 'discovery', 'convention', 'bug', 'dependency'] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

/** The project's context document was replaced (the newest stamp wins). */
export interface ProjectContextBody {
  project: string;
  text: string;
  updated_at: string;
}

export interface KnowledgeAddedBody {
  project: string;
  /** `kn_` + random hex, so entries added on two machines never collide. */
  entry_id: string;
  kind: KnowledgeKind;
  title?: string | null;
  text: string;
  tags?: string[];
  /** Who added it: a person through the CLI, or an agent through MCP (with the client's name). */
  author: { kind: 'user' | 'agent'; name?: string | null };
  /** The session the entry came out of, when known. */
  session_id?: string | null;
  created_at: string;
}

/**
 * A knowledge entry was removed (outdated, wrong, or superseded). Removal is final: the
 * entry leaves every read model whatever order the add and the removal arrive in, and
 * an entry id is never reused. The `knowledge.added` event stays in the log.
 */
export interface KnowledgeRemovedBody {
  project: string;
  entry_id: string;
  /** Who removed it, as for `knowledge.added`. */
  author: { kind: 'user' | 'agent'; name?: string | null };
  reason?: string | null;
  removed_at: string;
}

/** The project's canonical rule set was replaced (the newest stamp wins). */
export interface RulesSetBody {
  project: string;
  text: string;
  updated_at: string;
}

export interface EventBodies {
  'session.discovered': SessionDiscoveredBody;
  'messages.captured': MessagesCapturedBody;
  'message.revised': MessageRevisedBody;
  'session.meta': SessionMetaBody;
  'session.forked': SessionForkedBody;
  'checkpoint.created': CheckpointCreatedBody;
  'session.resumed': SessionResumedBody;
  'session.deleted': EmptyBody;
  'session.restored': EmptyBody;
  'session.purged': EmptyBody;
  'session.shared': SessionSharedBody;
  'project.context': ProjectContextBody;
  'knowledge.added': KnowledgeAddedBody;
  'knowledge.removed': KnowledgeRemovedBody;
  'rules.set': RulesSetBody;
}

export type EventType = keyof EventBodies;
export const EVENT_TYPES = [
  'session.discovered',
  'messages.captured',
  'message.revised',
  'session.meta',
  'session.forked',
  'checkpoint.created',
  'session.resumed',
  'session.deleted',
  'session.restored',
  'session.purged',
  'session.shared',
  'project.context',
  'knowledge.added',
  'knowledge.removed',
  'rules.set',
] as const satisfies readonly EventType[];

/** What a writer hands to the log; the log fills in identity and position. */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  session: string | null;
  body: EventBodies[T];
  /** Wall-clock milliseconds; defaults to now. */
  ts?: number;
}

/**
 * Who wrote a replicated event of another account, and the space it arrived through: what the
 * relay said when this store pulled it. Stored beside the event in the local log, never part of
 * its identity or body, never pushed. Events without it are the store's own account's.
 */
export interface Attribution {
  account: string;
  username: string;
  device: string | null;
  space: string;
  space_name: string | null;
  /** It came through the account's personal space (its own devices, or a handoff it accepted). */
  personal: boolean;
}

/** The stored envelope. `(origin, seq)` is the event's identity everywhere; `pos` is local. */
export interface StoredEvent<T extends EventType = EventType> {
  pos: number;
  origin: string;
  seq: number;
  type: T;
  v: number;
  ts: number;
  session: string | null;
  /** null once the session was purged: the tombstone keeps identity, not content. */
  body: EventBodies[T] | null;
  /** Set on events of another account (see Attribution). */
  attr?: Attribution;
}

export type AnyStoredEvent = { [K in EventType]: StoredEvent<K> }[EventType];
