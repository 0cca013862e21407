import type { Message } from '../../engine/adapter-kit.js';
import { convertRecord, isKnownRecordType, typedText } from './record.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';
import { derivedMsgId } from '../shared/ids.js';
import { isObj, str, type Raw } from '../shared/values.js';

/**
 * Replays a Gemini chat recording in order, as the CLI's loader does: message records
 * (a repeated id replaces the earlier record), `$set` metadata merges, `$set.messages`
 * checkpoints and `$rewindTo`. What the tool later drops stays captured; the state kept
 * between reads is only ids, so it stays small and JSON-serialisable.
 */

/** [native record id, parent msg_id, msg_id the next message chains to]. */
export type LiveEntry = [string, string | null, string | null];

export interface SessionMeta {
  sessionId?: string;
  startTime?: string;
  lastUpdated?: string;
  kind?: string;
  summary?: string;
  directories?: string[];
  firstPrompt?: string;
  model?: string;
}

export interface ReplayState {
  meta: SessionMeta;
  live: LiveEntry[];
  /** Recently answered tool call ids: their separate functionResponse records are duplicates. */
  answered: string[];
  /** Records a checkpoint or rewind removed, id → chain tail: a later checkpoint that restores them (resume) re-emits nothing. */
  gone: Record<string, string | null>;
  /**
   * A prompt, reply or tool turn has been seen (injected context and notices do not count).
   * Until then the file is no session: Gemini CLI hides such a file and deletes it at its next
   * start, and it opens one, under the resumed session's own id, on every resume.
   */
  conversation: boolean;
}

const ANSWERED_KEEP = 256;

export function emptyState(): ReplayState {
  return { meta: {}, live: [], answered: [], gone: {}, conversation: false };
}

export class Replay {
  /** Messages produced in this pass, by msg_id, in first-seen order (a later version replaces the value). */
  readonly out = new Map<string, Message>();
  /** Record types read in this pass that Gemini CLI is not known to write. */
  readonly unknown: UnknownTypes = {};

  constructor(
    readonly state: ReplayState,
    private readonly fallbackSessionId: string,
  ) {}

  get sessionId(): string {
    return this.state.meta.sessionId || this.fallbackSessionId;
  }

  /** Applies one line/record; `key` identifies records without an id (e.g. the line's byte offset). */
  apply(rec: Raw, key: string): void {
    if ('$rewindTo' in rec) return this.rewind(str(rec.$rewindTo));
    if (isObj(rec.$set)) return this.set(rec.$set);
    if (rec.type !== undefined || rec.role !== undefined) return this.message(rec, key);
    this.mergeMeta(rec); // a metadata line (first line, and again on every resume)
  }

  applyMeta(meta: Raw): void {
    this.mergeMeta(meta);
  }

  private mergeMeta(m: Raw): void {
    const meta = this.state.meta;
    if (typeof m.sessionId === 'string' && m.sessionId) meta.sessionId = m.sessionId;
    const start = str(m.startTime) || str(m.start_time);
    if (start && (!meta.startTime || start < meta.startTime)) meta.startTime = start;
    if (typeof m.lastUpdated === 'string') meta.lastUpdated = m.lastUpdated;
    if (typeof m.kind === 'string') meta.kind = m.kind;
    if (typeof m.summary === 'string' && m.summary.trim()) meta.summary = m.summary.trim();
    if (Array.isArray(m.directories)) meta.directories = m.directories.filter((d): d is string => typeof d === 'string');
  }

  private set(fields: Raw): void {
    this.mergeMeta(fields);
    if (Array.isArray(fields.messages)) this.checkpoint(fields.messages);
  }

  private rewind(id: string): void {
    const at = this.state.live.findIndex((e) => e[0] === id);
    this.replaceLive(at === -1 ? [] : this.state.live.slice(0, at));
  }

  private replaceLive(live: LiveEntry[]): void {
    const kept = new Set(live.map((e) => e[0]));
    for (const e of this.state.live) if (!kept.has(e[0])) this.state.gone[e[0]] = e[2];
    for (const e of live) delete this.state.gone[e[0]];
    this.state.live = live;
  }

