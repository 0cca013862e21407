import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonTextTooDeep, MAX_JSON_DEPTH, parseJsonBounded, valueTooDeep } from '../../../engine/capture/json-depth.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

test('jsonTextTooDeep: the limit is inclusive; brackets inside strings do not count', () => {
  assert.equal(jsonTextTooDeep(nested(MAX_JSON_DEPTH)), false);
  assert.equal(jsonTextTooDeep(nested(MAX_JSON_DEPTH + 1)), true);
  assert.equal(jsonTextTooDeep(nested(100_000)), true);
  assert.equal(jsonTextTooDeep(`{"a":${nested(10)}}`, 11), false);
  assert.equal(jsonTextTooDeep(`{"a":${nested(11)}}`, 11), true);
  // 600 brackets, all inside strings (an escaped quote does not end the string).
  const inString = JSON.stringify({ text: `say \\" ${'['.repeat(300)}`, more: '{'.repeat(300) });
  assert.equal(jsonTextTooDeep(inString), false);
  // Many brackets side by side are not deep.
  assert.equal(jsonTextTooDeep(JSON.stringify(Array.from({ length: 2000 }, () => [{}]))), false);
});

test('parseJsonBounded: refuses a 100,000-deep document with a SyntaxError, parses the rest', () => {
  assert.throws(() => parseJsonBounded(nested(100_000)), { name: 'SyntaxError', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
  assert.deepEqual(parseJsonBounded('{"a":[1,{"b":2}]}'), { a: [1, { b: 2 }] });
  assert.throws(() => parseJsonBounded('{"a":'), SyntaxError);
});

test('valueTooDeep: iterative, so a 100,000-deep value is measured without overflowing the stack', () => {
  const deep = JSON.parse(nested(100_000));
  assert.equal(valueTooDeep(deep), true);
  assert.equal(valueTooDeep(JSON.parse(nested(MAX_JSON_DEPTH))), false);
  assert.equal(valueTooDeep({ a: JSON.parse(nested(MAX_JSON_DEPTH)) }), true);
  assert.equal(valueTooDeep('text'), false);
  assert.equal(valueTooDeep(null), false);
});
