import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes } from '../../cli/commands/relay.js';

test('sfs relay start --quota-bytes takes sizes with units and refuses anything else', () => {
  assert.equal(parseBytes('10G'), 10 * 1024 ** 3);
  assert.equal(parseBytes('500M'), 500 * 1024 ** 2);
  assert.equal(parseBytes('64KiB'), 65_536);
  assert.equal(parseBytes('1048576'), 1_048_576);
  assert.throws(
    () => parseBytes('lots'),
    (e: Error & { code?: string }) => e.code === 'USAGE' && /not a size/.test(e.message),
  );
});
