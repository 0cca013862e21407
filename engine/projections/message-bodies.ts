import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { messageText, type Message } from '../model/message.js';
import { normalizeTs } from './timestamps.js';

/**
 * Message bodies in the projections are stored compressed, several to a row: the messages of
 * one event (in runs of at most CHUNK_BYTES of JSON) deflated together in
 * `message_bodies`, each message row naming its chunk and its index in it. Compressing a run
 * rather than each message is what makes it pay (one message alone is too short for deflate,
 * and a zlib call per message costs more than the insert), and capping the run keeps reading
 * one message (a search snippet) cheap. The full text search reads its text from here too
 * (an external-content FTS5 table over the view `search_source`), so no text is stored twice.
 */

/** A run of messages is closed past this much JSON (deflate's window is 32 KiB: longer runs gain little). */
export const CHUNK_BYTES = 32 * 1024;

/** Level 1: nearly the ratio of the default level at a fraction of its time on JSON. */
const LEVEL = 1;

/**
 * The stored form of messages already serialised as JSON, in order: their lengths on the first
 * line, then their JSON back to back, so one message is read without parsing the others.
 */
export function encodeChunk(json: readonly string[]): Buffer {
  return deflateRawSync(`${json.map((j) => j.length).join(',')}\n${json.join('')}`, { level: LEVEL });
}

/** The JSON of each message of a chunk. */
function chunkJson(data: Uint8Array): string[] {
  const text = inflateRawSync(data).toString('utf8');
  const nl = text.indexOf('\n');
  const out: string[] = [];
  let at = nl + 1;
  for (const len of text.slice(0, nl).split(',')) {
    out.push(text.slice(at, at + Number(len)));
    at += Number(len);
  }
  return out;
}

export function decodeChunk(data: Uint8Array): Message[] {
  return chunkJson(data).map((j) => JSON.parse(j) as Message);
}

/** Message idx of a chunk (its stored form), or null. */
function decodeOne(data: Uint8Array, idx: number): Message | null {
  const json = chunkJson(data)[idx];
  return json === undefined ? null : (JSON.parse(json) as Message);
}

/**
 * The columns of a message row that its stored body leaves out: a string id, parent id or
 * timestamp (in the form the ts column holds) is written as 0 and read back from the row.
 * Ids are the least compressible part of a body.
 */
export interface BodyColumns {
  msg_id: string;
  parent_msg_id: string | null;
  ts: string | null;
}

const LEFT_OUT = 0;

/** The message as its chunk stores it, and the length of its full JSON. */
function compact(m: Message): { json: string; bytes: number } {
  const out: Record<string, unknown> = { ...m };
  let saved = 0;
  const leaveOut = (key: 'msg_id' | 'parent_msg_id' | 'timestamp') => {
    out[key] = LEFT_OUT;
    saved += JSON.stringify(m[key]).length - 1;
  };
  if (typeof m.msg_id === 'string') leaveOut('msg_id');
  if (typeof m.parent_msg_id === 'string') leaveOut('parent_msg_id');
  if (typeof m.timestamp === 'string' && normalizeTs(m.timestamp) === m.timestamp) leaveOut('timestamp');
  const json = JSON.stringify(out);
  return { json, bytes: json.length + saved };
}

/** A message as it was captured, from its stored form and its row. */
export function restore(m: Message, row: BodyColumns): Message {
  const out = { ...m };
  if ((out.msg_id as unknown) === LEFT_OUT) out.msg_id = row.msg_id;
  if ((out.parent_msg_id as unknown) === LEFT_OUT) out.parent_msg_id = row.parent_msg_id;
  if ((out.timestamp as unknown) === LEFT_OUT) out.timestamp = row.ts;
  return out;
}

/** The text the search index holds for a message. */
export function searchText(m: Message): string {
  return messageText(m, { includeThinking: true });
}

/**
 * SQL functions over a chunk, registered on every connection to the projections (the view
 * `search_source` uses the first; tests and tools read bodies with the second):
 *   sfs_message_text(data, idx)   the search text of message idx of the chunk
 *   sfs_message_json(data, idx, msg_id, parent_msg_id, ts)   its JSON (given the columns of its row)
 */
