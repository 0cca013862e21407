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
  const scalar = decodeScalar(buf);
  return (scalar === NOT_SCALAR ? codec().unpack(buf) : scalar) as T;
}

const NOT_SCALAR = Symbol('not a scalar');

/**
 * The log's bookkeeping values (head, origin, seqs) are single numbers and strings: read
 * those straight from their msgpack encoding, so opening a log does not load msgpackr.
 * Anything else, or a buffer with bytes after the value, goes to msgpackr.
 */
function decodeScalar(buf: Uint8Array): unknown {
  const n = buf.length;
  if (n === 0) return NOT_SCALAR;
  const t = buf[0]!;
  const view = () => new DataView(buf.buffer, buf.byteOffset, n);
  const str = (start: number, len: number) => (start + len === n ? Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('utf8') : NOT_SCALAR);
  if (t <= 0x7f) return n === 1 ? t : NOT_SCALAR;
  if (t >= 0xe0) return n === 1 ? t - 0x100 : NOT_SCALAR;
  if (t >= 0xa0 && t <= 0xbf) return str(1, t - 0xa0);
  switch (t) {
    case 0xc0:
      return n === 1 ? null : NOT_SCALAR;
    case 0xc2:
      return n === 1 ? false : NOT_SCALAR;
    case 0xc3:
      return n === 1 ? true : NOT_SCALAR;
    case 0xcc:
      return n === 2 ? buf[1] : NOT_SCALAR;
    case 0xcd:
      return n === 3 ? view().getUint16(1) : NOT_SCALAR;
    case 0xce:
      return n === 5 ? view().getUint32(1) : NOT_SCALAR;
    case 0xd0:
      return n === 2 ? view().getInt8(1) : NOT_SCALAR;
    case 0xd1:
      return n === 3 ? view().getInt16(1) : NOT_SCALAR;
    case 0xd2:
      return n === 5 ? view().getInt32(1) : NOT_SCALAR;
    case 0xcb:
      return n === 9 ? view().getFloat64(1) : NOT_SCALAR;
    case 0xd9:
      return n >= 2 ? str(2, buf[1]!) : NOT_SCALAR;
    case 0xda:
      return n >= 3 ? str(3, view().getUint16(1)) : NOT_SCALAR;
    default:
      return NOT_SCALAR; // 64-bit integers (msgpackr may read them as BigInt), float32, containers, extensions
  }
}
