import { contentHash } from '../ids.js';
import type { AnyStoredEvent, Attribution } from '../model/events.js';
import type { Message } from '../model/message.js';
import { decode, encode } from './codec.js';

/**
 * The stored form of an event, built so that every message is msgpack-encoded exactly
 * once: those bytes are both spliced into the event value and hashed into the message's
 * de-duplication fingerprint. (Hashing a JSON.stringify of the message cost as much as
 * encoding the whole event again.)
 *
 * Stored form: [origin, seq, type, v, ts, session, body] as a msgpack array, with an eighth
 * item, the Attribution, on events of another account; any msgpack reader decodes it, the
 * splice only avoids re-encoding.
 */
export type Packed = [string, number, string, number, number, string | null, unknown, unknown?];

/** One message, encoded once. */
export interface EncodedMessage {
  bytes: Uint8Array;
  /** Fingerprint of the message's content (what de-duplication compares). */
  hash: string;
}

export function encodeMessage(m: Message): EncodedMessage {
  // msgpackr never writes over a returned buffer (each pack starts past the last), so no copy.
  const bytes = encode(m);
  return { bytes, hash: contentHash(bytes) };
}

/** Per-append cache so a message hashed for de-duplication is not encoded again when staged. */
export class MessageEncodings {
  private readonly map = new Map<Message, EncodedMessage>();

  of(m: Message): EncodedMessage {
    let e = this.map.get(m);
    if (e === undefined) this.map.set(m, (e = encodeMessage(m)));
    return e;
  }
}

const FIXARRAY_7 = 0x97;
const FIXARRAY_8 = 0x98;
// msgpack fixstr (0xa0 | length) of the body keys, written out so loading this module does not load msgpackr.
const fixstr = (s: string) => Uint8Array.from([0xa0 | s.length, ...Buffer.from(s, 'latin1')]);
const MESSAGES_KEY = fixstr('messages');
const MESSAGE_KEY = fixstr('message');
const FIXMAP_1 = 0x81;

function arrayHeader(n: number): number[] {
  if (n < 16) return [0x90 | n];
  if (n < 0x10000) return [0xdc, n >> 8, n & 0xff];
  return [0xdd, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/**
 * Encodes an envelope. `messages.captured` ({messages}) and `message.revised` ({message})
 * bodies splice in the messages' own encodings; everything else is encoded as is.
 */
export function encodeEvent(p: Packed, encodings: MessageEncodings): Uint8Array {
  const body = p[6] as Record<string, unknown> | null;
  const type = p[2];
  let parts: Uint8Array[] | null = null;
  if (body && type === 'messages.captured' && Object.keys(body).length === 1 && Array.isArray(body.messages)) {
    const msgs = body.messages as Message[];
    parts = [MESSAGES_KEY, Uint8Array.from(arrayHeader(msgs.length))];
    for (const m of msgs) parts.push(encodings.of(m).bytes);
  } else if (body && type === 'message.revised' && Object.keys(body).length === 1 && body.message) {
    parts = [MESSAGE_KEY, encodings.of(body.message as Message).bytes];
  }
  if (!parts) return encode(p);
  // The first six fields as a 6-array, re-headed as the 7-array (8 with an attribution) whose seventh item is the spliced body.
  const head = encode([p[0], p[1], p[2], p[3], p[4], p[5]]);
  const tail = p.length > 7 ? encode(p[7]) : undefined;
  let size = head.length + 1 + (tail?.length ?? 0);
  for (const x of parts) size += x.length;
  const out = Buffer.allocUnsafe(size);
  out.set(head, 0);
  out[0] = tail ? FIXARRAY_8 : FIXARRAY_7;
  let at = head.length;
  out[at++] = FIXMAP_1;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  if (tail) out.set(tail, at);
  return out;
}

/**
 * The msgpack bytes of a stored event's body, for bodies read from this process's log (keyed
 * by the decoded body object). A sync push sends these bytes as they are when DLP leaves the
 * body unchanged, instead of encoding the body again: they are the bytes the scanned value was
 * decoded from, and any msgpack reader decodes them to it.
 */
export const storedBodyBytes = new WeakMap<object, Uint8Array>();

/** Where the body starts in a stored event value (after the fixarray-7 header and six scalars); -1 if the head is not in the expected form. */
export function bodyOffset(raw: Uint8Array): number {
  if (raw[0] !== FIXARRAY_7) return -1;
  let at = 1;
  for (let i = 0; i < 6; i++) {
    const b = raw[at];
    if (b === undefined) return -1;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0)
      at += 1; // fixint, negative fixint, nil
    else if (b >= 0xa0 && b <= 0xbf)
      at += 1 + (b & 0x1f); // fixstr
    else if (b === 0xd9)
      at += 2 + raw[at + 1]!; // str8
    else if (b === 0xda)
      at += 3 + ((raw[at + 1]! << 8) | raw[at + 2]!); // str16
    else if (b === 0xcc || b === 0xd0) at += 2;
    else if (b === 0xcd || b === 0xd1) at += 3;
    else if (b === 0xce || b === 0xd2 || b === 0xca) at += 5;
    else if (b === 0xcf || b === 0xd3 || b === 0xcb) at += 9;
    else return -1;
  }
  return at < raw.length ? at : -1;
}

/** The event stored at `pos` as `raw`; `keepBodyBytes`: remember its body's bytes (storedBodyBytes). */
export function decodeStoredEvent(pos: number, raw: Uint8Array, keepBodyBytes = false): AnyStoredEvent {
  const [origin, seq, type, v, ts, session, body, attr] = decode<Packed>(raw);
  if (keepBodyBytes && body !== null && typeof body === 'object') {
    const at = bodyOffset(raw);
    if (at > 0) storedBodyBytes.set(body, raw.subarray(at));
  }
  const ev = { pos, origin, seq, type, v, ts, session, body } as AnyStoredEvent;
  if (attr) ev.attr = attr as Attribution;
  return ev;
}
