import { isDiskFull } from '../disk-full.js';
import { capturedSessionId } from '../ids.js';
import type { NewEvent } from '../model/events.js';
import type { Store } from '../store.js';
import { check } from '../schema/validator.js';
import type { Message } from '../model/message.js';
import { rulesForNewSession } from './session-rules.js';
import { tooDeepMessage, valueTooDeep } from './json-depth.js';
import type { AdapterEnv, CaptureProblem, CaptureSource, ReadResult, ToolAdapter } from './contract.js';
import { sourceStamp, stampKey } from './source-stamp.js';

/**
 * The capture step for one source: read from the stored cursor, turn what the adapter
 * returned into events, and append them with the new cursor. The last chunk carries the
 * cursor, so a crash before it re-reads from the old cursor and de-duplication by
 * message id makes the repeat harmless (DESIGN §5, §11.2).
 */
export interface SourceReport {
  tool: string;
  path: string;
  sessions: string[];
  messagesAdded: number;
  messagesRevised: number;
  /** Sessions this pass stored for the first time. */
  sessionsNew: number;
  /** The source could not be read or stored (cursor kept): worth retrying, unlike a skipped record. */
  failed: boolean;
  problems: CaptureProblem[];
  /** Records of types the adapter does not know, read in this pass, by type. */
  unknownTypes: Record<string, number>;
}

/** What we keep per source beside the adapter's own cursor. */
export interface StoredCursor {
  adapter: unknown;
  /** The tool's title per session as last recorded, so a changed title becomes one meta event. */
  titles: Record<string, string | null>;
  /** Records of types the adapter does not know, by type, in this source so far (absent: none, or stored before sfs counted them). */
  unknown?: Record<string, number>;
  /** Whether any read of this source returned a session (absent: stored before sfs kept it). */
  yielded?: boolean;
}

const CHUNK = 1000;

/**
 * New input read per pass. A large append-style file is captured in slices of about this
 * size, each stored with its cursor before the next is held in memory, so capture memory
 * does not grow with the file (a 100 MB session read whole took 1.3 GB).
 */
export const PASS_BYTES = 8 * 1024 * 1024;

/** Capture settings that come from the user's config. */
export interface CaptureOptions {
  /** JSONL lines longer than this are skipped (setting `capture.max_line_bytes`; default 64 MiB). */
  maxLineBytes?: number;
}

export function cursorKey(tool: string, path: string): string {
  return `capture:${tool}:${path}`;
}

/** One source read and turned into events, not yet stored (`failed`: nothing to store). */
export interface PreparedSource {
  report: SourceReport;
  /** The source's cursor key and the cursor to store with its last chunk. */
  key: string;
  cursor: StoredCursor | null;
  chunks: NewEvent[][];
  /** Messages across all chunks (what a batch of small sources is sized by). */
  messages: number;
  /** The adapter stopped at PASS_BYTES: the source has more to read after this cursor. */
  more: boolean;
  /** The source's stamp taken before this pass, stored with the cursor when the pass read it all cleanly. */
  stamp?: string;
}

/** The cursors to store with a prepared source's last chunk. */
export function cursorsOf(prepared: PreparedSource): Record<string, unknown> {
  const out: Record<string, unknown> = { [prepared.key]: prepared.cursor };
  if (prepared.stamp !== undefined) out[stampKey(prepared.report.tool, prepared.report.path)] = prepared.stamp;
  return out;
}

export async function captureSource(
  store: Store,
  adapter: ToolAdapter,
  source: CaptureSource,
  env: AdapterEnv,
  opts: CaptureOptions = {},
): Promise<SourceReport> {
  return commitRest(store, adapter, source, env, await prepareSource(store, adapter, source, env, undefined, opts), opts);
}

/**
 * Commits a prepared pass and, while the adapter says there is more, the passes after it:
 * the next pass is read while the previous one is written, and at most those two are in
 * memory. Returns one report for the whole source.
 */
