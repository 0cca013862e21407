import type {
  CheckResult,
  KnowledgeEntry,
  OrderedMessage,
  ProjectContextView,
  RulesView,
  SearchHit,
  SessionDetail,
  SessionSummary,
} from '../../engine/index.js';

/**
 * What the dashboard's API reads and does, whoever hosts it. `sfs ui` backs it with the local
 * store (LocalSource); the team relay can back it with its server-side views and serve the very
 * same routes (api/routes.ts) and web application. Every method returns the `data` of the CLI's
 * `--json` envelope of the matching command, so one schema describes both.
 */
export interface DashboardSource {
  /**
   * `sfs list --json` data, plus the offset of the next page (null on the last one); each session
   * also gives its ticket keys and how many direct forks, resumes and sub-agents it has.
   */
  listSessions(q: SessionQuery): Promise<{ total: number; sessions: ListedSession[]; next_offset: number | null }>;
  /** `sfs show --json` data: the header and one page of messages (`at_msg` picks the page holding that message). */
  showSession(ref: string, page: MessagePage): Promise<{ session: SessionDetail; messages: MessageWindow }>;
  /** One page of messages without the header (scrolling, live updates). */
  messages(ref: string, page: MessagePage): Promise<MessageWindow & { session: string }>;
  /** `sfs search --json` data; each hit also gives the match ranges in its snippet. */
  search(q: { query: string; tool?: string; limit?: number }): Promise<{ query: string; hits: Array<SearchHitOut> }>;
  /**
   * `sfs resume --print-command --json` data: writes the session natively for a tool (the same files
   * `sfs resume` writes) and returns the command that continues it; the tool itself is started by the user.
   */
  resume(ref: string, target?: string): Promise<Record<string, unknown> & { command: string }>;
  fork(ref: string, o: { at?: string; name?: string }): Promise<{ id: string; from: string; at_msg: string | null }>;
  checkpoint(ref: string, name: string): Promise<{ session: string; name: string; at_msg: string | null }>;
  alias(ref: string, alias: string | null): Promise<{ session: string; alias: string | null }>;
  remove(ref: string): Promise<{ session: string; deleted: true }>;
  restore(ref: string): Promise<{ session: string; deleted: false }>;
  /** The session as Markdown (`sfs export --format md`). */
  exportMarkdown(ref: string): Promise<{ session: string; markdown: string }>;
  /**
   * The files of `sfs export --format sfs` (the .sfs directory) or of a native format (the files
   * `sfs export --format <tool>` writes, relative to the home directory, written to a scratch home
   * here: the store and the user's tools are unchanged). The host sends them as one download.
   */
  exportFiles(ref: string, format: string): Promise<{ session: string; filename: string; files: Array<{ path: string; data: Buffer }> }>;
  /**
   * Runs `sfs resume <id> [--in tool]` in a new terminal window when one can be found (the user
   * confirmed it in the page); `launched` false means the page shows the command instead.
   * Nothing from the session's text is part of the command: only its id and a known tool name.
   */
  launchResume(ref: string, target?: string): Promise<{ session: string; command: string; launched: boolean; terminal: string | null }>;
  /** `sfs project show --json` data for a project (a key or a directory; the server's own when absent). */
  project(project?: string): Promise<ProjectShow>;
  knowledge(q: { project?: string; query?: string; kind?: string; limit?: number }): Promise<{ project: string; entries: KnowledgeEntry[] }>;
  rules(project?: string): Promise<{ project: string; rules: RulesView | null }>;
  /** `sfs daemon status --json` data. */
  captureStatus(): Promise<Record<string, unknown>>;
  /** `sfs doctor --json` data. */
  doctor(): Promise<{ ok: boolean; failed: number; warnings: number; checks: CheckResult[] }>;
  /** `sfs sync status --json` data (without asking the relay), or signed_in false. */
  syncStatus(): Promise<Record<string, unknown>>;
  /** A number that grows whenever anything the pages show may have changed (the projections' read position). */
  position(): Promise<number>;
  close(): Promise<void>;
}

export type ListedSession = SessionSummary & { tickets: string[]; children: number };

export interface SessionQuery {
  tool?: string;
  /** A ticket key (PROJ-123): sessions that mention it in their branch, title, alias or tags. */
  ticket?: string;
  /** Lineage grouping: only sessions that continue no other listed one. */
  group?: boolean;
  /** Lineage grouping: the direct forks, resumes and sub-agents of this session. */
  parent?: string;
  project?: string;
  since?: string;
  until?: string;
  text?: string;
  alias?: boolean;
  deleted?: boolean;
  subagents?: boolean;
  offset?: number;
  limit?: number;
}

export interface MessagePage {
  offset?: number;
  limit?: number;
  at_msg?: string;
}

export interface MessageWindow {
  total: number;
  offset: number;
  items: Array<OrderedMessage & { index: number }>;
}

export type SearchHitOut = SearchHit & { snippet_marked: string; highlights: Array<[number, number]>; message_index: number | null };

export interface ProjectShow {
  project: string;
  root: string | null;
  remote: string | null;
  context: ProjectContextView | null;
  rules: { version: number; hash: string; updated_at: string | null } | null;
  knowledge_counts: Record<string, number>;
}
