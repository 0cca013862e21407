import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readLines, type JsonlLine } from '../../../engine/capture/jsonl-reader.js';
import { tempDir } from '../../helpers/tmp.js';

async function all(file: string, opts: Parameters<typeof readLines>[1]): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const l of readLines(file, opts)) out.push(l);
  return out;
}

test('readLines: a line over the limit is yielded empty with its size, so a cursor moves past it', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'a.jsonl');
  const long = 'x'.repeat(1000);
  writeFileSync(file, `{"a":1}\n${long}\n{"b":2}\n${long}\n`);
  const firstEnd = 8;
  const longEnd = firstEnd + long.length + 1;
  const expected: JsonlLine[] = [
    { line: 1, end: firstEnd, text: '{"a":1}' },
    { line: 2, end: longEnd, text: '', skipped: long.length + 1 },
    { line: 3, end: longEnd + 8, text: '{"b":2}' },
    // The last line of the file: skipped too, and its end is the end of the file.
    { line: 4, end: longEnd + 8 + long.length + 1, text: '', skipped: long.length + 1 },
  ];
  // Within one read chunk, and spread over many.
  for (const chunkBytes of [1024 * 1024, 64]) {
    assert.deepEqual(await all(file, { maxLineBytes: 100, chunkBytes }), expected, `chunks of ${chunkBytes} bytes`);
  }
  // Under the limit the same line is read whole.
  assert.equal((await all(file, { maxLineBytes: 1000, chunkBytes: 64 }))[1]!.text, long);
});
