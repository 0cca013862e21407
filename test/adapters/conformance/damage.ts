import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Bad-input generators for the conformance suite. They work on bytes so that invalid
 * UTF-8 and half-written lines reach the adapter exactly as a crashing tool would leave them.
 */

/** Deterministic PRNG so a failure reproduces. */
export { rng } from '../../../bench/rng.js';

/** Byte offsets just after each newline (line starts), including 0. */
export function lineStarts(buf: Buffer): number[] {
  const out = [0];
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) if (i + 1 < buf.length) out.push(i + 1);
  return out;
}

/** The line boundary closest to the middle (never 0 or the end when the file has two lines or more). */
export function middleLineBoundary(buf: Buffer): number {
  const starts = lineStarts(buf).filter((s) => s > 0);
  if (starts.length === 0) return Math.floor(buf.length / 2);
  return starts.reduce((best, s) => (Math.abs(s - buf.length / 2) < Math.abs(best - buf.length / 2) ? s : best));
}

/** Garbage lines; the first `INVALID_JSON` of them are not JSON at all (each must be reported). */
export const INVALID_JSON = 4;
export function garbageLines(rand: () => number): Buffer[] {
  const noise = Buffer.alloc(40);
  for (let i = 0; i < noise.length; i++) {
    let b = Math.floor(rand() * 256);
    if (b === 10 || b === 13) b = 0x41;
    noise[i] = b;
  }
  noise[0] = 0x7e; // never a valid JSON start
  return [
    noise,
    Buffer.from('{"type":"user","message":{"role":"user","content":"cut'),
    Buffer.from('<<<<<<< HEAD'),
    Buffer.from('\x00\x00\x00\x00'),
    Buffer.from('null'),
    Buffer.from('[]'),
    Buffer.from('42'),
    Buffer.from('"just a string"'),
    Buffer.from('{}'),
    Buffer.from('{"type":null,"message":null,"payload":null,"data":null}'),
  ];
}

/** Inserts each garbage line at a random line boundary. */
export function withGarbage(buf: Buffer, lines: Buffer[], rand: () => number): Buffer {
  const starts = lineStarts(buf);
  const at = new Map<number, Buffer[]>();
  for (const g of lines) {
    const s = starts[Math.floor(rand() * starts.length)]!;
    at.set(s, [...(at.get(s) ?? []), g]);
  }
  const parts: Buffer[] = [];
  let prev = 0;
  for (const s of [...at.keys()].sort((a, b) => a - b)) {
    parts.push(buf.subarray(prev, s));
    for (const g of at.get(s)!) parts.push(g, Buffer.from('\n'));
    prev = s;
  }
  parts.push(buf.subarray(prev));
  return Buffer.concat(parts);
}

/**
 * Puts invalid UTF-8 (raw 0xFF, a broken 2-byte sequence, a CESU-encoded surrogate) and
 * escaped lone surrogates at the end of the first `count` `"text"`/`"content"` string
 * values, so the JSON stays valid and no record changes kind.
 */
export function withBadText(buf: Buffer, count = 4): { buf: Buffer; changed: number } {
  const bad = [Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\\ud800x\\udc00'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\\udfff')];
  const parts: Buffer[] = [];
  let from = 0;
  let changed = 0;
  const re = /"(text|content)"\s*:\s*"/g;
  const latin = buf.toString('latin1'); // 1 char per byte, so indexes are byte offsets
  for (let m = re.exec(latin); m && changed < count; m = re.exec(latin)) {
    let i = m.index + m[0].length;
    for (; i < latin.length; i++) {
      if (latin[i] === '\\') i++;
      else if (latin[i] === '"') break;
    }
    if (i >= latin.length) break;
    parts.push(buf.subarray(from, i), bad[changed % bad.length]!);
    from = i;
    changed++;
    re.lastIndex = i;
  }
  parts.push(buf.subarray(from));
  return { buf: Buffer.concat(parts), changed };
}

export const BIG_LINE_BYTES = 100 * 1024 * 1024;

/**
 * Writes `before`, then one 100 MB line, then `after`, streaming the big line in 1 MB
 * pieces. `wrap` gives the JSON around the padding: a record for JSONL files, or an
 * extra field inside the first object of a JSON document.
 */
export function writeWithBigLine(file: string, before: Buffer, open: string, close: string, after: Buffer): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, before);
    writeSync(fd, Buffer.from(open));
    const piece = Buffer.alloc(1024 * 1024, 0x61);
    for (let n = 0; n < BIG_LINE_BYTES; n += piece.length) writeSync(fd, piece);
    writeSync(fd, Buffer.from(close));
    writeSync(fd, after);
  } finally {
    closeSync(fd);
  }
}

/** Nesting that JSON.parse accepts and every recursive walk after it (validation, msgpack, clones) overflows on. */
export const DEEP = 100_000;
export const deepArray = (depth = DEEP): string => '['.repeat(depth) + ']'.repeat(depth);
