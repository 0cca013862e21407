import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADAPTERS } from '../adapters/index.js';
import { captureAll } from '../engine/capture/capture-all.js';
import { logDir, projectionsFile } from '../engine/paths.js';
import { Store } from '../engine/store.js';
import { fmt, tempDir, type Scale, type Section } from './lib.js';
import { PLANS } from './native-corpus.js';

/**
 * Store size against the raw corpus: Claude Code and Codex JSONL sessions (half each, from
 * the generated fixtures, every id remapped per copy) imported the way `sfs import --all`
 * does, projections caught up, store closed. Reports the log directory and the projections
 * file (with its WAL) as ratios to the corpus bytes, and the projections split per table
 * from SQLite's dbstat.
 */
const TOOLS = ['claude-code', 'codex'];
const GOAL = 0.5;

export async function runStoreSize(sc: Scale): Promise<Section> {
  const target = sc === 'small' ? 2000 : 20_000;
  const t = tempDir('store-size');
  try {
    const home = join(t.dir, 'home');
    mkdirSync(home);
    let rawBytes = 0;
    let sessions = 0;
    for (const p of PLANS.filter((x) => TOOLS.includes(x.tool))) {
      const copies = Math.max(1, Math.round(target / TOOLS.length / p.perCopy));
      rawBytes += p.write(home, copies);
      sessions += copies * p.perCopy;
    }
    const sfs = join(t.dir, 'sfs');
    const paths = { dataDir: join(sfs, 'data'), configDir: sfs, stateDir: join(sfs, 'state') };
    const store = await Store.open(paths, { onWarning: () => {} });
    let messages = 0;
    try {
      const r = await captureAll(store, ADAPTERS, { home, platform: process.platform, env: {} });
      messages = r.totals.messagesAdded;
      await store.view();
    } finally {
      await store.close();
    }
    const logBytes = dirBytes(logDir(paths));
    const dbFile = projectionsFile(paths);
    const dbBytes = fileSize(dbFile) + fileSize(`${dbFile}-wal`);
    const tables = tableBytes(dbFile);
    const total = logBytes + dbBytes;
    const r = (n: number) => `${(n / rawBytes).toFixed(3)}×`;
    const mb = (n: number) => fmt(n / 2 ** 20, 1);
    const rows = [
      ['raw corpus (JSONL)', mb(rawBytes), '1.000×'],
      ['store total', mb(total), r(total)],
      ['  event log (LevelDB)', mb(logBytes), r(logBytes)],
      ['  projections (SQLite + WAL)', mb(dbBytes), r(dbBytes)],
      ...tables.map((x) => [`    ${x.name}`, mb(x.bytes), r(x.bytes)]),
    ];
    return {
      title: `Store size (${fmt(sessions)} Claude Code and Codex sessions)`,
      header: ['part', 'MB', 'of raw corpus'],
      rows,
      notes: [
        `Corpus: ${fmt(sessions)} sessions, ${fmt(messages)} messages, ${mb(rawBytes)} MB of JSONL. Store measured after the import and the projections' catch-up, store closed (WAL checkpointed).`,
        'Per-table bytes are dbstat page sizes (indexes and FTS5 shadow tables by their own names): message_bodies = the compressed message bodies, which the search index reads its text from (it stores none); search_data = the inverted index; search_docsize = document lengths for bm25.',
      ],
      goals: [
        { name: `store ≤ ${GOAL}× the raw corpus`, met: total / rawBytes <= GOAL, detail: `${r(total)} (log ${r(logBytes)}, projections ${r(dbBytes)})` },
      ],
    };
  } finally {
    t.remove();
  }
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : fileSize(join(dir, e.name));
  return n;
}

/** Bytes per table (indexes and FTS shadow tables named as such), largest first. */
function tableBytes(file: string): Array<{ name: string; bytes: number }> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as Array<{ name: string; bytes: number }>;
    return rows.filter((x) => x.bytes >= 64 * 1024);
  } finally {
    db.close();
  }
}
