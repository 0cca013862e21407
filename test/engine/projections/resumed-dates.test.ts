import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import { Projections } from '../../../engine/projections/projections.js';
import type { NewEvent } from '../../../engine/model/events.js';
import { tempDir } from '../../helpers/tmp.js';

// A resumed session's native file carries the source's old message times, and capture discovers it
// with the first of them. Its dates are the resume's, in whatever order the events reach a replica.
const S = 'ses_0000resumed1';
const RESUMED_AT = '2026-11-25T08:00:00.000Z';
const events: NewEvent[] = [
  {
    type: 'session.resumed',
    session: S,
    body: {
      from_session: 'ses_0000source01',
      at_msg: 'm2',
      target_tool: 'claude-code',
      native_id: 'n1',
      native_path: '/h/n1.jsonl',
      cwd: '/p',
      messages_written: 2,
      created_at: RESUMED_AT,
    },
  },
  { type: 'session.discovered', session: S, body: { tool: 'claude-code', created_at: '2026-03-20T14:00:00.000Z', via: 'capture', cwd: '/p', native_id: 'n1' } },
  {
    type: 'messages.captured',
    session: S,
    body: {
      messages: [
        { msg_id: 'm1', parent_msg_id: null, role: 'user', content: [{ type: 'text', text: 'old prompt' }], timestamp: '2026-03-20T14:00:00.000Z' },
        { msg_id: 'm2', parent_msg_id: 'm1', role: 'assistant', content: [{ type: 'text', text: 'old answer' }], timestamp: '2026-03-20T14:02:00.000Z' },
      ],
    },
  },
];

async function foldInOrder(dir: string, order: number[]): Promise<Record<string, unknown>> {
  const log = await LocalLog.open(join(dir, 'log'));
  const p = new Projections(join(dir, 'p.sqlite'), log);
  try {
    // The same events (same identities) arriving in another order, as on another replica;
    // one origin each, since an origin's own events arrive in seq order.
    for (const i of order) {
      const ev = events[i]!;
      await log.ingest([{ origin: `org_${i}`, seq: 1, type: ev.type, v: 1, ts: 1_790_000_000_000 + i, session: ev.session, body: ev.body }]);
      await p.catchUp();
    }
    return p.db.prepare('SELECT created_at, updated_at, resumed_from FROM sessions WHERE id = ?').get(S) as Record<string, unknown>;
  } finally {
    p.close();
    await log.close();
  }
}

test('a resumed session is created and last active at the resume time, in any order of arrival', async (t) => {
  const root = tempDir(t);
  const orders = [
    [0, 1, 2],
    [1, 2, 0],
    [2, 1, 0],
    [1, 0, 2],
  ];
  for (const [i, order] of orders.entries()) {
    const row = await foldInOrder(join(root, String(i)), order);
    assert.deepEqual(row, { created_at: RESUMED_AT, updated_at: RESUMED_AT, resumed_from: 'ses_0000source01' }, `order ${order.join(',')}`);
  }
});

test('new activity in the resumed session moves it on; the resume time stays its creation', async (t) => {
  const root = tempDir(t);
  const log = await LocalLog.open(join(root, 'log'));
  const p = new Projections(join(root, 'p.sqlite'), log);
  t.after(async () => {
    p.close();
    await log.close();
  });
  for (const ev of events) await log.append({ events: [ev] });
  await log.append({
    events: [
      {
        type: 'messages.captured',
        session: S,
        body: {
          messages: [{ msg_id: 'm3', parent_msg_id: 'm2', role: 'user', content: [{ type: 'text', text: 'new' }], timestamp: '2026-11-25T09:00:00.000Z' }],
        },
      },
    ],
  });
  await p.catchUp();
  assert.deepEqual(p.db.prepare('SELECT created_at, updated_at FROM sessions WHERE id = ?').get(S), {
    created_at: RESUMED_AT,
    updated_at: '2026-11-25T09:00:00.000Z',
  });
});
