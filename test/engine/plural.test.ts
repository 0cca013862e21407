import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural } from '../../engine/plural.js';

test('plural: one is singular, zero and many are plural, irregular plurals are passed', () => {
  assert.equal(plural(1, 'session'), '1 session');
  assert.equal(plural(0, 'session'), '0 sessions');
  assert.equal(plural(2, 'new session'), '2 new sessions');
  assert.equal(plural(1, 'entry', 'entries'), '1 entry');
  assert.equal(plural(3, 'entry', 'entries'), '3 entries');
});
