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
  /** `sfs list --json` data, plus the offset of the next page (null on the last one). */
  listSessions(q: SessionQuery): Promise<{ total: number; sessions: SessionSummary[]; next_offset: number | null }>;
  /** `sfs show --json` data: the header and one page of messages (`at_msg` picks the page holding that message). */
  showSession(ref: string, page: MessagePage): Promise<{ session: SessionDetail; messages: MessageWindow }>;
  /** One page of messages without the header (scrolling, live updates). */
  messages(ref: string, page: MessagePage): Promise<MessageWindow & { session: string }>;
  /** `sfs search --json` data; each hit also gives the match ranges in its snippet. */
  search(q: { query: string; tool?: string; limit?: number; space?: string }): Promise<{ query: string; hits: Array<SearchHitOut> }>;
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

export interface SessionQuery {
  /** One of the account's spaces, by id or name (the relay; the local store has none). */
  space?: string;
  tool?: string;
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

/** What the pages may offer: every action on the local store; on the relay, reading and searching. */
export interface HostCapabilities {
  resume: boolean;
  fork: boolean;
  checkpoint: boolean;
  alias: boolean;
  delete: boolean;
  export_markdown: boolean;
  project: boolean;
  knowledge: boolean;
  rules: boolean;
  capture: boolean;
  doctor: boolean;
  sync: boolean;
  live: boolean;
}

/** `GET /api/v1/host`: which host serves the application, who is signed in there, and what it can do. */
export interface HostInfo {
  kind: 'local' | 'relay';
  /** The signed-in relay account (null on the local host, or before signing in to the relay). */
  account: { id: string; username: string } | null;
  /** The token a change made with the relay's session cookie sends in the x-sfs-csrf header. */
  csrf: string | null;
  /** The spaces the account reads (relay only). */
  spaces: Array<{ id: string; name: string; kind: 'personal' | 'team'; role: string }>;
  can: HostCapabilities;
}

export const LOCAL_HOST: HostInfo = {
  kind: 'local',
  account: null,
  csrf: null,
  spaces: [],
  can: {
    resume: true,
    fork: true,
    checkpoint: true,
    alias: true,
    delete: true,
    export_markdown: true,
    project: true,
    knowledge: true,
    rules: true,
    capture: true,
    doctor: true,
    sync: true,
    live: true,
  },
};
