import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tar } from '../../../server/dashboard/tar.js';
import { tempDir } from '../../helpers/tmp.js';

test('tar: the system tar reads it back, names over 100 bytes (pax) and non-ASCII included; unsafe names are refused', (t) => {
  const dir = tempDir(t);
  const long = `${'deep/'.repeat(40)}fïlé-${'x'.repeat(120)}.jsonl`;
  const entries = [
    { path: 'a.sfs/manifest.json', data: Buffer.from('{"a":1}\n') },
    { path: long, data: Buffer.alloc(1500, 7) },
    { path: 'empty', data: Buffer.alloc(0) },
  ];
  const file = path.join(dir, 'x.tar');
  writeFileSync(file, tar(entries));
  execFileSync('tar', ['-xf', file, '-C', dir]);
  for (const e of entries) assert.deepEqual(readFileSync(path.join(dir, e.path)), e.data, e.path);
  for (const bad of ['../x', '/etc/passwd/../x', 'a//b', './a']) assert.throws(() => tar([{ path: bad, data: Buffer.alloc(1) }]), /bad tar entry/, bad);
});
