import type { PullRequestLink } from '../model/events.js';
import type { Message } from '../model/message.js';

/** The tools SessionFS can write a native session for (DESIGN §9). */
export const RESUME_TARGETS = ['claude-code', 'codex', 'gemini', 'copilot', 'kilo-code', 'opencode'] as const;
export type ResumeTarget = (typeof RESUME_TARGETS)[number];

export function isResumeTarget(tool: string): tool is ResumeTarget {
  return (RESUME_TARGETS as readonly string[]).includes(tool);
}

/** A captured session as resume reads it: facts plus the messages of its current line, in order. */
export interface SourceSession {
  id: string;
  tool: string;
  title: string | null;
  cwd: string | null;
  gitBranch: string | null;
  model: string | null;
  provider: string | null;
  /** Pull requests the source tool linked the session to (written back by a target that records them). */
  pullRequests?: PullRequestLink[];
  messages: Message[];
}

/** What the mapping changed on the way, so the CLI can say it and tests can check it. */
export interface MappingReport {
  /** Harness content (environment blocks, reminders, system/developer prompts) not replayed. */
  injected: number;
  compaction: number;
  apiErrors: number;
  /** Inline sub-agent messages left out; the parent's tool result stands for them. */
  sidechain: number;
  thinkingKept: number;
  thinkingDropped: number;
  /** Images the target cannot take, replaced by a text note. */
  imagesReplaced: number;
  /** Blocks with no meaning outside their tool (server-side tool items, attachments…). */
  blocksDropped: number;
  /** Tool calls that never got a result and received an explicit one saying so. */
  syntheticResults: number;
  /** Results whose call is not in the session, carried as user text instead. */
  orphanResults: number;
  /** Messages left out from the oldest end to fit the context limit, and their estimated tokens. */
  trimmedMessages: number;
  trimmedTokens: number;
}

export const emptyReport = (): MappingReport => ({
  injected: 0,
  compaction: 0,
  apiErrors: 0,
  sidechain: 0,
  thinkingKept: 0,
  thinkingDropped: 0,
  imagesReplaced: 0,
  blocksDropped: 0,
  syntheticResults: 0,
  orphanResults: 0,
  trimmedMessages: 0,
  trimmedTokens: 0,
});

/**
 * The conversation a writer turns into native records. Its grammar is fixed so every
 * writer can rely on it:
 * - roles are only `user`, `assistant` and `tool`; the first message is `user`;
 * - `user`: text and image blocks; never two `user` messages in a row;
 * - `assistant`: thinking, text and tool_use blocks (never empty);
 * - `tool`: only tool_result blocks, exactly one per tool_use of the assistant message just
 *   before it, in the same order; an assistant message with tool calls is always followed by one.
 */
export interface PreparedSession {
  source: Omit<SourceSession, 'messages'>;
  target: ResumeTarget;
  messages: Message[];
  report: MappingReport;
  /** The source message the written session continues from (the last one on its line). */
  atMsg: string | null;
  /** The model the target should use, when known. */
  model: string | null;
}