export async function commitRest(
  store: Store,
  adapter: ToolAdapter,
  source: CaptureSource,
  env: AdapterEnv,
  first: PreparedSource,
  opts: CaptureOptions = {},
): Promise<SourceReport> {
  const total = first.report;
  let prepared = first;
  for (;;) {
    const committing = commitSource(store, prepared);
    const next = prepared.more && prepared.cursor ? prepareSource(store, adapter, source, env, prepared.cursor, opts) : null;
    const report = await committing.catch(async (err: unknown) => {
      await next?.catch(() => undefined);
      throw err;
    });
    if (report !== total) mergeReport(total, report);
    if (!next || report.failed) {
      await next?.catch(() => undefined);
      return total;
    }
    prepared = await next;
  }
}

function mergeReport(into: SourceReport, r: SourceReport): void {
  for (const s of r.sessions) if (!into.sessions.includes(s)) into.sessions.push(s);
  into.messagesAdded += r.messagesAdded;
  into.messagesRevised += r.messagesRevised;
  into.sessionsNew += r.sessionsNew;
  into.failed ||= r.failed;
  into.problems.push(...r.problems);
  addCounts(into.unknownTypes, r.unknownTypes);
}

function addCounts(into: Record<string, number>, add: Record<string, number> | undefined): Record<string, number> {
  for (const [k, n] of Object.entries(add ?? {})) if (n > 0) into[k] = (into[k] ?? 0) + n;
  return into;
}

/**
 * Reads one pass of a source (from its stored cursor, or from `after`, the cursor of the
 * pass before it) and builds the events to append (nothing is written).
 */
export async function prepareSource(
  store: Store,
  adapter: ToolAdapter,
  source: CaptureSource,
  env: AdapterEnv,
  after?: StoredCursor,
  opts: CaptureOptions = {},
): Promise<PreparedSource> {
  const key = cursorKey(adapter.tool, source.path);
  const stored = after ?? (await store.log.getCursor<StoredCursor>(key)) ?? { adapter: null, titles: {} };
  const report: SourceReport = {
    tool: adapter.tool,
    path: source.path,
    sessions: [],
    messagesAdded: 0,
    messagesRevised: 0,
    sessionsNew: 0,
    failed: false,
    problems: [],
    unknownTypes: {},
  };
  // Taken before the read: a change while it runs leaves the stored stamp behind the file.
  const stamp = sourceStamp(adapter, source, env);
  let result: ReadResult;
  try {
    result = await adapter.read(source, stored.adapter ?? null, env, {
      maxBytes: PASS_BYTES,
      ...(opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {}),
    });
  } catch (err) {
    // An adapter must not throw; if one does, the source is reported and its cursor kept.
    report.problems.push({ path: source.path, message: `reader failed: ${(err as Error)?.message ?? String(err)}` });
    report.failed = true;
    return { report, key, cursor: null, chunks: [], messages: 0, more: false };
  }
  report.problems.push(...result.problems);
  const titles = { ...stored.titles };
  const chunks: NewEvent[][] = [[]];
  let size = 0;
  const push = (ev: NewEvent, weight = 1) => {
    if (size >= CHUNK) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1]!.push(ev);
    size += weight;
  };
  // The projections as they stand (no catch-up: that would fold the whole log on every
  // capture); rules change rarely and any command that sets them catches them up.
  const db = result.sessions.some((s) => s.header.cwd) ? store.projections.db : null;
  for (const s of result.sessions) {
    const id = capturedSessionId(adapter.tool, s.nativeId);
    const rules = db ? rulesForNewSession(db, id, s.header.cwd) : null;
    report.sessions.push(id);
    const { title, ...header } = s.header;
    push({
      type: 'session.discovered',
      session: id,
      body: {
        ...header,
        title: title ?? null,
        tool: adapter.tool,
        via: 'capture',
        parent_session_id: s.parentNativeId ? capturedSessionId(adapter.tool, s.parentNativeId) : null,
        ...(rules ? { rules } : {}),
      },
    });
    if (title !== undefined && title !== null && titles[id] !== title) {
      push({ type: 'session.meta', session: id, body: { native_title: title } });
      titles[id] = title;
    }
    // Validated once, by the log; a chunk it refuses is re-checked message by message in commitSource.
    const messages = withinDepth(s.messages, source.path, report);
    for (let i = 0; i < messages.length; i += CHUNK) {
      const part = messages.slice(i, i + CHUNK);
      push({ type: 'messages.captured', session: id, body: { messages: part } }, part.length);
    }
  }
  addCounts(report.unknownTypes, result.unknownTypes);
  // An append-style source returns each record once, so its counts add up; a rewritten one that
  // returned sessions was read whole (one that returned none may have skipped an unchanged store).
  const append = source.style === 'append';
  const unknown = result.records
    ? { ...result.records.unknown }
    : stored.adapter === null
      ? { ...report.unknownTypes }
      : append
        ? addCounts({ ...stored.unknown }, result.unknownTypes)
        : result.sessions.length
          ? { ...report.unknownTypes }
          : { ...stored.unknown };
  // Sticky once true; a cursor stored before sfs kept this says nothing about the earlier passes.
  // A session with no messages yet (a tool started and quit) counts: the source was understood.
  const got = result.sessions.length > 0;
  const yielded = got || stored.adapter === null ? got : stored.yielded;
  const cursor: StoredCursor = {
    adapter: result.cursor,
    titles,
    ...(yielded !== undefined ? { yielded } : {}),
    ...(Object.keys(unknown).length ? { unknown } : {}),
  };
  let messages = 0;
  for (const c of chunks) messages += countMessages(c);
  const clean = !result.more && result.problems.length === 0 && stamp !== null;
  return { report, key, cursor, chunks, messages, more: !!result.more, ...(clean ? { stamp } : {}) };
}

