import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { NewEvent } from '../../../engine/model/events.js';
import { projectionsFile } from '../../../engine/paths.js';
import { FoldThread } from '../../../engine/projections/fold-thread.js';
import { Projections } from '../../../engine/projections/projections.js';
import { Store } from '../../../engine/store.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';
import { dumpProjections } from './dump.js';

const sessionEvents = (i: number): NewEvent[] => {
  const session = `ses_${String(i).padStart(8, '0')}`;
  return [
    { type: 'session.discovered', session, body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture', cwd: `/work/p${i}` } },
    { type: 'session.meta', session, body: { native_title: `title ${i}` } },
    {
      type: 'messages.captured',
      session,
      body: {
        messages: Array.from({ length: 3 }, (_, j) => ({
          msg_id: `m${j}`,
          parent_msg_id: j ? `m${j - 1}` : null,
          role: j % 2 ? ('assistant' as const) : ('user' as const),
          timestamp: `2026-01-01T00:0${j}:00.000Z`,
          content: [{ type: 'text' as const, text: `message ${j} of session ${i} about folding` }],
        })),
      },
    },
  ];
};

test('the fold thread folds while the log is appended to, reaches its head at finish, and folds as the log is folded in this thread', async (t) => {
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  assert.ok(FoldThread.available(), 'the worker file is built beside fold-thread.js');
  // A lag of 4 events: the thread folds many times along the way, not only at finish.
  const thread = new FoldThread(store, 4);
  for (let i = 0; i < 40; i++) {
    await store.log.append({ events: sessionEvents(i), dedupe: true });
    thread.nudge();
  }
  await thread.finish();
  const head = await store.log.head();
  assert.equal(head, 120);
  assert.equal(store.projections.position(), head);
  const folded = dumpProjections(store.projections.db);
  const again = new Projections(`${projectionsFile(store.paths)}.again`, store.log);
  t.after(() => again.close());
  await again.catchUp();
  assert.deepEqual(dumpProjections(again.db), folded);
  assert.equal((store.projections.db.prepare("SELECT COUNT(*) AS n FROM search WHERE search MATCH 'folding'").get() as { n: number }).n, 120);
});

test('an error in the fold thread is reported by finish(), and settle() ends the thread without one', async (t) => {
  const paths = pathsIn(tempDir(t));
  const store = await Store.open(paths);
  t.after(() => store.close());
  // The projections cannot be opened: a folder stands where the file goes.
  mkdirSync(projectionsFile(paths), { recursive: true });
  await store.log.append({ events: sessionEvents(1) });
  const thread = new FoldThread(store, 1);
  thread.nudge();
  await assert.rejects(thread.finish(), (err: Error & { code?: string }) => /SQLITE_CANTOPEN|directory|unable to open/i.test(`${err.code} ${err.message}`));

  const settled = new FoldThread(store, 1);
  settled.nudge();
  await settled.settle(); // returns (the thread ended), ignoring the failure
});
