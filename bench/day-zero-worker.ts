import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADAPTERS } from '../adapters/index.js';
import { importAll } from '../engine/capture/import-all.js';
import { registerBodyFunctions } from '../engine/projections/message-bodies.js';
import { Store } from '../engine/store.js';
import { nowMs, peakRssMb } from './lib.js';

/**
 * One measured day-zero pass in its own process, so peak RSS is this pass alone.
 * `import HOME SFS_DIR`: what `sfs import --all` does (importAll over every adapter: capture,
 * and the projections folded along the way and caught up before it returns).
 * `raw HOME`: the baseline — read every file of the corpus and JSON.parse it (per line
 * for JSONL, whole for JSON, every value of a SQLite key-value table).
 * `index SFS_DIR`: the second baseline, the part of the index no import can avoid — the
 * messages an import stored (read back from its projections outside the timer) inserted
 * with better-sqlite3 into a fresh WAL file: a plain table of rows (session, msg id, role,
 * ts, JSON body) and an FTS5 table with the projections' tokenizer, INDEX_TXN_ROWS a transaction.
 */
const [mode, home, sfsArg] = process.argv.slice(2) as [string, string, string | undefined];
const sfsDir = mode === 'index' ? home : sfsArg!;

async function runImport(): Promise<Record<string, unknown>> {
  const t0 = nowMs();
  const c0 = process.cpuUsage();
  const store = await Store.open({ dataDir: join(sfsDir, 'data'), configDir: sfsDir, stateDir: join(sfsDir, 'state') });
  const r = await importAll(store, ADAPTERS, { home, platform: process.platform, env: {} });
  const head = await store.log.head();
  const position = store.projections.position();
  await store.close();
  const cpu = process.cpuUsage(c0);
  return {
    ms: nowMs() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    head,
    position,
    totals: r.totals,
    tools: r.tools.map((t) => ({ tool: t.tool, sources: t.sources, sessions: t.sessionsNew, problems: t.problems })),
    problems: r.problems.slice(0, 5),
  };
}

function raw(): Record<string, unknown> {
  const t0 = nowMs();
  let values = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) {
        const text = readFileSync(p, 'utf8');
        bytes += text.length;
        for (const line of text.split('\n'))
          if (line) {
            JSON.parse(line);
            values++;
          }
      } else if (e.name.endsWith('.json')) {
        const text = readFileSync(p, 'utf8');
        bytes += text.length;
        JSON.parse(text);
        values++;
      } else if (e.name.endsWith('.vscdb')) {
        const db = new Database(p, { readonly: true });
        for (const r of db.prepare('SELECT value FROM cursorDiskKV').iterate() as Iterable<{ value: string }>) {
          bytes += r.value.length;
          JSON.parse(r.value);
          values++;
        }
        db.close();
      }
    }
  };
  walk(home);
  return { ms: nowMs() - t0, values, bytes };
}

const INDEX_TXN_ROWS = 10_000;

function index(): Record<string, unknown> {
  type Row = [number, string, string, string | null, string, string];
  const src = new Database(join(sfsDir, 'data', 'projections.sqlite'), { readonly: true });
  registerBodyFunctions(src);
  const rows = src
    .prepare(
      `SELECT m.session, m.msg_id, m.role, m.ts, sfs_message_json(b.data, m.body_idx, m.msg_id, m.parent_msg_id, m.ts) AS body,
         sfs_message_text(b.data, m.body_idx) AS text FROM messages m JOIN message_bodies b ON b.id = m.body_id ORDER BY m.rowid`,
    )
    .raw()
    .all() as Row[];
  src.close();
  const t0 = nowMs();
  const file = join(sfsDir, 'index-baseline.sqlite');
  for (const f of [`${file}-wal`, `${file}-shm`, file]) rmSync(f, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE messages (session INTEGER NOT NULL, msg_id TEXT NOT NULL, role TEXT NOT NULL, ts TEXT, body TEXT NOT NULL);
    CREATE VIRTUAL TABLE search USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');`);
  const insMsg = db.prepare('INSERT INTO messages(session, msg_id, role, ts, body) VALUES (?, ?, ?, ?, ?)');
  const insFts = db.prepare('INSERT INTO search(rowid, text) VALUES (?, ?)');
  const write = db.transaction((part: Row[]) => {
    for (const [s, id, role, ts, body, text] of part) insFts.run(insMsg.run(s, id, role, ts, body).lastInsertRowid, text);
  });
  for (let i = 0; i < rows.length; i += INDEX_TXN_ROWS) write(rows.slice(i, i + INDEX_TXN_ROWS));
  db.close();
  return { ms: nowMs() - t0, rows: rows.length };
}

const out = mode === 'raw' ? raw() : mode === 'index' ? index() : await runImport();
process.stdout.write(JSON.stringify({ ...out, peakRssMb: peakRssMb() }) + '\n');