  /**
   * A checkpoint replaces the live history. Messages it keeps were captured already; new ones
   * are emitted, and when it also dropped earlier messages it is a compaction (/compress):
   * its new messages (the state snapshot and the model's acknowledgement) are marked so.
   */
  private checkpoint(records: unknown[]): void {
    const before = new Map(this.state.live.map((e) => [e[0], e] as const));
    const ids = records.map((r, i) => (isObj(r) ? this.recordId(r, `checkpoint:${i}`) : ''));
    const keptIds = new Set(ids);
    const dropped = this.state.live.some((e) => !keptIds.has(e[0]));
    const added = ids.some((id) => id && !before.has(id));
    const compaction = dropped && added;
    const tail = this.state.live.at(-1)?.[2] ?? null;
    const live: LiveEntry[] = [];
    const used = new Set<string>();
    records.forEach((r, i) => {
      let id = ids[i];
      if (!isObj(r) || !id) return;
      const parent = live.at(-1)?.[2] ?? tail;
      const kept = before.get(id);
      if (kept) return void live.push(kept);
      if (id in this.state.gone) return void live.push([id, parent, this.state.gone[id] ?? null]);
      // The CLI's history form can repeat an id (a call and its response): keep both apart.
      if (used.has(id)) id = derivedMsgId(this.sessionId, `${id}#${i}`);
      used.add(id);
      live.push(this.emit(r, id, parent, compaction));
    });
    this.replaceLive(live);
  }

  private message(rec: Raw, key: string): void {
    const id = this.recordId(rec, key);
    const at = this.state.live.findIndex((e) => e[0] === id);
    if (at !== -1) {
      this.state.live[at] = this.emit(rec, id, this.state.live[at]![1], false);
      return;
    }
    this.state.live.push(this.emit(rec, id, this.state.live.at(-1)?.[2] ?? null, false));
  }

  private recordId(rec: Raw, key: string): string {
    return typeof rec.id === 'string' && rec.id ? rec.id : derivedMsgId(this.sessionId, key);
  }

  private emit(rec: Raw, id: string, parent: string | null, compaction: boolean): LiveEntry {
    this.noteMeta(rec);
    const { messages, answered } = convertRecord(rec, id);
    const main = messages[0];
    // Records we show nothing for still hold their place (a later $rewindTo may name them).
    if (!main) {
      if (!isKnownRecordType(rec)) noteUnknownType(this.unknown, str(rec.type) || str(rec.role));
      return [id, parent, parent];
    }
    if (main.role === 'tool') {
      // 0.61 writes tool results twice: inside the call record and as a user record. Keep one.
      const seen = new Set(this.state.answered);
      main.content = main.content.filter((b) => b.type !== 'tool_result' || !seen.has((b as { tool_use_id: string }).tool_use_id));
      if (main.content.length === 0) return [id, parent, parent];
    }
    this.state.answered = [...this.state.answered, ...answered].slice(-ANSWERED_KEEP);
    main.parent_msg_id = parent;
    if (messages.some((m) => m.role !== 'system' && !m.is_injected && m.content.length > 0)) this.state.conversation = true;
    for (const m of messages) {
      if (compaction) m.is_compaction = true;
      this.out.set(m.msg_id, m);
    }
    return [id, parent, messages.at(-1)!.msg_id];
  }

  private noteMeta(rec: Raw): void {
    const meta = this.state.meta;
    if (typeof rec.model === 'string' && rec.model) meta.model = rec.model;
    if (meta.firstPrompt === undefined) {
      const text = typedText(rec);
      if (text && !isHarnessText(text)) meta.firstPrompt = text;
    }
  }
}

/** Gemini's title rule skips slash commands, `?` help and injected context blocks. */
function isHarnessText(text: string): boolean {
  return (
    text.startsWith('/') || text.startsWith('?') || text.startsWith('<session_context>') || text.startsWith('<hook_context>') || text.startsWith('<summary>')
  );
}
