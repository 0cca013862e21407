import type { AnyStoredEvent, Attribution, NewEvent } from '../model/events.js';

/**
 * The seam between the log's owner process and everyone else. `LocalLog` implements
 * it on the LevelDB files; `RemoteLog` implements it over the owner's socket. Callers
 * cannot tell which one they hold.
 */
export interface AppendRequest {
  events: NewEvent[];
  /** Cursors to write in the same batch (a capture's byte offset, a replication checkpoint). */
  cursors?: Record<string, unknown>;
  /**
   * Capture mode: drop a `session.discovered` for a session that already has one; in
   * `messages.captured`, drop messages already stored with identical content and turn
   * changed ones into `message.revised`. Makes re-capture idempotent.
   */
  dedupe?: boolean;
  /** A retry with the same id returns the first result instead of appending twice. */
  requestId?: string;
}

export interface AppendResult {
  /** Positions and identities of the events written (after dedupe). */
  written: Array<{ pos: number; origin: string; seq: number; type: string }>;
  /** Messages dropped as already captured. */
  skippedMessages: number;
  /** Messages turned into revisions. */
  revisedMessages: number;
}

/** An event from another origin, as it travels between replicas. */
export interface ForeignEvent {
  origin: string;
  seq: number;
  type: string;
  v: number;
  ts: number;
  session: string | null;
  body: unknown;
  /** Another account's event: who wrote it and the space it came through (stored beside it, never pushed). */
  attr?: Attribution;
}

export interface IngestOptions {
  /**
   * The events are a subset of each origin's events (a shared session, a handoff, a
   * selectively synced store): duplicates are found by identity, not by the highest seq
   * seen, and gaps are allowed. Replication always ingests this way.
   */
  sparse?: boolean;
  /**
   * Bring evicted sessions back (`sfs pull`): events of an evicted session get their bodies
   * back where they are stored without one, the rest are stored, and the session is no longer
   * evicted. Without it, events of evicted sessions are skipped (sync does not fetch them back).
   */
  restore?: boolean;
}

export interface IngestResult {
  written: number;
  duplicates: number;
  /** Events skipped because their session was evicted from this store. */
  evicted?: number;
  /** Stored events whose evicted body was put back (restore). */
  restored?: number;
}

export interface EvictResult {
  /** Sessions evicted now (already evicted or purged ones are left out). */
  evicted: string[];
  /** Event bodies dropped. */
  bodies: number;
}

export interface LogInfo {
  origin: string;
  head: number;
  /** Highest seq stored per origin. */
  origins: Record<string, number>;
}

/** Events as the log stores them (see decodeStoredEvent): values[i] is the event at positions[i]. */
export interface EncodedEvents {
  positions: number[];
  values: Uint8Array[];
}

export interface EventLog {
  /** 'owner' holds the LevelDB files; 'guest' reaches them through the owner. */
  readonly role: 'owner' | 'guest';
  info(): Promise<LogInfo>;
  head(): Promise<number>;
  /** An upper bound of head() that costs no round trip, where the log keeps one (undefined: unknown). */
  headHint?(): number | undefined;
  append(req: AppendRequest): Promise<AppendResult>;
  /** Store events born elsewhere, keeping their identity; duplicates are skipped, gaps refused. */
  ingest(events: ForeignEvent[], cursors?: Record<string, unknown>, opts?: IngestOptions): Promise<IngestResult>;
  /** Events with position > after, in position order. */
  read(after: number, limit: number): Promise<AnyStoredEvent[]>;
  /** Events born at `origin` with seq > afterSeq, in seq order (replication pushes these). */
  readOrigin(origin: string, afterSeq: number, limit: number): Promise<AnyStoredEvent[]>;
  /** Events of one session, in position order. */
  readSession(session: string, after: number, limit: number): Promise<AnyStoredEvent[]>;
  hasSession(session: string): Promise<boolean>;
  getCursor<T = unknown>(name: string): Promise<T | undefined>;
  /** Every cursor whose name starts with `prefix`, by name, in one range read (a capture pass checks thousands at once). */
  getCursors<T = unknown>(prefix: string): Promise<Record<string, T>>;
  /** Erase the bodies of every event of the session, everywhere it replicates, leaving tombstones. */
  purge(session: string): Promise<AppendResult>;
  /**
   * Drop this store's copy of the sessions' messages (storage prune): a local-only mark and the
   * message events' bodies go in one batch, nothing is appended or replicated, and the freed
   * space is compacted away. `sfs pull` brings a session back (ingest with `restore`).
   */
  evict(sessions: string[]): Promise<EvictResult>;
  /** The sessions evicted from this store. */
  evictedSessions(): Promise<string[]>;
  close(): Promise<void>;
}
