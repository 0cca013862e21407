import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from '../server/backends.js';
import { newSfs, writeSfs, type GenMessage, type Sfs } from '../helpers/cli.js';
import { signIn } from '../replication/helpers.js';
import type { Relay } from '../../server/relay.js';

const make = (await backends()).at(-1)!;

const OLD1 = 'ses_prunedold00001';
const OLD2 = 'ses_prunedold00002';
const UNSYNCED = 'ses_notsynced00001';
const RECENT = 'ses_recentwork0001';

/** A session with enough text (150 messages of about 2 KB) that evicting it frees measurable space. */
function bulky(word: string, at: string, n = 150): GenMessage[] {
  return Array.from(
    { length: n },
    (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `${word} ${i} ` + 'lorem ipsum dolor sit amet '.repeat(75), at }) as GenMessage,
  );
}

/**
 * storage prune is local (DESIGN §15): two stores of one account synced through a relay;
 * pruning on A evicts A's copies only, keeps what the relay does not hold, and sync does not
 * fetch the evicted sessions back until `sfs pull`.
 */
describe('sfs storage prune evicts local copies only', { concurrency: false }, () => {
  let backend: Backend;
  let relay: Relay;
  let a: Sfs;
  let b: Sfs;
  const ids = async (s: Sfs, ...args: string[]) => (await s.ok(['list', ...args])).sessions.map((x: { id: string }) => x.id).sort();

  before(async () => {
    backend = await make();
    relay = await relayOn(backend);
    const alice = await signup(relay, 'prunealice');
    a = newSfs();
    b = newSfs();
    signIn(a.home, relay.url, alice.token, 'prunealice');
    signIn(b.home, relay.url, alice.token, 'prunealice');
    const old = '2025-01-01T00:00:00.000Z';
    writeSfs(a.path('old1.sfs'), { session_id: OLD1, created_at: old, title: 'old one', messages: bulky('zebrafish', old) });
    writeSfs(a.path('old2.sfs'), { session_id: OLD2, created_at: old, title: 'old two', messages: bulky('axolotl', old) });
    writeSfs(a.path('recent.sfs'), { session_id: RECENT, created_at: new Date().toISOString(), title: 'recent' });
    await a.ok(['import', a.path('old1.sfs'), a.path('old2.sfs'), a.path('recent.sfs')]);
    await a.ok(['sync', 'now']);
    await b.ok(['sync', 'now']);
    // Captured on A after its last sync: exists nowhere else.
    writeSfs(a.path('unsynced.sfs'), { session_id: UNSYNCED, created_at: old, title: 'not synced', messages: bulky('narwhal', old, 10) });
    await a.ok(['import', a.path('unsynced.sfs')]);
  });
  after(async () => {
    a?.dispose();
    b?.dispose();
    await relay?.close();
    await backend?.drop();
  });

  test('without a terminal and without --yes it refuses and evicts nothing', async () => {
    const { message } = await a.fails(['storage', 'prune', '--older-than', '30d'], 'USAGE', 2);
    assert.match(message, /storage prune needs --yes when there is no terminal.*2 sessions would be evicted/);
    assert.deepEqual(await ids(a), [OLD1, OLD2, UNSYNCED, RECENT].sort());
    assert.deepEqual(await ids(a, '--evicted'), []);
  });

  test('the dry run names what would be evicted and what is kept because the relay does not hold it', async () => {
    const dry = await a.ok(['storage', 'prune', '--older-than', '30d', '--dry-run']);
    assert.equal(dry.dryRun, true);
    assert.equal(dry.signed_in, true);
    assert.deepEqual(dry.evicted.map((c: { id: string }) => c.id).sort(), [OLD1, OLD2]);
    assert.deepEqual(
      dry.kept_unsynced.map((c: { id: string }) => c.id),
      [UNSYNCED],
    );
    assert.ok(dry.evicted.every((c: { message_bytes: number }) => c.message_bytes > 150 * 2000));
    const out = await a.out(['storage', 'prune', '--older-than', '30d', '--dry-run']);
    assert.match(out, /^2 sessions \(\d+\.\d [KM]iB of messages\) would be evicted from this machine \(dry run\)\.$/m);
    assert.match(out, /^1 session not yet synced to http:\/\/\S+ was kept \(sfs sync now, then prune again\)$/m);
  });

  test('--yes evicts from A only: B and the relay keep everything, A frees space on disk', async () => {
    const done = await a.ok(['storage', 'prune', '--older-than', '30d', '--yes']);
    assert.deepEqual(done.evicted.map((c: { id: string }) => c.id).sort(), [OLD1, OLD2]);
    assert.deepEqual(
      done.kept_unsynced.map((c: { id: string }) => c.id),
      [UNSYNCED],
    );
    // Measured on disk, not estimated: about 600 KB of message text went (stored compressed: this repetitive text to a sixth or less).
    assert.ok(done.freed_bytes > 50_000, `freed ${done.freed_bytes} bytes (${done.bytes_before} → ${done.bytes_after})`);
    assert.equal(done.bytes_before - done.bytes_after, done.freed_bytes);
    console.log(`prune freed ${done.freed_bytes} bytes: store ${done.bytes_before} → ${done.bytes_after}`);

    assert.deepEqual(await ids(a), [UNSYNCED, RECENT].sort());
    assert.deepEqual(await ids(a, '--evicted'), [OLD1, OLD2]);
    assert.deepEqual((await a.ok(['search', 'zebrafish'])).hits, []);
    assert.equal((await a.ok(['show', UNSYNCED])).messages.total, 10, 'the unsynced session is intact');
    assert.equal((await a.ok(['storage'])).evicted, 2);

    // Nothing was replicated: the relay holds every event with its body, and no purge.
    const rows = await relay.rdb.db.selectFrom('events').select(['type', 'body']).where('session', 'in', [OLD1, OLD2]).execute();
    assert.ok(rows.length >= 4);
    assert.ok(rows.every((r) => r.type !== 'session.purged' && r.body !== null));
    await a.ok(['sync', 'now']);
    const after = await relay.rdb.db.selectFrom('events').select(['type', 'body']).where('session', 'in', [OLD1, OLD2]).execute();
    assert.ok(
      after.every((r) => r.type !== 'session.purged' && r.body !== null),
      'a later sync of A sends no empty copies',
    );
    await b.ok(['sync', 'now']);
    assert.deepEqual(await ids(b), [OLD1, OLD2, UNSYNCED, RECENT].sort(), 'B has all, the one A kept (and synced since) too');
    assert.equal((await b.ok(['show', OLD1])).messages.total, 150);
    assert.deepEqual([...new Set((await b.ok(['search', 'zebrafish'])).hits.map((h: { session_id: string }) => h.session_id))], [OLD1]);
  });

  test("A's sync does not fetch an evicted session back; sfs pull restores it whole", async () => {
    // B goes on with OLD1 (one more message) and syncs.
    const old = '2025-01-01T00:00:00.000Z';
    writeSfs(b.path('old1.sfs'), {
      session_id: OLD1,
      created_at: old,
      title: 'old one',
      messages: [...bulky('zebrafish', old), { role: 'user', text: 'continued on B', at: old }],
    });
    await b.ok(['import', b.path('old1.sfs')]);
    assert.equal((await b.ok(['show', OLD1])).messages.total, 151);
    await b.ok(['sync', 'now']);

    const synced = await a.ok(['sync', 'now']);
    assert.equal(synced.pulled, 0, 'the new event of an evicted session is not stored');
    assert.deepEqual(await ids(a, '--evicted'), [OLD1, OLD2]);
    assert.equal((await a.ok(['show', OLD1])).messages.total, 0);

    const pulled = await a.ok(['pull', OLD1]);
    assert.equal(pulled.restored, 1, 'the event that carried the 150 messages has its body back');
    assert.equal(pulled.written, 1, "B's new message");
    assert.deepEqual(await ids(a, '--evicted'), [OLD2]);
    assert.deepEqual(await ids(a), [OLD1, UNSYNCED, RECENT].sort());
    // Still evicted: export (and resume) refuse rather than write an empty session.
    assert.match(
      (await a.failsJson(['export', OLD2, '--format', 'md', '-o', '-'], 'NOT_FOUND', 3)).message,
      /evicted from this machine.*sfs pull ses_prunedold00002/,
    );
    const show = await a.ok(['show', OLD1]);
    assert.equal(show.messages.total, 151);
    assert.deepEqual([...new Set((await a.ok(['search', 'zebrafish'])).hits.map((h: { session_id: string }) => h.session_id))], [OLD1]);
    // The restored copy is what a rebuild of the projections gives.
    const before = await a.ok(['show', OLD1]);
    await a.ok(['index', 'rebuild']);
    assert.deepEqual(await a.ok(['show', OLD1]), before);
    assert.deepEqual(await ids(a, '--evicted'), [OLD2]);
  });
});
