import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, example, newSfs, writeSfs, type Sfs } from '../helpers/cli.js';

const RECENT = 'ses_recent0000001';
const TRASH = 'ses_trash00000001';
const OLDFORKED = 'ses_oldbase000001';

describe('sfs delete / restore / purge / storage', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('minimal'), example('complete'), example('subagent')]);
  });
  after(() => sfs.dispose());

  const listIds = async (...args: string[]) => (await sfs.ok(['list', ...args])).sessions.map((s: { id: string }) => s.id);
  const searchIds = async (q: string) => [...new Set<string>((await sfs.ok(['search', q])).hits.map((h: { session_id: string }) => h.session_id))];

  test('delete moves a session to the trash; restore brings it back', async () => {
    assert.match(await sfs.out(['delete', 'ses_ea12']), new RegExp(`^deleted ${IDS.subagent} \\(sfs restore ses_ea1204ed brings it back\\)\\n$`));
    const [live, trash, hits, show] = await Promise.all([
      listIds(),
      listIds('--deleted'),
      searchIds('SQLAlchemy'),
      sfs.ok(['show', IDS.subagent, '--no-messages']),
    ]);
    assert.deepEqual(live, [IDS.complete, IDS.minimal]);
    assert.deepEqual(trash, [IDS.subagent]);
    assert.deepEqual(hits, [], 'deleted sessions are not searched');
    assert.equal(show.session.deleted, true, 'a deleted session can still be shown');
    assert.match(await sfs.out(['show', IDS.subagent, '--no-messages']), new RegExp(`^id {11}${IDS.subagent} \\[deleted\\]$`, 'm'));
    assert.match((await sfs.failsJson(['delete', IDS.subagent], 'CONFLICT', 7)).message, /already deleted/);

    assert.deepEqual(await sfs.ok(['restore', 'ses_ea12']), { session: IDS.subagent, deleted: false });
    assert.deepEqual(await listIds(), [IDS.subagent, IDS.complete, IDS.minimal]);
    assert.deepEqual(await searchIds('SQLAlchemy'), [IDS.subagent]);
    assert.match((await sfs.failsJson(['restore', IDS.subagent], 'CONFLICT', 7)).message, /is not deleted/);
    assert.match(await sfs.out(['list', '--deleted']), /^No deleted sessions\.$/m);
  });

  test('purge asks first (no terminal: refused), then with --yes erases the content for good', async () => {
    assert.match((await sfs.fails(['purge', IDS.minimal], 'USAGE', 2)).message, /not confirmed.*--yes/);
    assert.equal((await sfs.ok(['show', IDS.minimal])).messages.total, 3, 'nothing purged without --yes');

    assert.deepEqual(await sfs.ok(['purge', IDS.minimal, '--yes']), { session: IDS.minimal, purged: true });
    await sfs.failsJson(['show', IDS.minimal], 'NOT_FOUND', 3);
    await sfs.failsJson(['export', IDS.minimal, '--format', 'md', '-o', '-'], 'NOT_FOUND', 3);
    await sfs.failsJson(['purge', IDS.minimal, '-y'], 'NOT_FOUND', 3);
    const [hello, thanks, live, trash] = await Promise.all([searchIds('hello'), searchIds('Thanks'), listIds(), listIds('--deleted')]);
    assert.deepEqual(hello, []);
    assert.deepEqual(thanks, []);
    assert.deepEqual(live, [IDS.subagent, IDS.complete]);
    assert.deepEqual(trash, []);
  });

  test('storage reports where data lives and what it holds', async () => {
    const r = await sfs.ok(['storage']);
    assert.equal(r.data_dir, `${sfs.home}/data`);
    assert.equal(r.config_dir, sfs.home);
    assert.match(r.origin, /^org_[0-9a-f]{16}$/);
    assert.equal(r.sessions, 2);
    assert.equal(r.deleted, 0);
    assert.equal(r.purged, 1);
    assert.equal(r.messages, 15);
    assert.ok(r.events >= 8, String(r.events));
    assert.ok(r.log_bytes > 0 && r.projection_bytes > 0);
    const out = await sfs.out(['storage']);
    assert.match(out, new RegExp(`^data {9}${sfs.home}/data$`, 'm'));
    assert.match(out, /^sessions {5}2 \(0 deleted, 1 purged\)$/m);
    assert.match(out, /^messages {5}15$/m);
  });

  test('storage prune: trash always, --older-than inactive ones; keeps aliased, checkpointed and forked-from sessions; evicts, never purges', async () => {
    const now = new Date().toISOString();
    writeSfs(sfs.path('recent.sfs'), { session_id: RECENT, created_at: now, title: 'recent work' });
    writeSfs(sfs.path('trash.sfs'), { session_id: TRASH, created_at: now, title: 'throw away' });
    writeSfs(sfs.path('oldbase.sfs'), { session_id: OLDFORKED, created_at: '2025-01-01T00:00:00.000Z', title: 'old but forked' });
    await sfs.ok(['import', sfs.path('recent.sfs'), sfs.path('trash.sfs'), sfs.path('oldbase.sfs')]);
    await sfs.ok(['delete', TRASH]);
    await sfs.ok(['checkpoint', IDS.subagent, 'keep-me']);
    const fork = await sfs.ok(['fork', OLDFORKED]);
    // Old and unprotected: complete. Aliased below, so kept:
    writeSfs(sfs.path('aliased.sfs'), { session_id: 'ses_aliased000001', created_at: '2025-02-01T00:00:00.000Z', title: 'old but aliased' });
    await sfs.ok(['import', sfs.path('aliased.sfs')]);
    await sfs.ok(['alias', 'ses_aliased000001', 'precious']);

    const dry = await sfs.ok(['storage', 'prune', '--dry-run']);
    assert.equal(dry.dryRun, true);
    assert.equal(dry.signed_in, false);
    assert.deepEqual(dry.kept_unsynced, []);
    assert.deepEqual(
      dry.evicted.map(({ message_bytes: _, ...c }: { message_bytes: number }) => c),
      [{ id: TRASH, title: 'throw away', reason: 'deleted', updated_at: now, message_count: 1 }],
    );
    const dryOld = await sfs.ok(['storage', 'prune', '--older-than', '30d', '--dry-run']);
    assert.deepEqual(
      dryOld.evicted.map((c: { id: string; reason: string }) => [c.id, c.reason]),
      [
        [IDS.complete, 'old'],
        [TRASH, 'deleted'],
      ],
    );
    const dryOut = await sfs.out(['storage', 'prune', '--older-than', '4w', '--dry-run']);
    assert.match(dryOut, /^ses_a8960045\s+old\s+2026-03-20 14:02\s+8\s+Add user validation to signup endpoint$/m);
    assert.match(dryOut, /^2 sessions \(\d+\.\d KiB of messages\) would be evicted from this machine \(dry run\)\.$/m);
    assert.deepEqual(await listIds('--deleted'), [TRASH], 'a dry run evicts nothing');

    assert.match((await sfs.fails(['storage', 'prune', '--older-than', '30d'], 'USAGE', 2)).message, /needs --yes/);
    const done = await sfs.ok(['storage', 'prune', '--older-than', '30d', '--yes']);
    assert.equal(done.dryRun, false);
    assert.equal(done.evicted.length, 2);
    assert.deepEqual((await listIds('--subagents')).sort(), [fork.id, IDS.subagent, OLDFORKED, RECENT, 'ses_aliased000001'].sort());
    assert.deepEqual(await listIds('--evicted'), [IDS.complete], 'the evicted trash stays under list --deleted');
    assert.equal((await sfs.ok(['show', IDS.complete])).messages.total, 0, 'evicted, not purged: the session is still known');
    assert.deepEqual(await searchIds('APIRouter'), []);
    const st = await sfs.ok(['storage']);
    assert.deepEqual([st.purged, st.evicted], [1, 2], 'evicted, not purged');
    assert.match(await sfs.out(['storage', 'prune']), /^Nothing to prune\.$/m);
    assert.match((await sfs.failsJson(['storage', 'prune', '--older-than', 'soon'], 'USAGE', 2)).message, /not an age/);
  });
});
