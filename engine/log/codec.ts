import { createRequire } from 'node:module';
import type * as Msgpackr from 'msgpackr';

/**
 * msgpack codec for log values. Plain maps (no record extension) so any msgpack reader
 * can decode a log; `undefined` properties are dropped like JSON.stringify does, so a
 * value reads back equal to what its JSON form would be.
 *
 * msgpackr (and its native string decoder) loads on the first encode or decode: a command
 * whose projections are already caught up, like most `sfs list`, never needs it.
 */
let packr: Msgpackr.Packr | undefined;

function codec(): Msgpackr.Packr {
  if (packr) return packr;
  const { Packr } = createRequire(import.meta.url)('msgpackr') as typeof Msgpackr;
  // skipValues is supported by msgpackr but missing from its type declarations.
  return (packr = new Packr({ useRecords: false, skipValues: [undefined], mapsAsObjects: true } as ConstructorParameters<typeof Packr>[0]));
}

export function encode(value: unknown): Buffer {
  return codec().pack(value);
}

export function decode<T = unknown>(buf: Uint8Array): T {
  if (buf.length <= SMALL_BYTES) {
    const small = decodeSmall(buf);
    if (small !== NOT_SMALL) return small as T;
  }
  return codec().unpack(buf) as T;
}

/**
 * The log's bookkeeping values (head, origin, seqs) and the frames a guest exchanges with the
 * store's owner (a greeting, a head position) are a few bytes of numbers, strings and small
 * maps: read those here, so opening a log or asking its owner does not load msgpackr and its
 * native string decoder. Anything else (64-bit integers, float32, binary, extensions, bytes after
 * the value, a larger buffer) goes to msgpackr; test/engine/log/codec.test.ts checks both agree.
 */
const SMALL_BYTES = 256;
const NOT_SMALL = Symbol('not small');

class NotSmall extends Error {}

function decodeSmall(buf: Uint8Array): unknown {
  let at = 0;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const need = (n: number) => {
    if (at + n > buf.length) throw new NotSmall();
    const start = at;
    at += n;
    return start;
  };
  const str = (len: number) => {
    const start = need(len);
    return Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('utf8');
  };
  const map = (size: number) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      const key = value();
      if (typeof key !== 'string' || key === '__proto__') throw new NotSmall();
      out[key] = value();
    }
    return out;
  };
  const array = (size: number) => Array.from({ length: size }, () => value());
  const value = (): unknown => {
    const t = buf[need(1)]!;
    if (t <= 0x7f) return t;
    if (t >= 0xe0) return t - 0x100;
    if (t >= 0xa0 && t <= 0xbf) return str(t - 0xa0);
    if (t >= 0x80 && t <= 0x8f) return map(t - 0x80);
    if (t >= 0x90 && t <= 0x9f) return array(t - 0x90);
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xcc:
        return buf[need(1)];
      case 0xcd:
        return view.getUint16(need(2));
      case 0xce:
        return view.getUint32(need(4));
      case 0xd0:
        return view.getInt8(need(1));
      case 0xd1:
        return view.getInt16(need(2));
      case 0xd2:
        return view.getInt32(need(4));
      case 0xcb:
        return view.getFloat64(need(8));
      case 0xd9:
        return str(buf[need(1)]!);
      case 0xda:
        return str(view.getUint16(need(2)));
      case 0xdc:
        return array(view.getUint16(need(2)));
      case 0xde:
        return map(view.getUint16(need(2)));
      default:
        throw new NotSmall(); // 64-bit integers (msgpackr may read them as BigInt), float32, binary, extensions
    }
  };
  try {
    const v = value();
    return at === buf.length ? v : NOT_SMALL;
  } catch (err) {
    if (err instanceof NotSmall || err instanceof RangeError) return NOT_SMALL;
    throw err;
  }
}

/**
 * Encodes a small value of numbers, strings, booleans, null, arrays and plain objects (undefined
 * properties dropped, as encode does) as msgpack, or returns undefined for anything else or
 * anything over SMALL_BYTES. For the frames between a guest and the store's owner, so a guest
 * that asks for the head does not load msgpackr. Its bytes may differ from msgpackr's for the
 * same value (both are valid msgpack, read back alike), so never use it for stored bytes.
 */
export function encodeSmall(value: unknown): Buffer | undefined {
  const out: number[] = [];
  const u16 = (type: number, n: number) => out.push(type, n >> 8, n & 0xff);
  const u32 = (type: number, n: number) => out.push(type, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const put = (v: unknown): void => {
    if (out.length > SMALL_BYTES) throw new NotSmall();
    if (v === null) out.push(0xc0);
    else if (v === true) out.push(0xc3);
    else if (v === false) out.push(0xc2);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
        if (v <= 0x7f) out.push(v);
        else if (v <= 0xff) out.push(0xcc, v);
        else if (v <= 0xffff) u16(0xcd, v);
        else u32(0xce, v);
      } else if (Number.isInteger(v) && v < 0 && v >= -(2 ** 31) && !Object.is(v, -0)) {
        if (v >= -32) out.push(v + 0x100);
        else u32(0xd2, v >>> 0);
      } else {
        const b = Buffer.allocUnsafe(8);
        b.writeDoubleBE(v);
        out.push(0xcb, ...b);
      }
    } else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      if (b.length <= 31) out.push(0xa0 | b.length);
      else if (b.length <= 0xff) out.push(0xd9, b.length);
      else if (b.length <= 0xffff) u16(0xda, b.length);
      else throw new NotSmall();
      if (out.length + b.length > SMALL_BYTES) throw new NotSmall();
      out.push(...b);
    } else if (Array.isArray(v)) {
      if (v.length <= 15) out.push(0x90 | v.length);
      else if (v.length <= 0xffff) u16(0xdc, v.length);
      else throw new NotSmall();
      for (const x of v) put(x); // undefined in an array (msgpackr keeps it as an extension) is declined below
    } else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length <= 15) out.push(0x80 | entries.length);
      else if (entries.length <= 0xffff) u16(0xde, entries.length);
      else throw new NotSmall();
      for (const [k, x] of entries) {
        put(k);
        put(x);
      }
    } else throw new NotSmall(); // undefined at the top, bigint, Buffer, Date, Map, …
  };
  try {
    put(value);
  } catch (err) {
    if (err instanceof NotSmall) return undefined;
    throw err;
  }
  return out.length > SMALL_BYTES ? undefined : Buffer.from(out);
}
