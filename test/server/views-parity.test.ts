import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { LocalLog } from '../../engine/log/local-log.js';
import { Projections } from '../../engine/projections/projections.js';
import { orderedRefs as clientRefs, loadMessages } from '../../engine/queries/messages.js';
import { messageText, type Message } from '../../engine/model/message.js';
import type { ProjectionDb } from '../../engine/projections/db.js';
import { backends, relayOn } from './backends.js';
import { catchUpSpace } from '../../server/views/apply.js';
import { rebuildViews } from '../../server/views/rebuild.js';
import { messages as relayMessages, orderedRefs as relayRefs } from '../../server/views/queries.js';
import { Pusher, dumpViews } from './views-helpers.js';
import { stepsArb } from './views-gen.js';
import { tempDir } from '../helpers/tmp.js';
import type { Kysely } from 'kysely';
import type { RelayDb } from '../../server/db/schema.js';

const COLUMNS = [
  'id',
  'tool',
  'cwd',
  'alias',
  'tags',
  'deleted',
  'purged',
  'created_at',
  'updated_at',
  'fork_from',
  'fork_at_msg',
  'resumed_from',
  'resumed_at_msg',
  'message_count',
  'tool_use_count',
  'user_title',
  'native_title',
  'discovered_title',
  'first_prompt',
  'via',
];

function normalize(rows: Array<Record<string, unknown>>) {
  return rows.map((r) =>
    Object.fromEntries(
      COLUMNS.map((c) => [
        c,
        c === 'deleted' || c === 'purged'
          ? !!r[c]
          : r[c] === undefined
            ? null
            : typeof r[c] === 'string' && /^\d+$/.test(r[c] as string) && c.endsWith('count')
              ? Number(r[c])
              : r[c],
      ]),
    ),
  );
}

async function clientView(db: ProjectionDb) {
  const sessions = normalize(
    db.prepare(`SELECT ${COLUMNS.join(', ')} FROM sessions WHERE view_of IS NULL ORDER BY id`).all() as Array<Record<string, unknown>>,
  );
  const order: Record<string, unknown> = {};
  for (const s of sessions) {
    if (s.purged) continue;
    const refs = clientRefs(db, s.id as string);
    order[s.id as string] = loadMessages(db, refs).map((m, i) => [
      refs[i]!.msg_id,
      m.branch,
      m.inherited_from,
      m.message.role,
      messageText(m.message, { includeThinking: true }),
    ]);
  }
  const knowledge = db.prepare('SELECT project, entry_id, kind, text, stamp FROM knowledge ORDER BY project, entry_id').all();
  const removed = db.prepare('SELECT project, entry_id, stamp FROM knowledge_removed ORDER BY project, entry_id').all();
  const checkpoints = db.prepare('SELECT session_id, name, at_msg, created_at, stamp FROM checkpoints ORDER BY session_id, name').all();
  return { sessions, order, knowledge, removed, checkpoints };
}

async function relayView(db: Kysely<RelayDb>, space: string) {
  const rows = await sql<Record<string, unknown>>`select ${sql.raw(COLUMNS.join(', '))} from view_sessions where space_id = ${space} order by id`.execute(db);
  const sessions = normalize(rows.rows);
  const order: Record<string, unknown> = {};
  for (const s of sessions) {
    if (s.purged) continue;
    const refs = await relayRefs(db, space, s.id as string);
    const bodies = await sql<{
      session: string;
      msg_id: string;
      body: string;
    }>`select session, msg_id, body from view_messages where space_id = ${space}`.execute(db);
    const by = new Map(bodies.rows.map((r) => [`${r.session}/${r.msg_id}`, JSON.parse(r.body) as Message]));
    order[s.id as string] = refs
      .filter((r) => by.has(`${r.session_id}/${r.msg_id}`))
      .map((r) => {
        const m = by.get(`${r.session_id}/${r.msg_id}`)!;
        return [r.msg_id, r.branch, r.inherited ? r.session_id : null, m.role, messageText(m, { includeThinking: true })];
      });
    if (s.tool !== null || s.fork_from !== null) {
      // The dashboard's page reads the same order.
      const page = await relayMessages(db, [space], `${space}/${s.id as string}`, { limit: 500 });
      assert.deepEqual(
        page.items.map((m) => m.message.msg_id),
        (order[s.id as string] as string[][]).map((x) => x[0]),
      );
    }
  }
  const knowledge = (
    await sql<
      Record<string, unknown>
    >`select project, entry_id, kind, text, stamp from view_knowledge where space_id = ${space} order by project, entry_id`.execute(db)
  ).rows;
  const removed = (
    await sql<
      Record<string, unknown>
    >`select project, entry_id, stamp from view_knowledge_removed where space_id = ${space} order by project, entry_id`.execute(db)
  ).rows;
  const checkpoints = (
    await sql<
      Record<string, unknown>
    >`select session_id, name, at_msg, created_at, stamp from view_checkpoints where space_id = ${space} order by session_id, name`.execute(db)
  ).rows;
  return { sessions, order, knowledge, removed, checkpoints };
}

const make = (await backends()).at(-1)!; // PostgreSQL when it is up (much faster per push), else PGlite

test('fold parity: the same random event sequences give the client projections and the relay views the same sessions, message order, counts and knowledge; incremental equals rebuild', async (t) => {
  const b = await make();
  const relay = await relayOn(b, { views: false });
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  const db = relay.rdb.db;
  const root = tempDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(stepsArb(2, 30), async (steps) => {
      const n = run++;
      const alice = await Pusher.create(relay, `alice${n}`, `orgp${n}d0`);
      const devices = [alice, await alice.device(`orgp${n}d1`, 'desktop')];
      const log = await LocalLog.open(join(root, String(n), 'log'));
      const proj = new Projections(join(root, String(n), 'p.sqlite'), log);
      const seqs = [0, 0];
      try {
        for (const [d, ev, foldNow, clock] of steps) {
          const ts = 1_700_000_000_000 + clock * 1000;
          await devices[d]!.push([{ ...ev, ts }]);
          const seq = ++seqs[d]!;
          await log.ingest([{ origin: devices[d]!.origin, seq, type: ev.type, v: 1, ts, session: ev.session, body: ev.body } as never]);
          if (foldNow) await catchUpSpace(db, alice.personal, { batch: 3 });
        }
        await catchUpSpace(db, alice.personal, { batch: 3 });
        await proj.catchUp();
        const rv = await relayView(db, alice.personal);
        const cv = await clientView(proj.db);
        if (process.env.SFS_VIEWS_DEBUG)
          console.log(JSON.stringify({ steps: steps.length, rv: rv.sessions.length, cv: cv.sessions.length, msgs: Object.values(rv.order).flat().length }));
        assert.deepEqual(rv, cv);
        const incremental = await dumpViews(db, [alice.personal]);
        await rebuildViews(db, { only: [alice.personal] });
        assert.deepEqual(await dumpViews(db, [alice.personal]), incremental);
      } finally {
        proj.close();
        await log.close();
      }
    }),
    { numRuns: Number(process.env.SFS_VIEWS_RUNS ?? 40) },
  );
});
