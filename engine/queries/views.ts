import type { PullRequestLink } from '../model/events.js';
import type { Message } from '../model/message.js';

/** Read models returned by the query functions; `--json` output is built from these. */
export interface SessionSummary {
  id: string;
  alias: string | null;
  title: string;
  tool: string | null;
  cwd: string | null;
  git_branch: string | null;
  model: string | null;
  created_at: string | null;
  updated_at: string | null;
  message_count: number;
  tool_use_count: number;
  via: string | null;
  tags: string[];
  deleted: boolean;
  purged: boolean;
  parent_session_id: string | null;
  fork_from: string | null;
  /** The session this one continues, when `sfs resume` wrote it (DESIGN §9). */
  resumed_from: string | null;
  /**
   * Set on another account's view of a session (DESIGN §13): whose events these are, the session
   * they belong to, and the space they came through ('personal' for a handoff).
   */
  author: { account: string; username: string; space: string | null; session: string } | null;
}

/** Who wrote a message of another account (absent on the user's own messages). */
export interface MessageAuthor {
  account: string;
  username: string;
  device: string | null;
}

export interface TokenTotals {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
}

export interface CheckpointView {
  name: string;
  at_msg: string | null;
  created_at: string | null;
}

export interface SessionDetail extends SessionSummary {
  native_id: string | null;
  native_path: string | null;
  provider: string | null;
  tool_version: string | null;
  agent_id: string | null;
  fork: { from: string; at_msg: string | null; checkpoint: string | null } | null;
  /** Resume lineage: the session continued, its tool, and the message it was resumed at (1-based in that session; null when not found here). */
  resume: { from: string; tool: string | null; at_msg: string | null; at_message: number | null } | null;
  /** Sessions `sfs resume` wrote from this one, oldest first. */
  resumed_into: Array<{ id: string; tool: string | null }>;
  /** Forks of this session and sub-agent sessions it spawned. */
  children: { forks: string[]; subagents: string[] };
  /** Ancestors by fork, nearest first. */
  lineage: string[];
  checkpoints: CheckpointView[];
  usage: TokenTotals;
  /** Per model, for the cost line. */
  usage_by_model: Array<TokenTotals & { model: string | null; cost_usd: number | null }>;
  /** null when any model with tokens has no known price. */
  cost_usd: number | null;
  duration_ms: number | null;
  /** Pull requests the tool linked the session to (from the captured git facts), oldest first. */
  pull_requests: PullRequestLink[];
  header: Record<string, unknown>;
}

/** A message in session order. `branch` 0 is the first line; each sibling branch gets the next number. */
export interface OrderedMessage {
  message: Message;
  branch: number;
  /** Set when the message belongs to an ancestor the session was forked from. */
  inherited_from: string | null;
  /** Set when another account wrote the message. */
  author?: MessageAuthor;
}

export interface SearchHit {
  kind: 'message' | 'session';
  session_id: string;
  msg_id: string | null;
  role: string | null;
  timestamp: string | null;
  title: string;
  tool: string | null;
  cwd: string | null;
  score: number;
  /** Text around the match; matched terms are wrapped in \u0002 … \u0003. */
  snippet: string;
}