export function registerBodyFunctions(db: Database.Database): void {
  const pick = (data: unknown, idx: unknown): Message | null => {
    if (!(data instanceof Uint8Array) || typeof idx !== 'number') return null;
    return decodeOne(data, idx);
  };
  db.function('sfs_message_text', { deterministic: true }, (data: unknown, idx: unknown) => {
    const m = pick(data, idx);
    return m ? searchText(m) : null;
  });
  db.function('sfs_message_json', { deterministic: true }, (data: unknown, idx: unknown, msgId: unknown, parent: unknown, ts: unknown) => {
    const m = pick(data, idx);
    return m ? JSON.stringify(restore(m, { msg_id: msgId as string, parent_msg_id: parent as string | null, ts: ts as string | null })) : null;
  });
}

/**
 * Reads message bodies by chunk, decoding each chunk once however many of its messages are
 * asked for. Chunks are never changed once written, so a reader may live as long as one read.
 */
export class ChunkReader {
  private readonly get: Database.Statement;
  /** The last few chunks read (a session's order may alternate between chunks at branches and forks). */
  private readonly recent = new Map<number, Message[]>();

  constructor(db: Database.Database) {
    this.get = db.prepare('SELECT data FROM message_bodies WHERE id = ?').pluck();
  }

  /** Message idx of chunk bodyId as stored: restore() it with its row before handing it out. */
  message(bodyId: number, idx: number): Message | undefined {
    let messages = this.recent.get(bodyId);
    if (!messages) {
      const data = this.get.get(bodyId) as Uint8Array | undefined;
      if (!data) return undefined;
      messages = decodeChunk(data);
      if (this.recent.size >= 8) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(bodyId, messages);
    }
    return messages[idx];
  }
}

/** Where a message's body is stored. */
export interface BodyRef {
  body_id: number;
  body_idx: number;
  /** Length of its JSON (what `storage prune` reports as the session's size). */
  body_bytes: number;
}

interface Run {
  start: number;
  end: number;
  id: number | null;
  /** Message rows of this event that use the run (written to the chunk's refs when the event ends). */
  refs: number;
}

/**
 * Writes the bodies of one event's messages as chunks, each on first use, and keeps each
 * chunk's count of message rows that use it (a chunk no row uses is deleted).
 */
export class ChunkWriter {
  private readonly insert: Database.Statement;
  private readonly addRefs: Database.Statement;
  private readonly dropUnused: Database.Statement;
  private messages: readonly Message[] = [];
  private json: string[] | null = null;
  private bytes: number[] = [];
  private runOf: number[] = [];
  private runs: Run[] = [];

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO message_bodies(refs, data) VALUES (0, ?)');
    this.addRefs = db.prepare('UPDATE message_bodies SET refs = refs + ? WHERE id = ?');
    this.dropUnused = db.prepare('DELETE FROM message_bodies WHERE id = ? AND refs <= 0');
  }

  /** Starts an event whose messages are these, in order. */
  begin(messages: readonly Message[]): void {
    this.messages = messages;
    this.json = null;
    this.runOf = [];
    this.runs = [];
  }

  /** Stores message i of the current event (its chunk is written on first use). */
  store(i: number): BodyRef {
    if (!this.json) this.split();
    const run = this.runs[this.runOf[i]!]!;
    if (run.id === null) run.id = Number(this.insert.run(encodeChunk(this.json!.slice(run.start, run.end))).lastInsertRowid);
    run.refs++;
    return { body_id: run.id, body_idx: i - run.start, body_bytes: this.bytes[i]! };
  }

  /** A message row stopped using chunk `id`. */
  release(id: number): void {
    const run = this.runs.find((r) => r.id === id);
    if (run) run.refs--;
    else {
      this.addRefs.run(-1, id);
      this.dropUnused.run(id);
    }
  }

  /** Ends the event: records how many rows use each chunk it wrote. */
  end(): void {
    for (const r of this.runs) {
      if (r.id === null) continue;
      if (r.refs > 0) this.addRefs.run(r.refs, r.id);
      else this.dropUnused.run(r.id);
    }
    this.begin([]);
  }

  private split(): void {
    const stored = this.messages.map(compact);
    this.json = stored.map((x) => x.json);
    this.bytes = stored.map((x) => x.bytes);
    let bytes = 0;
    for (let i = 0; i < this.json.length; i++) {
      const last = this.runs[this.runs.length - 1];
      if (!last || bytes >= CHUNK_BYTES) {
        this.runs.push({ start: i, end: i + 1, id: null, refs: 0 });
        bytes = 0;
      } else last.end = i + 1;
      bytes += this.json[i]!.length;
      this.runOf.push(this.runs.length - 1);
    }
  }
}
