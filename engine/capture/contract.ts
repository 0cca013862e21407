import type { SessionDiscoveredBody } from '../model/events.js';
import type { Message } from '../model/message.js';
import type { DirListing } from './dir-listing.js';

/**
 * The contract every tool adapter implements (adapters/<tool>/). The engine's capture
 * loop calls it; the engine never imports an adapter. An adapter only reads native
 * files (SQLite read-only) and never throws for bad input: it reports problems and
 * returns what it could read.
 */
export const TOOL_NAMES = ['claude-code', 'codex', 'gemini', 'copilot', 'cursor', 'amp', 'cline', 'roo-code', 'kilo-code', 'opencode', 'antigravity'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** Where the adapter looks: injected so tests can point it at fixtures. */
export interface AdapterEnv {
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The capture pass's shared directory listings (dir-listing.ts); adapters list through listDir. */
  listing?: DirListing;
}

/** The unit the daemon watches and keeps one cursor for: a file, a task directory or a database. */
export interface CaptureSource {
  path: string;
  /** 'append': JSONL read from a byte cursor. 'rewrite': re-read and diffed by message identity. */
  style: 'append' | 'rewrite';
}

export type SessionHeader = Omit<
  SessionDiscoveredBody,
  'via' | 'tool' | 'parent_session_id' | 'imported_session_id' | 'workspace' | 'tools' | 'manifest_extra' | 'rules'
>;

export interface CapturedSession {
  /** The tool's own id for the session; the engine derives `ses_…` from (tool, nativeId). */
  nativeId: string;
  /** Session facts as known after this read (title by the tool's own rule, cwd, git, model, version). */
  header: SessionHeader;
  /**
   * Complete messages read in this pass, in native order, each with a stable msg_id and
   * parent_msg_id chained (tools without parent links chain to the previous message).
   * Returning a message captured before is fine: the engine drops unchanged ones and
   * records changed ones as revisions.
   */
  messages: Message[];
  /** For sub-agent sessions: the native id of the session that spawned it. */
  parentNativeId?: string | null;
}

export interface CaptureProblem {
  path: string;
  /** 1-based line for JSONL, or a record key for JSON/SQLite stores. */
  where?: string;
  message: string;
}

export interface ReadResult {
  sessions: CapturedSession[];
  /** JSON-serialisable; stored in the same batch as the events and handed back next time. */
  cursor: unknown;
  problems: CaptureProblem[];
  /** The pass stopped at `ReadOptions.maxBytes` with input left: read again from `cursor`. */
  more?: boolean;
  /**
   * Native records the adapter read but did not capture, by record type, over the whole source so
   * far: `skipped` on purpose (harness state with no place in the conversation), `unknown` types
   * it does not recognise. Lets a caller tell a tool's new record type from a quiet file.
   */
  records?: { skipped: Record<string, number>; unknown: Record<string, number> };
  /**
   * Records of a type this adapter does not know, read in this pass, by type: kept as opaque
   * blocks or skipped, never a reason to fail. The engine keeps the counts per source and
   * warns when a type keeps coming (a tool that changed its format). An adapter that counts over
   * the whole source reports `records.unknown` instead, which the engine then uses as it is.
   */
  unknownTypes?: Record<string, number>;
}

/** What says the tool is installed here, found without running it. */
export interface ToolInstallation {
  /** The installed version, or null when none could be read. */
  version: string | null;
  /** Where the version was read (a package.json, a versioned path, an extension folder). */
  versionFrom: string | null;
  /** The tool's executable on PATH, when it has one and it is there. */
  binary: string | null;
  /** Files or folders of the tool that exist here (its config folder): it is in use even when no store is found. */
  traces: string[];
}

/** Bounds on one read pass, so a large file is captured in slices instead of held in memory whole. */
export interface ReadOptions {
  /** Stop at the first settled point after about this many bytes of new input (append-style sources). */
  maxBytes?: number;
  /** JSONL lines longer than this are skipped and reported, never held whole (setting `capture.max_line_bytes`). */
  maxLineBytes?: number;
}

export interface ToolAdapter {
  readonly tool: ToolName;
  readonly displayName: string;
  /** Store roots for this platform and environment (relocation variables honoured), existing or not. */
  storeDirs(env: AdapterEnv): string[];
  /** Every source currently in the stores. */
  listSources(env: AdapterEnv): Promise<CaptureSource[]>;
  /** Maps a changed path (from the watcher) to the source that must be re-read, or null to ignore it. */
  sourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null;
  /**
   * Reads a source from the cursor returned last time (null the first time). Never throws
   * for bad input. Append-style adapters honour `opts.maxBytes` and set `more`; others may
   * ignore it and read the source whole.
   */
  read(source: CaptureSource, cursor: unknown, env: AdapterEnv, opts?: ReadOptions): Promise<ReadResult>;
  /**
   * Every file whose identity, size and modification time decide what `read` returns for
   * this source: the source itself and any file beside it that it reads (a title sidecar,
   * a database's -wal). A directory stands for itself and the entries directly in it. When
   * none of them changed since the last complete, clean read, an import or the daemon's
   * catch-up does not read the source at all. Without this method (or when it returns null,
   * for a source whose inputs cannot be named cheaply) every pass reads the source.
   */
  stampPaths?(source: CaptureSource, env: AdapterEnv): string[] | null;
  /** The newest version of the tool this adapter was tested with (README's per-tool table); a newer one installed is a warning. */
  readonly newestTested: string | null;
  /** The installed version and the tool's traces here (cheap: reads files, never runs the tool). */
  installation(env: AdapterEnv): ToolInstallation;
}
