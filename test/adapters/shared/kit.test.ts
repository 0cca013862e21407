import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { anthropicBlocks } from '../../../adapters/shared/anthropic-content.js';
import { derivedMsgId, derivedPrefixedId } from '../../../adapters/shared/ids.js';
import { parseArrayLeniently } from '../../../adapters/shared/lenient-array.js';
import { pathFor } from '../../../adapters/shared/paths.js';
import { cleanStrings, isoTime, isoTimeOrEpoch, num, numOrNull, optStr, str, strOrNull } from '../../../adapters/shared/values.js';

test('lenient arrays keep the good elements of a broken or cut-off array', () => {
  assert.deepEqual(parseArrayLeniently('[1, {"a": "],"}, [2,'), { items: [1, { a: '],' }], bad: [], truncated: true });
});

test('value helpers: one contract per name', () => {
  assert.deepEqual([str('a'), str(''), str(1), str(null)], ['a', '', '', '']);
  assert.deepEqual([strOrNull('a'), strOrNull(''), strOrNull(1)], ['a', '', null]);
  assert.deepEqual([optStr('a'), optStr(''), optStr(1)], ['a', null, null]);
  assert.deepEqual([num(1), num(NaN), num('1')], [1, undefined, undefined]);
  assert.deepEqual([numOrNull(1), numOrNull(Infinity), numOrNull('1')], [1, null, null]);
  // isoTime keeps an RFC 3339 time as written and reads no numbers; isoTimeOrEpoch normalises both
  assert.equal(isoTime('2026-01-02T03:04:05+02:00'), '2026-01-02T03:04:05+02:00');
  assert.equal(isoTime(1_700_000_000), null);
  assert.equal(isoTimeOrEpoch('2026-01-02T03:04:05+02:00'), '2026-01-02T01:04:05.000Z');
  assert.equal(isoTimeOrEpoch(1_700_000_000), '2023-11-14T22:13:20.000Z');
  assert.equal(isoTimeOrEpoch('Jan 2 2026'), null);
});

test('derived ids are pinned byte for byte: stored messages are keyed by them', () => {
  assert.equal(derivedMsgId('ses-1', 'ui:1700000000000:say:text'), 'msg_cbca42984668f789d10a749e');
  assert.equal(derivedPrefixedId('msg', 'ses-1', 'line:3'), 'msg_6aec576d9e8edee5966a738f22e6ac84');
});

test('pathFor picks the platform of the store', () => {
  assert.equal(pathFor('win32'), path.win32);
  assert.equal(pathFor('linux'), path.posix);
  assert.equal(pathFor('darwin'), path.posix);
});

test('Anthropic blocks: the strict and lenient rules agree on well-formed blocks and differ, on purpose, on broken ones', () => {
  const good = [
    { type: 'text', text: 'hi' },
    { type: 'thinking', thinking: 't', signature: 's' },
    { type: 'tool_use', id: 'toolu_1', name: 'read', input: { p: 1 } },
    { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'ok' }], is_error: true },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } },
  ];
  assert.deepEqual(anthropicBlocks(good, 'strict'), anthropicBlocks(good, 'lenient'));
  // empty text
  assert.deepEqual(anthropicBlocks('', 'strict'), [{ type: 'text', text: '' }]);
  assert.deepEqual(anthropicBlocks('', 'lenient'), []);
  // a tool call without its id
  assert.deepEqual(anthropicBlocks([{ type: 'tool_use', name: 'x' }], 'strict'), [{ type: 'malformed_tool_use', value: { type: 'tool_use', name: 'x' } }]);
  assert.deepEqual(anthropicBlocks([{ type: 'tool_use', call_id: 'c1', name: 'x' }], 'lenient'), [
    { type: 'tool_use', tool_use_id: 'c1', name: 'x', input: {} },
  ]);
  // '' is a value (strict) or absent (lenient)
  assert.equal((anthropicBlocks([{ type: 'thinking', thinking: '', text: 'b' }], 'strict')[0] as { text: string }).text, '');
  assert.equal((anthropicBlocks([{ type: 'thinking', thinking: '', text: 'b' }], 'lenient')[0] as { text: string }).text, 'b');
  // redacted thinking: the key order each adapter has always stored (the content hash sees it)
  assert.equal(
    JSON.stringify(anthropicBlocks([{ type: 'redacted_thinking', data: 'x' }], 'strict')),
    '[{"type":"thinking","text":"","redacted":true,"signature":"x"}]',
  );
  assert.equal(
    JSON.stringify(anthropicBlocks([{ type: 'redacted_thinking', data: 'x' }], 'lenient')),
    '[{"type":"thinking","text":"","signature":"x","redacted":true}]',
  );
});

test('cleanStrings replaces lone surrogates, returns a value without any as it is, and never changes its input', () => {
  const clean = { a: 'x', b: [1, { c: 'y' }], d: null };
  assert.equal(cleanStrings(clean), clean);
  const bad = { a: 'x', b: [1, { c: 'y\uD800' }, { e: 'z' }], ['k\uDC00']: 1 };
  const out = cleanStrings(bad);
  assert.deepEqual(out, { a: 'x', b: [1, { c: 'y\uFFFD' }, { e: 'z' }], 'k\uFFFD': 1 });
  assert.equal(bad.b[1] && (bad.b[1] as { c: string }).c, 'y\uD800', 'the input is left as it was');
  assert.equal(out.b[2], bad.b[2], 'what holds no lone surrogate is shared');
});
