import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NotRegularFileError, openRegularFile, openRegularFileSync, readRegularFile, readRegularFileSync } from '../../../engine/capture/regular-file.js';
import { readLines } from '../../../engine/capture/jsonl-reader.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * A FIFO (no writer) would block open(2) forever, and with it the thread that opened it.
 * These tests would hang, not fail, without the helper: the runner's timeout ends them.
 */
test('a FIFO is refused without blocking, by every entry point, naming its kind', { timeout: 20_000 }, async (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, 'events.jsonl');
  execFileSync('mkfifo', [fifo]);
  const refused = { name: 'NotRegularFileError', message: 'not a regular file (FIFO)' };
  await assert.rejects(openRegularFile(fifo), refused);
  await assert.rejects(readRegularFile(fifo), refused);
  assert.throws(() => openRegularFileSync(fifo), refused);
  assert.throws(() => readRegularFileSync(fifo), refused);
  await assert.rejects(async () => {
    for await (const _ of readLines(fifo)) void _;
  }, refused);
});

test('a directory is refused; a regular file is read; a missing one keeps its ENOENT', async (t) => {
  const dir = tempDir(t);
  const sub = path.join(dir, 'sub');
  mkdirSync(sub);
  await assert.rejects(openRegularFile(sub), (e: unknown) => e instanceof NotRegularFileError && e.kind === 'directory' && e.path === sub);
  const file = path.join(dir, 'a.json');
  writeFileSync(file, '{"a":1}');
  assert.equal((await readRegularFile(file)).toString(), '{"a":1}');
  assert.equal(readRegularFileSync(file).toString(), '{"a":1}');
  await assert.rejects(readRegularFile(file, 3), /too large/);
  await assert.rejects(readRegularFile(path.join(dir, 'missing')), { code: 'ENOENT' });
});
