import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorEnabled } from '../../cli/output.js';

test('colors only on a terminal or with FORCE_COLOR; NO_COLOR and TERM=dumb turn them off; CI alone does not', () => {
  assert.equal(colorEnabled({}, true), true);
  assert.equal(colorEnabled({}, false), false);
  assert.equal(colorEnabled({ CI: 'true' }, false), false);
  assert.equal(colorEnabled({ FORCE_COLOR: '1' }, false), true);
  assert.equal(colorEnabled({ FORCE_COLOR: '0' }, true), false);
  assert.equal(colorEnabled({ FORCE_COLOR: '0' }, false), false);
  assert.equal(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, true), false);
  assert.equal(colorEnabled({ TERM: 'dumb' }, true), false);
});
