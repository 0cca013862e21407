import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fakeHome } from '../helpers/fake-home.js';

/**
 * The projections file is a cache of the log: when it is damaged the next command
 * rebuilds it (one note on stderr) instead of failing every command until doctor --fix.
 */
test('damaged projections: garbage, a cut header or damaged pages are rebuilt from the log by the next command, with a note; a damaged table page met mid-command is STORE_CORRUPT and the next command rebuilds', async (t) => {
  const h = fakeHome(t);
  const imported = await h.run(['import', '--all']);
  assert.equal(imported.code, 0, imported.stderr);
  const before = await h.json(['list']);
  assert.ok(before.sessions.length >= 6, JSON.stringify(before.sessions.length));
  const file = path.join(h.sfsHome, 'data', 'projections.sqlite');
  const ids = before.sessions.map((s: { id: string }) => s.id).sort();

  const damages: Array<[string, () => void]> = [
    ['garbage bytes', () => writeFileSync(file, randomBytes(64 * 1024))],
    ['a cut header', () => truncateSync(file, 40)],
    // The 100-byte header is intact, so SQLite opens it and finds the damage in the first query.
    [
      'damaged pages',
      () => {
        const bytes = readFileSync(file);
        randomBytes(bytes.length - 100).copy(bytes, 100);
        writeFileSync(file, bytes);
      },
    ],
  ];
  for (const [what, damage] of damages) {
    damage();
    const r = await h.run(['list', '--json']);
    assert.equal(r.code, 0, `${what}: ${r.stdout} ${r.stderr}`);
    assert.deepEqual(
      JSON.parse(r.stdout)
        .data.sessions.map((s: { id: string }) => s.id)
        .sort(),
      ids,
      what,
    );
    const notes = r.stderr.split('\n').filter(Boolean);
    assert.equal(notes.length, 1, `${what}: one note, got ${r.stderr}`);
    assert.match(notes[0]!, /^sfs: the projections file .*projections\.sqlite was damaged \(.+\); rebuilding it from the log$/, what);
    const next = await h.run(['show', ids[0], '--json']);
    assert.equal(next.code, 0, `${what}: ${next.stderr}`);
    assert.equal(next.stderr, '', `${what}: rebuilt once, no note on the next command`);
  }

  // A damaged table page that opening does not read: the command that meets it fails with
  // STORE_CORRUPT naming the file, and the next command rebuilds it.
  const db = new Database(file, { readonly: true });
  const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'sessions'").get() as { rootpage: number }).rootpage;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const bytes = readFileSync(file);
  randomBytes(pageSize).copy(bytes, (root - 1) * pageSize);
  writeFileSync(file, bytes);
  const met = await h.run(['list', '--json']);
  assert.equal(met.code, 9, met.stdout + met.stderr);
  const err = JSON.parse(met.stdout).error;
  assert.equal(err.code, 'STORE_CORRUPT');
  assert.match(err.message, /^the projections file .*projections\.sqlite was damaged \(.+\); it was deleted and the next command rebuilds it from the log$/);
  const rebuilt = await h.json(['list']);
  assert.deepEqual(rebuilt.sessions.map((s: { id: string }) => s.id).sort(), ids);
});
