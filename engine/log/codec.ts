import { Packr } from 'msgpackr';

/**
 * msgpack codec for log values. Plain maps (no record extension) so any msgpack reader
 * can decode a log; `undefined` properties are dropped like JSON.stringify does, so a
 * value reads back equal to what its JSON form would be.
 */
// skipValues is supported by msgpackr but missing from its type declarations.
const packr = new Packr({ useRecords: false, skipValues: [undefined], mapsAsObjects: true } as ConstructorParameters<typeof Packr>[0]);

export function encode(value: unknown): Buffer {
  return packr.pack(value);
}

export function decode<T = unknown>(buf: Uint8Array): T {
  return packr.unpack(buf) as T;
}
