import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolvePaths } from '../../engine/paths.js';
import { withStore } from '../../engine/store.js';
import { newSfs } from '../helpers/cli.js';

test('sfs project remove: the entry leaves listing, search, counts and a rebuild; the removal is an event, the add stays in the log', async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  const repo = sfs.path('app');
  mkdirSync(repo);
  execFileSync('git', ['init', '-q', repo]);
  execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'https://github.com/acme/app.git']);
  const o = { cwd: repo, env: { USER: 'dana' } };
  const keep = await sfs.ok(['project', 'add', 'decision', 'Sessions live in Redis, not Postgres.', '--title', 'Session store'], o);
  const drop = await sfs.ok(['project', 'add', 'bug', 'Redis eviction drops sessions under load.', '--tag', 'redis'], o);

  // the listing shows the ids to remove by
  const listed = await sfs.out(['project', 'knowledge'], o);
  assert.match(listed, new RegExp(`bug\\s+${drop.entry_id} `));

  const r = await sfs.ok(['project', 'remove', drop.entry_id.slice(0, 9), '--reason', 'fixed by maxmemory-policy'], o);
  assert.deepEqual(r, { project: 'github.com/acme/app', entry_id: drop.entry_id, removed: true });

  const search = await sfs.ok(['project', 'knowledge', 'redis'], o);
  assert.deepEqual(
    search.entries.map((e: { entry_id: string }) => e.entry_id),
    [keep.entry_id],
  );
  const all = await sfs.ok(['project', 'knowledge', '--kind', 'bug'], o);
  assert.deepEqual(all.entries, []);
  const shown = await sfs.ok(['project', 'show'], o);
  assert.deepEqual(shown.knowledge_counts, { decision: 1 });

  const again = await sfs.ok(['project', 'rm', drop.entry_id], o);
  assert.deepEqual(again, { project: 'github.com/acme/app', entry_id: drop.entry_id, removed: false });
  assert.match(await sfs.out(['project', 'rm', drop.entry_id], o), new RegExp(`${drop.entry_id} was already removed from github.com/acme/app`));

  await sfs.ok(['index', 'rebuild']);
  assert.deepEqual(
    (await sfs.ok(['project', 'knowledge', 'redis'], o)).entries.map((e: { entry_id: string }) => e.entry_id),
    [keep.entry_id],
  );
  assert.deepEqual((await sfs.ok(['project', 'show'], o)).knowledge_counts, { decision: 1 });

  // the log holds both events: nothing was updated in place
  const events = await withStore(
    async (store) => {
      const out: Array<{ type: string; body: any }> = [];
      for (const ev of await store.log.read(0, 100_000)) if (ev.type.startsWith('knowledge.')) out.push({ type: ev.type, body: ev.body });
      return out;
    },
    resolvePaths({ SFS_HOME: sfs.home }),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['knowledge.added', 'knowledge.added', 'knowledge.removed'],
  );
  assert.equal(events[1]!.body.text, 'Redis eviction drops sessions under load.');
  assert.deepEqual(
    { ...events[2]!.body, removed_at: undefined },
    {
      project: 'github.com/acme/app',
      entry_id: drop.entry_id,
      author: { kind: 'user', name: 'dana' },
      reason: 'fixed by maxmemory-policy',
      removed_at: undefined,
    },
  );
});

test('sfs project remove refuses a bad id, an unknown one, an ambiguous prefix, and an entry of another project', async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  const a = sfs.path('a');
  const b = sfs.path('b');
  mkdirSync(a);
  mkdirSync(b);
  // two entries whose ids share a prefix (written as another machine would: events with those ids)
  await withStore(
    async (store) => {
      for (const entry_id of ['kn_abcd0001', 'kn_abcd0002']) {
        await store.log.append({
          events: [
            {
              type: 'knowledge.added',
              session: null,
              body: {
                project: `local:${a}`,
                entry_id,
                kind: 'pattern',
                text: `pattern ${entry_id}`,
                author: { kind: 'user' },
                created_at: '2026-01-01T00:00:00.000Z',
              },
            },
          ],
        });
      }
    },
    resolvePaths({ SFS_HOME: sfs.home }),
  );
  const other = await sfs.ok(['project', 'add', 'convention', 'tabs'], { cwd: b });

  const bad = await sfs.fails(['project', 'remove', 'redis'], 'USAGE', 2, { cwd: a });
  assert.match(bad.message, /^"redis" is not a knowledge entry id \(kn_ followed by at least 4 letters or digits/);
  await sfs.fails(['project', 'remove', 'kn_ab'], 'USAGE', 2, { cwd: a });
  const unknown = await sfs.fails(['project', 'remove', 'kn_ffffffffffffffffffff'], 'NOT_FOUND', 3, { cwd: a });
  assert.equal(unknown.message, `no knowledge entry kn_ffffffffffffffffffff in local:${a}`);
  const elsewhere = await sfs.fails(['project', 'remove', other.entry_id], 'NOT_FOUND', 3, { cwd: a });
  assert.equal(elsewhere.message, `no knowledge entry ${other.entry_id} in local:${a} (it is in local:${b}: pass --project local:${b})`);
  const ambiguous = await sfs.fails(['project', 'remove', 'kn_abcd'], 'AMBIGUOUS', 4, { cwd: a });
  assert.equal(ambiguous.message, `kn_abcd matches 2 entries in local:${a} (kn_abcd0001, kn_abcd0002); give more of the id`);
  assert.deepEqual(ambiguous.details, { candidates: ['kn_abcd0001', 'kn_abcd0002'] });
  // nothing was removed by any of that
  assert.equal((await sfs.ok(['project', 'knowledge'], { cwd: a })).entries.length, 2);
  assert.equal((await sfs.ok(['project', 'knowledge'], { cwd: b })).entries.length, 1);
  assert.ok((await sfs.ok(['project', 'remove', 'KN_ABCD0002'], { cwd: a })).removed);
  assert.ok((await sfs.ok(['project', 'remove', other.entry_id, '--project', b])).removed);
  assert.deepEqual(
    (await sfs.ok(['project', 'knowledge'], { cwd: a })).entries.map((e: { entry_id: string }) => e.entry_id),
    ['kn_abcd0001'],
  );
});
