import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import { headMarkerFile, readHeadMarker } from '../../../engine/log/head-marker.js';
import { Store } from '../../../engine/store.js';
import { SfsError } from '../../../engine/errors.js';
import { logDir, type SfsPaths } from '../../../engine/paths.js';
import { tempDir } from '../../helpers/tmp.js';

const session = 'ses_aaaaaaaa';
const msg1 = { msg_id: 'm1', parent_msg_id: null, role: 'user' as const, content: [{ type: 'text' as const, text: 'hello marker' }] };
const events = [
  { type: 'session.discovered' as const, session, body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture' as const } },
  {
    type: 'messages.captured' as const,
    session,
    body: { messages: [msg1] },
  },
];

function pathsIn(dir: string): SfsPaths {
  return { dataDir: join(dir, 'data'), configDir: dir, stateDir: join(dir, 'state') } as SfsPaths;
}

test('the head marker is never below the head, is exact once the log is idle or closed, and is restored when the log opens', async (t) => {
  const dir = join(tempDir(t), 'log');
  const log = await LocalLog.open(dir);
  assert.equal(readHeadMarker(dir), 0);
  await log.append({ events });
  const ahead = readHeadMarker(dir)!;
  assert.ok(ahead >= 2, `marker ${ahead} below the head 2`);
  // Batches within what the marker already says do not rewrite it.
  await log.append({ events: [{ ...events[1]!, body: { messages: [{ ...msg1, msg_id: 'm2' }] } }] });
  assert.equal(readHeadMarker(dir), ahead);
  assert.ok(ahead >= 3);
  await log.append({ events: [], cursors: { x: 1 } }); // moves nothing
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(readHeadMarker(dir), 3, 'exact once idle');
  await log.append({ events: [{ ...events[1]!, body: { messages: [{ ...msg1, msg_id: 'm3' }] } }] });
  assert.ok(readHeadMarker(dir)! >= 4);
  await log.close();
  assert.equal(readHeadMarker(dir), 4, 'exact once closed');
  // A marker left above the head (a batch that failed after marking) is brought back on open.
  writeFileSync(headMarkerFile(dir), '9\n');
  const again = await LocalLog.open(dir);
  assert.equal(readHeadMarker(dir), 4);
  await again.close();
  // Half-written or foreign content is not trusted.
  writeFileSync(headMarkerFile(dir), '1');
  assert.equal(readHeadMarker(dir), undefined);
});

test('a lazy store whose projections reach the marker answers without reaching the log', async (t) => {
  const paths = pathsIn(tempDir(t));
  const first = await Store.open(paths);
  await first.log.append({ events });
  await first.catchUp();
  await first.close();

  // Another process holds LevelDB and serves no socket: reaching the log can only time out.
  const holder = await LocalLog.open(logDir(paths));
  t.after(() => holder.close());
  const lazy = await Store.open(paths, { lazy: true, timeoutMs: 300 });
  const db = await lazy.view();
  assert.equal((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 1);
  await lazy.close();

  // Without the marker (or with one above the projections) the store must ask the log.
  writeFileSync(headMarkerFile(logDir(paths)), '5\n');
  const asking = await Store.open(paths, { lazy: true, timeoutMs: 300 });
  await assert.rejects(asking.view(), (err: unknown) => err instanceof SfsError && err.code === 'STORE_BUSY');
  await asking.close();
});

test('a lazy store folds what was appended after the marker it last saw', async (t) => {
  const paths = pathsIn(tempDir(t));
  const writer = await Store.open(paths);
  await writer.log.append({ events: events.slice(0, 1) });
  await writer.catchUp();
  await writer.log.append({ events: events.slice(1) });
  await writer.close();
  const reader = await Store.open(paths, { lazy: true });
  const db = await reader.view();
  assert.equal((db.prepare('SELECT message_count FROM sessions WHERE id = ?').get(session) as { message_count: number }).message_count, 1);
  assert.equal(reader.projections.position(), 2);
  await reader.close();
});
