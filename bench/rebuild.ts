import Database from 'better-sqlite3';
import { join } from 'node:path';
import { messageText, type Message } from '../engine/model/message.js';
import { Store } from '../engine/store.js';
import { corpusEvents } from './corpus.js';
import { benchPaths, fillLog, PER_APPEND, PER_EVENT, type CorpusShape } from './fill.js';
import { fmt, median, nowMs, peakRssMb, ratio, tempDir, type Scale, type Section } from './lib.js';

/**
 * Projection rebuild: replay a filled log into SQLite with `projections.rebuild()`,
 * against a bare better-sqlite3 insert of the same message rows into a plain table plus
 * an FTS5 table with the same tokenizer (the raw engine cost, no log reads, no fold).
 */

const TXN_ROWS = 10_000;

function baseline(dir: string, shape: CorpusShape, round: number): number {
  const db = new Database(join(dir, `raw-${round}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE messages (session_id TEXT NOT NULL, msg_id TEXT NOT NULL, role TEXT NOT NULL, ts TEXT, body TEXT NOT NULL);
    CREATE VIRTUAL TABLE search USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');`);
  const insMsg = db.prepare('INSERT INTO messages(session_id, msg_id, role, ts, body) VALUES (?, ?, ?, ?, ?)');
  const insFts = db.prepare('INSERT INTO search(rowid, text) VALUES (?, ?)');
  const write = db.transaction((rows: Array<[string, string, string, string | null, string, string]>) => {
    for (const [s, id, role, ts, body, text] of rows) {
      const info = insMsg.run(s, id, role, ts, body);
      insFts.run(info.lastInsertRowid, text);
    }
  });
  let ms = 0;
  let rows: Array<[string, string, string, string | null, string, string]> = [];
  const flush = () => {
    const t0 = nowMs();
    write(rows);
    ms += nowMs() - t0;
    rows = [];
  };
  // Rows are prepared outside the timer: only SQLite's work is measured.
  for (const group of corpusEvents({ ...shape, perEvent: PER_EVENT, perAppend: PER_APPEND })) {
    for (const ev of group) {
      if (ev.type !== 'messages.captured') continue;
      for (const m of (ev.body as { messages: Message[] }).messages) {
        rows.push([ev.session!, m.msg_id, m.role, m.timestamp ?? null, JSON.stringify(m), messageText(m, { includeThinking: true })]);
      }
      if (rows.length >= TXN_ROWS) flush();
    }
  }
  if (rows.length) flush();
  db.close();
  return ms;
}

export async function runRebuild(scale: Scale): Promise<Section> {
  const shape: CorpusShape = scale === 'small' ? { sessions: 50, messages: 5_000, bytes: 700 } : { sessions: 1_000, messages: 100_000, bytes: 700 };
  const tmp = tempDir('rebuild');
  try {
    const tFill = nowMs();
    await fillLog(tmp.dir, shape);
    const fillMs = nowMs() - tFill;
    // Interleaved, rebuild raw rebuild raw, so a change of machine load falls on both; medians.
    const engineRuns: number[] = [];
    const rawRuns: number[] = [];
    let count = 0;
    for (let round = 0; round < 2; round++) {
      const store = await Store.open(benchPaths(tmp.dir));
      try {
        const t0 = nowMs();
        await store.projections.rebuild();
        engineRuns.push(nowMs() - t0);
        count = (store.projections.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
      } finally {
        await store.close();
      }
      if (count !== shape.messages) throw new Error(`rebuild produced ${count} messages, expected ${shape.messages}`);
      rawRuns.push(baseline(tmp.dir, shape, round));
    }
    const engineMs = median(engineRuns);
    const rawMs = median(rawRuns);
    const engine = (count / engineMs) * 1000;
    const raw = (shape.messages / rawMs) * 1000;
    return {
      title: 'Projection rebuild (messages/s)',
      header: ['messages', 'sessions', 'raw SQLite insert + FTS5', 'projections.rebuild()', 'ratio', 'rebuild wall'],
      rows: [[fmt(shape.messages), fmt(shape.sessions), fmt(raw), fmt(engine), ratio(engine, raw), `${(engineMs / 1000).toFixed(1)} s`]],
      notes: [
        `Log filled with ${PER_EVENT} messages per \`messages.captured\` event, ${PER_APPEND} events per append (fill took ${(fillMs / 1000).toFixed(1)} s); ~${shape.bytes} B of text per message, a quarter of assistant messages with a tool call.`,
        `Baseline: the same rows (session, msg id, role, ts, JSON body) into a plain table and the FTS5 text into a table with the same tokenizer, ${fmt(TXN_ROWS)} rows per transaction, rows built outside the timer. Two rounds, interleaved (rebuild, raw, rebuild, raw); medians. The rebuild also reads and decodes the log and folds sessions, counts, first prompts and session search documents.`,
        `Peak RSS of the benchmark process after this step: ${fmt(peakRssMb())} MB.`,
      ],
      goals: [],
    };
  } finally {
    tmp.remove();
  }
}
