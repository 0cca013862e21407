import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRemoteSession } from '../../engine/replication/resolve-remote.js';
import type { SfsError } from '../../engine/errors.js';

const listed = ['ses_abcd1111', 'ses_abcd2222', 'ses_beef0001', 'ses_beef0001'];

test('resolveRemoteSession: exact id, prefix with or without ses_, ambiguity, too short', () => {
  assert.equal(resolveRemoteSession('ses_abcd1111', listed), 'ses_abcd1111');
  assert.equal(resolveRemoteSession('beef', listed), 'ses_beef0001', 'listed twice (two spaces) is still one session');
  assert.equal(resolveRemoteSession('ses_ABCD2', listed), 'ses_abcd2222');
  assert.equal(resolveRemoteSession('ses_zzzz9999zz', listed), 'ses_zzzz9999zz', 'a full id beyond the listing goes to the relay as is');
  assert.throws(
    () => resolveRemoteSession('abcd', listed),
    (e: SfsError) => {
      assert.equal(e.code, 'AMBIGUOUS');
      assert.equal(e.message, '"abcd" matches 2 sessions: ses_abcd1111, ses_abcd2222');
      assert.deepEqual(e.details, { candidates: ['ses_abcd1111', 'ses_abcd2222'] });
      return true;
    },
  );
  assert.throws(
    () => resolveRemoteSession('abc', listed),
    (e: SfsError) => e.code === 'NOT_FOUND' && /at least 4 characters/.test(e.message),
  );
  assert.throws(
    () => resolveRemoteSession('cafe', listed),
    (e: SfsError) => e.code === 'NOT_FOUND' && /no session on the relay matches "cafe"/.test(e.message),
  );
});
