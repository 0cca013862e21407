import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { packStamp, packStampValue } from '../../../engine/projections/fold.js';

// The insert of a new message packs its stamps in JS; every other write packs them in SQL. Both must store the same.
const SQL = packStamp('@stamp');

test('packStampValue stores what the SQL packStamp stores', () => {
  const db = new Database(':memory:');
  const sql = db.prepare(`SELECT ${SQL} AS v`).pluck();
  const ord = 'org_abc:000000000042:000007';
  const cases: Array<string | null> = [
    null,
    '000001767225600:org_abc:000000000042', // same origin:seq as ord: time only
    '000001767225600:org_abc:000000000043', // another event
    '000001767225600:org_abd:000000000042', // another origin
    '000001767225600:org_abc:00000000004', // a prefix of it
    '000001767225600', // already packed
    '000001767225600x',
    '',
  ];
  for (const stamp of cases) assert.equal(packStampValue(stamp, ord), sql.get({ stamp, ord }), String(stamp));
  assert.equal(packStampValue('000001767225600:org_abc:000000000042', ord), '000001767225600');
  db.close();
});
