import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { LocalLog } from '../../../engine/log/local-log.js';
import type { ForeignEvent } from '../../../engine/log/event-log.js';
import { Projections } from '../../../engine/projections/projections.js';
import { tempDir } from '../../helpers/tmp.js';

const PROJECTS = ['github.com/acme/app', 'local:/p/one'];
const WORDS = ['alpha', 'build', 'cache', 'deploy'];
const ORIGINS = ['org_a', 'org_b', 'org_c'];

const body = fc.oneof(
  fc.record({ type: fc.constant('project.context'), project: fc.constantFrom(...PROJECTS), text: fc.constantFrom(...WORDS) }),
  fc.record({ type: fc.constant('rules.set'), project: fc.constantFrom(...PROJECTS), text: fc.constantFrom(...WORDS) }),
  fc.record({
    type: fc.constant('knowledge.added'),
    project: fc.constantFrom(...PROJECTS),
    text: fc.constantFrom(...WORDS),
    entry: fc.constantFrom('kn_00000001', 'kn_00000002', 'kn_00000003'),
  }),
  fc.record({
    type: fc.constant('knowledge.removed'),
    project: fc.constantFrom(...PROJECTS),
    text: fc.constantFrom(...WORDS),
    entry: fc.constantFrom('kn_00000001', 'kn_00000002'),
  }),
);

/** Per-origin streams (seq order is kept, as replication keeps it) with colliding timestamps. */
const streams = fc.array(fc.tuple(fc.constantFrom(...ORIGINS), body, fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 30 }).map((items) => {
  const seqs: Record<string, number> = {};
  return items.map(([origin, b, t]): ForeignEvent => {
    const seq = (seqs[origin] = (seqs[origin] ?? 0) + 1);
    const at = new Date(Date.UTC(2026, 0, 1, 0, t)).toISOString();
    const entry_id = (b as { entry?: string }).entry;
    const payload =
      b.type === 'knowledge.added'
        ? { project: b.project, entry_id, kind: 'decision', text: b.text, author: { kind: 'user' }, created_at: at }
        : b.type === 'knowledge.removed'
          ? { project: b.project, entry_id, author: { kind: 'agent', name: origin }, reason: b.text, removed_at: at }
          : { project: b.project, text: b.text, updated_at: at };
    return { origin, seq, type: b.type, v: 1, ts: 1_700_000_000_000 + t, session: null, body: payload };
  });
});

function dump(p: Projections): unknown {
  const db = p.db;
  return {
    context: db.prepare('SELECT * FROM project_context ORDER BY project').all(),
    rules: db.prepare('SELECT * FROM project_rules ORDER BY project').all(),
    knowledge: db.prepare('SELECT * FROM knowledge ORDER BY project, entry_id').all(),
    removed: db.prepare('SELECT * FROM knowledge_removed ORDER BY project, entry_id').all(),
    search: db.prepare('SELECT k.project, k.entry_id, s.text FROM knowledge_search s JOIN knowledge k ON k.rowid = s.rowid ORDER BY 1, 2').all(),
  };
}

test('knowledge projection is the same whatever order the origins arrive in', async (t) => {
  const root = tempDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(streams, fc.array(fc.nat(), { minLength: 30, maxLength: 30 }), async (events, picks) => {
      // A second arrival order: interleave the origins differently, keeping each origin's seq order.
      const queues = ORIGINS.map((o) => events.filter((e) => e.origin === o));
      const shuffled: ForeignEvent[] = [];
      let i = 0;
      while (queues.some((q) => q.length)) {
        const live = queues.filter((q) => q.length);
        shuffled.push(live[(picks[i++ % picks.length] ?? 0) % live.length]!.shift()!);
      }
      const results: unknown[] = [];
      for (const order of [events, shuffled]) {
        const dir = join(root, String(run++));
        const log = await LocalLog.open(join(dir, 'log'));
        const p = new Projections(join(dir, 'p.sqlite'), log);
        try {
          for (const ev of order) {
            await log.ingest([ev]);
            await p.catchUp();
          }
          results.push(dump(p));
        } finally {
          p.close();
          await log.close();
        }
      }
      assert.deepEqual(results[1], results[0]);
    }),
    { numRuns: 25 },
  );
});

test('a removed entry is gone from the table and the index, and an add arriving after its removal stays out', async (t) => {
  const dir = tempDir(t);
  const log = await LocalLog.open(join(dir, 'log'));
  const p = new Projections(join(dir, 'p.sqlite'), log);
  try {
    const add = (origin: string, seq: number, entry_id: string, text: string): ForeignEvent => ({
      origin,
      seq,
      type: 'knowledge.added',
      v: 1,
      ts: 1_700_000_000_000 + seq,
      session: null,
      body: { project: PROJECTS[0], entry_id, kind: 'bug', text, author: { kind: 'user' }, created_at: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString() },
    });
    const rm = (origin: string, seq: number, entry_id: string): ForeignEvent => ({
      origin,
      seq,
      type: 'knowledge.removed',
      v: 1,
      ts: 1_700_000_000_000 + seq,
      session: null,
      body: {
        project: PROJECTS[0],
        entry_id,
        author: { kind: 'user', name: 'dev' },
        reason: 'fixed in 2.0',
        removed_at: new Date(Date.UTC(2026, 0, 2)).toISOString(),
      },
    });
    await log.ingest([add('org_a', 1, 'kn_00000001', 'flaky deploy'), add('org_a', 2, 'kn_00000002', 'flaky cache')]);
    await p.catchUp();
    const search = () =>
      p.db.prepare("SELECT k.entry_id FROM knowledge_search s JOIN knowledge k ON k.rowid = s.rowid WHERE knowledge_search MATCH 'flaky' ORDER BY 1").all();
    assert.deepEqual(search(), [{ entry_id: 'kn_00000001' }, { entry_id: 'kn_00000002' }]);
    // org_b removes kn_1 and, before org_c's add of kn_3 reaches us, kn_3 too
    await log.ingest([rm('org_b', 1, 'kn_00000001'), rm('org_b', 2, 'kn_00000003')]);
    await p.catchUp();
    assert.deepEqual(search(), [{ entry_id: 'kn_00000002' }]);
    assert.equal((p.db.prepare('SELECT COUNT(*) AS n FROM knowledge_search').get() as { n: number }).n, 1);
    await log.ingest([add('org_c', 1, 'kn_00000003', 'flaky login')]);
    await p.catchUp();
    assert.deepEqual(p.db.prepare('SELECT entry_id FROM knowledge ORDER BY 1').all(), [{ entry_id: 'kn_00000002' }]);
    assert.deepEqual(p.db.prepare('SELECT entry_id, reason, author_name FROM knowledge_removed ORDER BY 1').all(), [
      { entry_id: 'kn_00000001', reason: 'fixed in 2.0', author_name: 'dev' },
      { entry_id: 'kn_00000003', reason: 'fixed in 2.0', author_name: 'dev' },
    ]);
  } finally {
    p.close();
    await log.close();
  }
});
