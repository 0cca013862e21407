import { isDiskFull } from '../disk-full.js';
import type { Store } from '../store.js';
import type { NewEvent } from '../model/events.js';
import {
  commitRest,
  commitSource,
  countMessages,
  cursorKey,
  cursorsOf,
  prepareSource,
  type CaptureOptions,
  type PreparedSource,
  type SourceReport,
  type StoredCursor,
} from './capture-source.js';
import type { AdapterEnv, CaptureProblem, CaptureSource, ToolAdapter } from './contract.js';
import { toolPresence } from './presence.js';
import { DirListing, withListing } from './dir-listing.js';
import { refreshStampCopy, unchangedSplit } from './source-stamp.js';

/**
 * One pass over every source of the given tools (`sfs import --from/--all`, and the
 * daemon's catch-up): list them all first so progress has a total, then capture each
 * from its stored cursor. Capturing twice adds nothing (cursors + de-duplication).
 */
export interface ToolImport {
  tool: string;
  displayName: string;
  storeFound: boolean;
  sources: number;
  /** Sources not read: nothing about them changed since their last complete read. */
  unchanged: number;
  sessionsNew: number;
  messagesAdded: number;
  messagesRevised: number;
  problems: number;
}

export interface ImportProblem extends CaptureProblem {
  tool: string;
}

export interface CaptureAllResult {
  tools: ToolImport[];
  totals: {
    tools: number;
    sources: number;
    unchanged: number;
    read: number;
    sessionsNew: number;
    messagesAdded: number;
    messagesRevised: number;
    problems: number;
  };
  problems: ImportProblem[];
}

export interface CaptureAllOptions extends CaptureOptions {
  /** Called once every source is listed and the unchanged ones set aside: the number to read. */
  onTotal?(sources: number): void;
  /**
   * Called after each source is captured. Small sources are stored several at a time, and
   * the log reports new sessions and messages per append: the counts of sources stored
   * together are on the last report of the group (per-tool and overall totals are exact).
   */
  onSource?(report: SourceReport, done: number, total: number): void;
  /** Sources captured at once (default CONCURRENCY). */
  concurrency?: number;
}

/** Enough to overlap file reads, parsing and log writes; more only adds memory (each holds up to two passes of one source). */
export const CONCURRENCY = 4;

/**
 * Small sources are appended together (their events and each one's cursor in one atomic
 * log batch) up to this many messages or SMALL_BATCH_SOURCES sources: a fresh import has
 * thousands of one-session files, and one append each cost more than their messages.
 */
const SMALL_BATCH_MESSAGES = 1000;
const SMALL_BATCH_SOURCES = 64;

/**
 * A tool with at least this many sources to read has its stored cursors read in one range read
 * when its first source is taken, instead of one get each: every get takes a LevelDB snapshot
 * under the lock the appends hold (8 % of the capturing thread at 20,000 sessions). A cursor
 * another process moves meanwhile only means a re-read that de-duplication makes harmless.
 */
const PREFETCH_SOURCES = 64;

interface Pending {
  items: Array<{ prepared: PreparedSource; row: ToolImport; tool: string }>;
  messages: number;
}