/** Appends a prepared source chunk by chunk; the last chunk carries its cursor. */
export async function commitSource(store: Store, prepared: PreparedSource): Promise<SourceReport> {
  const { report, cursor, chunks } = prepared;
  if (report.failed || !cursor) return report;
  let sifted = false;
  for (let i = 0; i < chunks.length; i++) {
    const last = i === chunks.length - 1;
    try {
      const res = await store.log.append({ events: chunks[i]!, dedupe: true, ...(last ? { cursors: cursorsOf(prepared) } : {}) });
      report.messagesRevised += res.revisedMessages;
      report.sessionsNew += res.written.filter((w) => w.type === 'session.discovered').length;
      report.messagesAdded += countMessages(chunks[i]!) - res.skippedMessages - res.revisedMessages;
    } catch (err) {
      // A message the schema refuses is skipped and reported; it must not hold back the rest.
      if (!sifted && (err as { code?: string }).code === 'INVALID_INPUT') {
        sifted = true;
        for (let j = i; j < chunks.length; j++) chunks[j] = siftMessages(chunks[j]!, report);
        i--;
        continue;
      }
      // A full disk stops the whole capture: every source after this one would fail the same way.
      if (isDiskFull(err)) throw err;
      // Anything else poisons nothing: report it and keep the old cursor.
      report.problems.push({ path: report.path, message: `not stored: ${(err as Error).message}` });
      report.failed = true;
      return report;
    }
  }
  return report;
}

/**
 * The messages without those nested deeper than MAX_JSON_DEPTH (each reported): validation
 * and msgpack recurse, so one would overflow the stack on every attempt to store the pass,
 * holding the whole source back. The line readers refuse such lines already; this also
 * covers JSON an adapter parses out of a string or a database value.
 */
function withinDepth(messages: Message[], path: string, report: SourceReport): Message[] {
  if (!messages.some((m) => valueTooDeep(m))) return messages;
  return messages.filter((m) => {
    if (!valueTooDeep(m)) return true;
    report.problems.push({ path, where: `message ${String(m?.msg_id)}`, message: `skipped: ${tooDeepMessage()}` });
    return false;
  });
}

/** The chunk without the messages the schema refuses (each reported); emptied message events are dropped. */
function siftMessages(chunk: NewEvent[], report: SourceReport): NewEvent[] {
  const out: NewEvent[] = [];
  for (const ev of chunk) {
    if (ev.type !== 'messages.captured') {
      out.push(ev);
      continue;
    }
    const valid: Message[] = [];
    for (const m of (ev as NewEvent<'messages.captured'>).body.messages) {
      const problem = check('sfs/message.schema.json', m);
      if (problem) report.problems.push({ path: report.path, where: `message ${String(m?.msg_id)}`, message: `skipped: ${problem}` });
      else valid.push(m);
    }
    if (valid.length) out.push({ ...ev, body: { messages: valid } });
  }
  return out;
}

export function countMessages(events: NewEvent[]): number {
  let n = 0;
  for (const e of events) if (e.type === 'messages.captured') n += (e.body as { messages: unknown[] }).messages.length;
  return n;
}
