import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { decode, encode, encodeSmall } from '../../../engine/log/codec.js';

// The codec reads single numbers and strings itself (so opening a log does not load msgpackr):
// every such value must read back exactly as msgpackr reads it.
const msgpackr = new Packr({ useRecords: false, mapsAsObjects: true });

test('scalars decode exactly as msgpackr decodes them, at every encoding width', () => {
  const values: unknown[] = [
    0,
    1,
    127,
    128,
    255,
    256,
    65_535,
    65_536,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 40 + 3,
    Number.MAX_SAFE_INTEGER,
    -1,
    -32,
    -33,
    -128,
    -129,
    -32_768,
    -32_769,
    -(2 ** 31),
    -(2 ** 31) - 1,
    -(2 ** 40),
    0.5,
    -1.25,
    1e300,
    Math.PI,
    '',
    'a',
    'x'.repeat(31),
    'x'.repeat(32),
    'é✓',
    'y'.repeat(255),
    'y'.repeat(256),
    'z'.repeat(70_000),
    'org_01HXYZ',
    null,
    true,
    false,
  ];
  for (const v of values) {
    const bytes = encode(v);
    assert.deepEqual(decode(bytes), msgpackr.unpack(bytes), `value ${String(v).slice(0, 20)}`);
    assert.deepEqual(decode(bytes), v);
    assert.deepEqual(decode(msgpackr.pack(v)), msgpackr.unpack(msgpackr.pack(v)));
  }
});

test('containers and values with trailing bytes go to msgpackr', () => {
  for (const v of [[1, 2], { a: 'b' }, [], {}, ['org', 3]]) assert.deepEqual(decode(encode(v)), v);
  // A scalar followed by more bytes is not one value: msgpackr refuses it, and so does decode.
  for (const bad of [Buffer.concat([encode(5), encode(6)]), Buffer.concat([encode('ab'), Buffer.from([1])]), encode(300).subarray(0, 2)]) {
    assert.throws(() => msgpackr.unpack(bad));
    assert.throws(() => decode(bad));
  }
});

test('small maps and arrays (log frames, bookkeeping) decode exactly as msgpackr decodes them', () => {
  const scalar = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.double({ noNaN: true }), fc.string(), fc.constantFrom(null, true, false));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 5 })),
  })).v;
  fc.assert(
    fc.property(value, (v) => {
      for (const bytes of [encode(v), msgpackr.pack(v)]) assert.deepEqual(decode(bytes), msgpackr.unpack(bytes));
    }),
    { numRuns: 2000 },
  );
  // A frame as the log server writes it, and a greeting.
  for (const v of [{ hello: 1 }, { id: 7, ok: true, result: 12_345 }, { id: 8, ok: false, error: { code: 'STORE_BUSY', message: 'closing' } }]) {
    assert.deepEqual(decode(encode(v)), v);
  }
});

test('encodeSmall writes msgpack that msgpackr reads as encode would, and declines what it does not cover', () => {
  const scalar = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.double(), fc.string(), fc.constantFrom(null, true, false, undefined));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 5 })),
  })).v;
  let covered = 0;
  fc.assert(
    fc.property(value, (v) => {
      const small = encodeSmall(v);
      if (!small) return;
      covered++;
      assert.ok(small.length <= 256);
      assert.deepEqual(msgpackr.unpack(small), decode(encode(v)));
      assert.deepEqual(decode(small), decode(encode(v)));
    }),
    { numRuns: 2000 },
  );
  assert.ok(covered > 1000, `only ${covered} values covered`);
  assert.equal(encodeSmall('x'.repeat(300)), undefined);
  assert.equal(encodeSmall({ big: 2 ** 40 }) === undefined, false); // float64 covers it
  assert.equal(encodeSmall(new Date()), undefined);
  assert.equal(encodeSmall(Buffer.from('ab')), undefined);
  assert.deepEqual(decode(encodeSmall({ id: 3, op: 'head', args: [] })!), { id: 3, op: 'head', args: [] });
});
