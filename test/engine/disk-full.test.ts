import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskFullError, isDiskFull } from '../../engine/disk-full.js';
import { ERROR_CODES, SfsError, toSfsError } from '../../engine/errors.js';

test('a full disk is recognised whichever layer reports it', () => {
  // Node: errno codes.
  assert.ok(isDiskFull(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
  assert.ok(isDiskFull(Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' })));
  // LevelDB (classic-level): only the text says it, sometimes in the cause.
  assert.ok(isDiskFull(Object.assign(new Error('IO error: /s/log/000005.ldb: No space left on device'), { code: 'LEVEL_IO_ERROR' })));
  assert.ok(isDiskFull(new Error('Database failed to open', { cause: new Error('IO error: /s/log/MANIFEST-000007: No space left on device') })));
  // SQLite: SQLITE_FULL for a write.
  assert.ok(isDiskFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })));
  // Not a full disk.
  assert.ok(!isDiskFull(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' })));
  assert.ok(!isDiskFull(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })));
  // A bare SQLite I/O error counts only when the volume under the path is really full.
  assert.ok(!isDiskFull(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHMSIZE' }), '/'));
});

test('DISK_FULL has its own exit code; file writes that hit ENOSPC or EDQUOT map to it with their path', () => {
  assert.equal(ERROR_CODES.DISK_FULL, 12);
  const write = toSfsError(Object.assign(new Error("ENOSPC: no space left on device, write '/x/out.md'"), { code: 'ENOSPC', path: '/x/out.md' }));
  assert.equal(write.code, 'DISK_FULL');
  assert.equal(write.exitCode, 12);
  assert.match(write.message, /^the disk is full: cannot write \/x\/out\.md \(ENOSPC\)/);
  assert.equal(write.details?.path, '/x/out.md');
  assert.equal(toSfsError(Object.assign(new Error('EDQUOT'), { code: 'EDQUOT' })).code, 'DISK_FULL');
  assert.equal(toSfsError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })).code, 'DISK_FULL');
  assert.equal(toSfsError(Object.assign(new Error('EACCES'), { code: 'EACCES' })).code, 'IO', 'other errno codes stay IO');
  const e = diskFullError('/x/log', new Error('No space left on device'), 'write to the event log at', 2_500_000);
  assert.ok(e instanceof SfsError);
  assert.match(
    e.message,
    /^the disk is full: cannot write to the event log at \/x\/log \(.* free; at least 2\.5 MB free needed\); free some space and try again$/,
  );
  assert.equal(e.details?.needed_bytes, 2_500_000);
});