export async function captureAll(store: Store, adapters: readonly ToolAdapter[], env: AdapterEnv, opts: CaptureAllOptions = {}): Promise<CaptureAllResult> {
  const problems: ImportProblem[] = [];
  const tools: ToolImport[] = [];
  const listed: Array<{ adapter: ToolAdapter; source: CaptureSource; row: ToolImport }> = [];
  // Listing and stamping share one set of directory listings; the reads below never see it.
  const listing = new DirListing();
  const scan = withListing(env, listing);
  for (const adapter of adapters) {
    const presence = toolPresence(adapter, env);
    const row: ToolImport = {
      tool: adapter.tool,
      displayName: adapter.displayName,
      storeFound: presence.found,
      sources: 0,
      unchanged: 0,
      sessionsNew: 0,
      messagesAdded: 0,
      messagesRevised: 0,
      problems: 0,
    };
    tools.push(row);
    let sources: CaptureSource[] = [];
    try {
      sources = await adapter.listSources(scan);
    } catch (err) {
      problems.push({
        tool: adapter.tool,
        path: presence.existing[0] ?? presence.storeDirs[0] ?? adapter.tool,
        message: `could not list sessions: ${(err as Error)?.message ?? String(err)}`,
      });
      row.problems++;
      continue;
    }
    row.sources = sources.length;
    // A store that exists but holds nothing we can read is reported, not silently ignored (DESIGN §5).
    if (presence.found && sources.length === 0) {
      problems.push({ tool: adapter.tool, path: presence.existing[0]!, message: 'store found but no session files in it' });
      row.problems++;
    }
    for (const source of sources) listed.push({ adapter, source, row });
  }
  // Sources whose files are exactly as at their last complete read are not opened (one stat each).
  const { changed: work, unchanged } = await unchangedSplit(store, listed, scan);
  listing.clear();
  for (const u of unchanged) u.row.unchanged++;
  opts.onTotal?.(work.length);
  const toRead = new Map<string, number>();
  for (const w of work) toRead.set(w.adapter.tool, (toRead.get(w.adapter.tool) ?? 0) + 1);
  const prefetched = new Map<string, Promise<Record<string, StoredCursor>>>();
  /** The source's stored cursor from its tool's range read (undefined: prepareSource reads it itself). */
  const storedCursor = async (tool: string, path: string): Promise<StoredCursor | undefined> => {
    if ((toRead.get(tool) ?? 0) < PREFETCH_SOURCES) return undefined;
    let all = prefetched.get(tool);
    if (!all) prefetched.set(tool, (all = store.log.getCursors<StoredCursor>(cursorKey(tool, ''))));
    const cursors = await all;
    const key = cursorKey(tool, path);
    const cursor = cursors[key] ?? { adapter: null, titles: {} };
    delete cursors[key]; // each source is read once per pass
    return cursor;
  };
  let done = 0;
  let next = 0;
  const finish = (report: SourceReport, row: ToolImport, tool: string) => {
    row.sessionsNew += report.sessionsNew;
    row.messagesAdded += report.messagesAdded;
    row.messagesRevised += report.messagesRevised;
    row.problems += report.problems.length;
    for (const p of report.problems) problems.push({ tool, ...p });
    opts.onSource?.(report, ++done, work.length);
  };
  // Batches never mix tools, so each tool's totals stay exact.
  const pending = new Map<string, Pending>();
  const flush = async (batch: Pending) => {
    if (batch.items.length === 1) {
      const { prepared, row, tool } = batch.items[0]!;
      return finish(await commitSource(store, prepared), row, tool);
    }
    const events: NewEvent[] = [];
    const cursors: Record<string, unknown> = {};
    for (const { prepared } of batch.items) {
      events.push(...prepared.chunks[0]!);
      Object.assign(cursors, cursorsOf(prepared));
    }
    let res;
    try {
      res = await store.log.append({ events, dedupe: true, cursors });
    } catch (err) {
      if (isDiskFull(err)) throw err;
      // The batch is atomic, so nothing was stored: store each source alone and let the bad one report itself.
      for (const { prepared, row, tool } of batch.items) finish(await commitSource(store, prepared), row, tool);
      return;
    }
    const last = batch.items[batch.items.length - 1]!.prepared.report;
    last.messagesRevised += res.revisedMessages;
    last.sessionsNew += res.written.filter((w) => w.type === 'session.discovered').length;
    last.messagesAdded += countMessages(events) - res.skippedMessages - res.revisedMessages;
    for (const { prepared, row, tool } of batch.items) finish(prepared.report, row, tool);
  };
  // A few sources in flight: one is parsed while another's events are written, so the
  // log's disk work and the adapters' file reads overlap instead of taking turns. The log
  // serialises the appends; sources are independent (one cursor each), so order does not matter.
  // A full disk stops every worker (what was stored stays) and fails the whole capture with DISK_FULL.
  let stoppedBy: unknown;
  const worker = async () => {
    try {
      await takeWork();
    } catch (err) {
      stoppedBy ??= err;
      next = work.length;
    }
  };
  const takeWork = async () => {
    while (next < work.length) {
      const { adapter, source, row } = work[next++]!;
      const prepared = await prepareSource(store, adapter, source, env, await storedCursor(adapter.tool, source.path), opts);
      if (prepared.report.failed || prepared.more || prepared.chunks.length !== 1 || prepared.messages >= SMALL_BATCH_MESSAGES) {
        finish(await commitRest(store, adapter, source, env, prepared, opts), row, adapter.tool);
        continue;
      }
      let batch = pending.get(adapter.tool);
      if (!batch) pending.set(adapter.tool, (batch = { items: [], messages: 0 }));
      batch.items.push({ prepared, row, tool: adapter.tool });
      batch.messages += prepared.messages;
      if (batch.messages >= SMALL_BATCH_MESSAGES || batch.items.length >= SMALL_BATCH_SOURCES) {
        pending.delete(adapter.tool);
        await flush(batch);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? CONCURRENCY, work.length) }, worker));
  if (stoppedBy) throw stoppedBy;
  for (const batch of pending.values()) await flush(batch);
  // The next pass finds what was just read unchanged without opening the log.
  await refreshStampCopy(
    store,
    work.map((w) => ({ tool: w.adapter.tool, path: w.source.path })),
  );
  const sum = (k: keyof ToolImport) => tools.reduce((n, t) => n + (t[k] as number), 0);
  return {
    tools,
    totals: {
      tools: tools.filter((t) => t.storeFound || t.sources > 0).length,
      sources: listed.length,
      unchanged: unchanged.length,
      read: work.length,
      sessionsNew: sum('sessionsNew'),
      messagesAdded: sum('messagesAdded'),
      messagesRevised: sum('messagesRevised'),
      problems: problems.length,
    },
    problems,
  };
}
