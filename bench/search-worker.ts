import { statSync } from 'node:fs';
import { messageText, type Message } from '../engine/model/message.js';
import { projectionsFile } from '../engine/paths.js';
import { search, toFtsQuery } from '../engine/queries/search.js';
import { Store } from '../engine/store.js';
import { queries } from './corpus.js';
import { benchPaths, fillLog } from './fill.js';
import { nowMs, peakRssMb } from './lib.js';

/**
 * Child process for the search benchmark, so each phase has its own peak RSS:
 *   build <home> <sessions> <messages> <bytes>   fill the log, catch projections up
 *   query <home> <count>                         time engine search() and raw FTS5
 * Prints one JSON line with the figures.
 */

const [mode, home, ...rest] = process.argv.slice(2);
if (!home) throw new Error('usage: search-worker build|query <home> …');

async function build(): Promise<unknown> {
  const [sessions, messages, bytes] = rest.map(Number) as [number, number, number];
  const t0 = nowMs();
  await fillLog(home!, { sessions, messages, bytes });
  const fillMs = nowMs() - t0;
  const store = await Store.open(benchPaths(home!));
  try {
    const t1 = nowMs();
    await store.projections.catchUp();
    const catchUpMs = nowMs() - t1;
    store.projections.db.pragma('wal_checkpoint(TRUNCATE)');
    return { fillMs, catchUpMs, rssMb: peakRssMb(), dbBytes: statSync(projectionsFile(store.paths)).size };
  } finally {
    await store.close();
  }
}

async function query(): Promise<unknown> {
  const store = await Store.open(benchPaths(home!));
  try {
    const db = await store.view();
    const maxRow = (db.prepare('SELECT max(rowid) AS n FROM messages').get() as { n: number }).n;
    const body = db
      .prepare(
        'SELECT sfs_message_json(b.data, m.body_idx, m.msg_id, m.parent_msg_id, m.ts) FROM messages m JOIN message_bodies b ON b.id = m.body_id WHERE m.rowid = ?',
      )
      .pluck();
    const qs = queries(Number(rest[0]), (r) => {
      const json = body.get(1 + Math.floor(r() * maxRow)) as string | undefined;
      return json ? messageText(JSON.parse(json) as Message) : '';
    });
    const raw = db.prepare("SELECT rowid, snippet(search, 0, char(2), char(3), '…', 16) AS snip FROM search WHERE search MATCH ? ORDER BY rank LIMIT 20");
    // One untimed pass warms the page cache and statement caches for both paths.
    for (const q of qs) {
      raw.all(toFtsQuery(q));
      search(db, { query: q, limit: 20 });
    }
    const engineMs: number[] = [];
    const rawMs: number[] = [];
    let hits = 0;
    let empty = 0;
    // Interleaved so neither path gets a warmer cache than the other.
    for (const q of qs) {
      let t = nowMs();
      const rows = raw.all(toFtsQuery(q));
      rawMs.push(nowMs() - t);
      t = nowMs();
      const found = search(db, { query: q, limit: 20 });
      engineMs.push(nowMs() - t);
      hits += found.length;
      if (!rows.length) empty++;
    }
    const slowest = qs
      .map((q, i) => ({ q, ms: engineMs[i]! }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);
    // How many rows each slow query matches: bm25 ranking scores every one of them.
    const count = db.prepare('SELECT count(*) FROM search WHERE search MATCH ?').pluck();
    for (const s of slowest) Object.assign(s, { matches: count.get(toFtsQuery(s.q)) as number });
    return { engineMs, rawMs, queries: qs.length, avgHits: hits / qs.length, empty, slowest, rssMb: peakRssMb() };
  } finally {
    await store.close();
  }
}

const out = mode === 'build' ? await build() : mode === 'query' ? await query() : undefined;
if (out === undefined) throw new Error(`unknown mode ${mode}`);
process.stdout.write(JSON.stringify(out) + '\n');
