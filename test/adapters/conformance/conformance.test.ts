import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  chmodSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { adapterFor } from '../../../adapters/index.js';
import { captureSource, cursorKey, type SourceReport } from '../../../engine/capture/capture-source.js';
import type { AdapterEnv, CaptureSource, ReadResult, ToolAdapter } from '../../../engine/capture/contract.js';
import { iterateMessages } from '../../../engine/queries/messages.js';
import { unchangedSplit } from '../../../engine/capture/source-stamp.js';
import { Store } from '../../../engine/store.js';
import { pathsIn } from '../../helpers/tmp.js';
import { fixtures } from '../shared/helpers.js';
import { allMessages, contentSignatures, duplicateIds, hashTree, idsBySession, isSubMultiset, safeRead, schemaFailures, unpairedToolCalls } from './checks.js';
import { classify, CORPUS, type CorpusSource, type ToolCorpus } from './corpus.js';
import { deepArray, garbageLines, INVALID_JSON, middleLineBoundary, rng, withBadText, withGarbage, writeWithBigLine } from './damage.js';

/**
 * The adapter conformance suite (issue 3, item 3): every adapter, over every fixture source
 * listed in corpus.ts, through `read` and through the real capture step into a temp store.
 */

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'sfs-conformance-'));
const home = path.join(scratch, 'empty-home');
mkdirSync(home);
after(() => rmSync(scratch, { recursive: true, force: true }));

// Native stores are only read: fixture bytes are compared at the end, and every SQLite
// connection the adapters use on something other than our stores must be read-only.
const fixtureHashes = hashTree(fixtures);
const sqliteUse = new Map<string, boolean>(); // file → opened read-only every time
let recordSqlite = true;
{
  const proto = (Database as unknown as { prototype: Record<string, unknown> }).prototype;
  const prepare = proto.prepare as (this: Database.Database, ...args: unknown[]) => unknown;
  proto.prepare = function (this: Database.Database, ...args: unknown[]) {
    if (recordSqlite && !this.name.startsWith(path.join(scratch, 'stores') + path.sep))
      sqliteUse.set(this.name, (sqliteUse.get(this.name) ?? true) && this.readonly);
    return prepare.apply(this, args);
  };
}

let storeCount = 0;
async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const dir = path.join(scratch, 'stores', String(storeCount++));
  mkdirSync(dir, { recursive: true });
  const store = await Store.open(pathsIn(dir));
  try {
    return await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Problems the engine raises when an adapter result cannot be stored. */
function engineProblems(r: SourceReport): string[] {
  return r.problems.filter((p) => /^(skipped|not stored|reader failed)/.test(p.message)).map((p) => `${p.where ?? ''} ${p.message}`);
}

async function projected(store: Store, sessions: Iterable<string>): Promise<Map<string, unknown[]>> {
  const db = await store.view();
  const out = new Map<string, unknown[]>();
  for (const id of [...sessions].sort())
    out.set(
      id,
      [...iterateMessages(db, id)].map((o) => ({ branch: o.branch, message: o.message })),
    );
  return out;
}

/** Copies a file or folder with fresh (writable) modes: fixtures are read-only on disk. */
function copyInto(src: string, dest: string): void {
  mkdirSync(path.dirname(dest), { recursive: true });
  if (statSync(src).isDirectory()) {
    mkdirSync(dest, { recursive: true });
    for (const e of readdirSync(src)) copyInto(path.join(src, e), path.join(dest, e));
  } else writeFileSync(dest, readFileSync(src));
}

const key = (sessionId: string, msgId: string) => `${sessionId}\0${msgId}`;
function idSet(r: ReadResult): Set<string> {
  return new Set(r.sessions.flatMap((s) => s.messages.map((m) => key(s.nativeId, m.msg_id))));
}
const problemsAt = (r: ReadResult, file: string) => r.problems.filter((p) => p.path === file);

/** A temp copy of one source (same relative path, so names that carry ids keep them). */
interface Copy {
  dir: string;
  source: CaptureSource;
  /** The file the bad-input cases damage (the source itself, or a file inside a folder source). */
  target: string;
  env: AdapterEnv;
  full: Buffer;
}
function makeCopy(corpus: ToolCorpus, src: CorpusSource): Copy {
  const dir = mkdtempSync(path.join(scratch, 'case-'));
  const dest = path.join(dir, src.rel);
  copyInto(src.path, dest);
  const target = src.damage ? path.join(dest, src.damage) : dest;
  return { dir, source: { path: dest, style: src.style }, target, env: corpus.env(dir, home), full: readFileSync(target) };
}

/** Offsets for rewrite-style files: the first and last bytes plus an even spread. */
function sampleOffsets(size: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < Math.min(size, 6); i++) set.add(i).add(size - 1 - i);
  for (let i = 1; i < 40; i++) set.add(Math.floor((size * i) / 40));
  return [...set].filter((n) => n >= 0 && n < size).sort((a, b) => a - b);
}

for (const corpus of CORPUS) {
  const adapter: ToolAdapter = adapterFor(corpus.tool)!;
  describe(corpus.tool, () => {
    let root = '';
    let sources: CorpusSource[] = [];
    let env: AdapterEnv;
    const source = (s: CorpusSource): CaptureSource => ({ path: s.path, style: s.style });

    before(() => {
      root = corpus.root(scratch);
      sources = classify(corpus, root).sources;
      env = corpus.env(root, home);
    });

    test('corpus: every fixture file is a source or ignored with a reason', () => {
      const c = classify(corpus, root);
      assert.deepEqual(c.unclassified, [], `unclassified fixture files for ${corpus.tool}`);
      assert.ok(c.sources.length > 0, 'no sources');
      for (const rel of corpus.small)
        assert.ok(
          c.sources.some((s) => s.rel === rel),
          `small fixture ${rel} is not a source`,
        );
    });

    test('read: no exception; ids stable across runs and unique per session; tool calls paired; schema-valid', async () => {
      const failures: string[] = [];
      for (const s of sources) {
        const a = await safeRead(adapter, source(s), null, env);
        const b = await safeRead(adapter, source(s), null, env);
        assert.deepEqual(idsBySession(b), idsBySession(a), `ids differ between two reads of ${s.rel}`);
        assert.deepEqual(
          b.sessions.map((x) => x.messages),
          a.sessions.map((x) => x.messages),
          `messages differ between two reads of ${s.rel}`,
        );
        for (const [sid, ids] of idsBySession(a)) {
          const dup = duplicateIds(ids);
          if (dup.length) failures.push(`${s.rel} session ${sid}: duplicate msg ids ${dup.slice(0, 5).join(', ')}`);
        }
        for (const x of a.sessions) {
          const open = unpairedToolCalls(x.messages);
          if (open.length) failures.push(`${s.rel} session ${x.nativeId}: tool calls without result or unfinished mark: ${open.slice(0, 5).join(', ')}`);
        }
        const bad = schemaFailures(allMessages(a));
        if (bad.length) failures.push(`${s.rel}: ${bad.length} messages fail the message schema, e.g. ${bad[0]}`);
      }
      assert.deepEqual(failures, []);
    });

    test('capture twice through the engine: the second pass (and a re-read from scratch) adds nothing', async () => {
      await withStore(async (store) => {
        const failures: string[] = [];
        for (const s of sources) {
          const first = await captureSource(store, adapter, source(s), env);
          const stuck = engineProblems(first);
          if (stuck.length) failures.push(`${s.rel}: engine refused: ${stuck.slice(0, 3).join(' | ')}`);
          const head = await store.log.head();
          const second = await captureSource(store, adapter, source(s), env);
          if (second.messagesAdded || second.messagesRevised || (await store.log.head()) !== head) {
            failures.push(
              `${s.rel}: second capture added ${second.messagesAdded}, revised ${second.messagesRevised}, head ${head} → ${await store.log.head()}`,
            );
          }
          // Forget the cursor: a full re-read must de-duplicate to nothing (ids and content are stable).
          const k = cursorKey(adapter.tool, s.path);
          const stored = await store.log.getCursor<Record<string, unknown>>(k);
          await store.log.append({ events: [], cursors: { [k]: { ...stored, adapter: null } } });
          const again = await captureSource(store, adapter, source(s), env);
          if (again.messagesAdded || again.messagesRevised || (await store.log.head()) !== head) {
            failures.push(`${s.rel}: re-read from scratch added ${again.messagesAdded}, revised ${again.messagesRevised}`);
          }
        }
        assert.deepEqual(failures, []);
      });
    });

    test('stamps: the source comes first; after a clean capture an unchanged source is not read again', async () => {
      await withStore(async (store) => {
        const failures: string[] = [];
        for (const s of sources) {
          const paths = adapter.stampPaths?.(source(s), env);
          if (paths && paths[0] !== s.path) failures.push(`${s.rel}: stamp paths start with ${paths[0]}, not the source`);
          const r = await captureSource(store, adapter, source(s), env);
          const { unchanged } = await unchangedSplit(store, [{ adapter, source: source(s) }], env);
          // A source read cleanly with stamp paths is skipped next time; one with problems (or no stamp) is read again.
          if (paths && r.problems.length === 0 && !r.failed && unchanged.length !== 1) failures.push(`${s.rel}: still read after a clean capture`);
          if (!paths && unchanged.length) failures.push(`${s.rel}: skipped without a stamp`);
        }
        assert.deepEqual(failures, []);
      });
    });

    test('append sources: capturing two appended halves equals capturing the file whole', async (t) => {
      const append = sources.filter((s) => s.style === 'append');
      if (append.length === 0) return t.skip(`${corpus.tool} has no append-style sources`);
      // One store for the whole files and one for the halves (store opens dominate the cost otherwise).
      const copies = append.map((s) => ({ s, whole: makeCopy(corpus, s), halves: makeCopy(corpus, s) }));
      const cuts = copies.map((c) => middleLineBoundary(c.halves.full));
      const from = new Map<string, string>(); // session → source, for the failure message
      const [wholeIds, wholeView] = await withStore(async (store) => {
        const ids = new Set<string>();
        for (const c of copies)
          for (const id of (await captureSource(store, adapter, c.whole.source, c.whole.env)).sessions) {
            ids.add(id);
            from.set(id, c.s.rel);
          }
        return [ids, await projected(store, ids)] as const;
      });
      const [halfIds, halfView] = await withStore(async (store) => {
        const ids = new Set<string>();
        for (const [i, c] of copies.entries()) {
          writeFileSync(c.halves.source.path, c.halves.full.subarray(0, cuts[i]));
          for (const id of (await captureSource(store, adapter, c.halves.source, c.halves.env)).sessions) ids.add(id);
          appendFileSync(c.halves.source.path, c.halves.full.subarray(cuts[i]));
          for (const id of (await captureSource(store, adapter, c.halves.source, c.halves.env)).sessions) ids.add(id);
        }
        return [ids, await projected(store, ids)] as const;
      });
      for (const c of copies) for (const d of [c.whole.dir, c.halves.dir]) rmSync(d, { recursive: true, force: true });
      assert.deepEqual([...halfIds].sort(), [...wholeIds].sort(), 'session ids');
      const failures: string[] = [];
      for (const [id, msgs] of wholeView) {
        try {
          assert.deepEqual(halfView.get(id), msgs);
        } catch (e) {
          failures.push(`${from.get(id)} session ${id}: ${(e as Error).message.slice(0, 1500)}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('bounded passes: reading pass after pass with a small byte budget gives what one whole read gives', async () => {
      const failures: string[] = [];
      for (const s of sources) {
        const whole = await safeRead(adapter, source(s), null, env);
        const latest = new Map<string, Map<string, unknown>>(); // session → msg_id → newest version
        let cursor: unknown = null;
        let last: ReadResult | null = null;
        for (let pass = 0; ; pass++) {
          const r: ReadResult = await adapter.read(source(s), cursor, env, { maxBytes: 1500 });
          for (const x of r.sessions) {
            const m = latest.get(x.nativeId) ?? new Map<string, unknown>();
            for (const msg of x.messages) m.set(msg.msg_id, msg);
            latest.set(x.nativeId, m);
          }
          cursor = r.cursor;
          last = r.sessions.length ? r : last;
          if (!r.more) break;
          if (pass > 100_000) throw new Error(`${s.rel}: passes never end`);
        }
        for (const x of whole.sessions) {
          const got = latest.get(x.nativeId);
          try {
            assert.deepEqual([...(got?.values() ?? [])], x.messages);
          } catch (e) {
            failures.push(`${s.rel} session ${x.nativeId}: ${(e as Error).message.slice(0, 800)}`);
          }
          const header = last?.sessions.find((y) => y.nativeId === x.nativeId)?.header;
          if (header?.title !== x.header.title) failures.push(`${s.rel} session ${x.nativeId}: title ${header?.title} after passes, ${x.header.title} whole`);
        }
      }
      assert.deepEqual(failures, []);
    });

    describe('bad input never throws; the valid rest is read and the problem named', () => {
      for (const rel of corpus.small) {
        const src = (): CorpusSource => sources.find((s) => s.rel === rel)!;
        const run = (name: string, fn: (c: Copy, s: CorpusSource, t: TestContext) => Promise<void>) =>
          test(`${name}: ${rel}`, async (t) => {
            const s = src();
            const c = makeCopy(corpus, s);
            try {
              await fn(c, s, t);
            } finally {
              rmSync(c.dir, { recursive: true, force: true });
            }
          });
        const clean = (c: Copy) => safeRead(adapter, c.source, null, c.env);

        run('truncated', async (c, s) => {
          const whole = await clean(c);
          if (s.kind === 'jsonl') {
            // Every byte offset: a partial last line waits, and nothing new appears.
            const wholeIds = idSet(whole);
            const fd = openSync(c.target, 'r+');
            try {
              for (let n = c.full.length - 1; n >= 0; n--) {
                ftruncateSync(fd, n);
                const r = await safeRead(adapter, c.source, null, c.env, `${c.target} cut at ${n}`);
                for (const id of idSet(r)) assert.ok(wholeIds.has(id), `cut at ${n}: message ${id.replace('\0', ' ')} is not in the whole read`);
              }
            } finally {
              closeSync(fd);
            }
            return;
          }
          for (const n of sampleOffsets(c.full.length)) {
            const part = c.full.subarray(0, n);
            writeFileSync(c.target, part);
            const r = await safeRead(adapter, c.source, null, c.env, `${c.target} cut at ${n}`);
            if (s.kind !== 'sqlite' && part.toString('utf8').trim() !== c.full.toString('utf8').trim()) {
              assert.ok(problemsAt(r, c.target).length > 0, `cut at ${n}: no problem names ${c.target}: ${JSON.stringify(r.problems)}`);
            }
          }
        });

        run('garbage lines', async (c, s, t) => {
          if (s.kind === 'sqlite') return t.skip('SQLite: see the corrupt-database case');
          const whole = await clean(c);
          const rand = rng(0x5eed + rel.length);
          writeFileSync(c.target, withGarbage(c.full, garbageLines(rand), rand));
          const r = await safeRead(adapter, c.source, null, c.env);
          const named = problemsAt(r, c.target);
          if (s.kind === 'jsonl') {
            assert.ok(named.length >= INVALID_JSON, `expected ≥ ${INVALID_JSON} problems naming ${c.target}, got ${JSON.stringify(r.problems)}`);
            assert.ok(
              named.every((p) => p.where),
              'JSONL problems name the line',
            );
            assert.deepEqual(isSubMultiset(contentSignatures(whole), contentSignatures(r)), [], 'messages lost next to the garbage');
          } else {
            assert.ok(named.length > 0, `no problem names ${c.target}: ${JSON.stringify(r.problems)}`);
          }
        });

        run('invalid UTF-8 and lone surrogates', async (c, s) => {
          let changed: number;
          if (s.kind === 'sqlite') {
            recordSqlite = false;
            const db = new Database(c.target);
            changed = 0;
            try {
              // JSON-holding columns: Cursor's key-value tables, the Kilo CLI's message/part rows.
              for (const [table, column] of [
                ['cursorDiskKV', 'value'],
                ['ItemTable', 'value'],
                ['message', 'data'],
                ['part', 'data'],
              ] as const) {
                if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(table)) continue;
                const rows = db.prepare(`SELECT rowid, ${column} AS value FROM ${table}`).all() as Array<{ rowid: number; value: unknown }>;
                for (const row of rows) {
                  if (row.value === null) continue;
                  const bad = withBadText(Buffer.from(row.value as string | Buffer), 2);
                  if (!bad.changed) continue;
                  db.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`).run(bad.buf, row.rowid);
                  changed += bad.changed;
                }
              }
            } finally {
              db.close();
              recordSqlite = true;
            }
          } else {
            const bad = withBadText(c.full);
            writeFileSync(c.target, bad.buf);
            changed = bad.changed;
          }
          assert.ok(changed > 0, 'no string value to damage');
          const r = await safeRead(adapter, c.source, null, c.env);
          const n = idSet(r).size;
          assert.ok(n > 0, 'no messages read');
          await withStore(async (store) => {
            const rep = await captureSource(store, adapter, c.source, c.env);
            assert.deepEqual(engineProblems(rep), [], 'the engine refused messages');
            assert.equal(rep.messagesAdded, n);
            const view = await projected(store, rep.sessions);
            assert.equal(
              [...view.values()].reduce((a, m) => a + m.length, 0),
              n,
            );
          });
        });

        run('a single 100 MB line', async (c, s, t) => {
          if (s.kind === 'sqlite') return t.skip('SQLite has no lines');
          const whole = await clean(c);
          const rss = process.memoryUsage().rss;
          if (s.kind === 'jsonl') {
            const cut = middleLineBoundary(c.full);
            writeWithBigLine(c.target, c.full.subarray(0, cut), '{"type":"user","text":"', '"}\n', c.full.subarray(cut));
          } else {
            const brace = c.full.indexOf('{');
            assert.ok(brace >= 0, 'no object to pad');
            writeWithBigLine(c.target, c.full.subarray(0, brace + 1), '"x_padding":"', '",', c.full.subarray(brace + 1));
          }
          const r = await safeRead(adapter, c.source, null, c.env);
          const grown = (process.memoryUsage().rss - rss) / 1024 / 1024;
          rmSync(c.target);
          t.diagnostic(`rss grew ${grown.toFixed(0)} MB`);
          if (s.kind === 'jsonl') {
            assert.ok(problemsAt(r, c.target).length > 0, `the skipped line is not reported: ${JSON.stringify(r.problems)}`);
            assert.deepEqual(contentSignatures(r), contentSignatures(whole), 'the lines around the big one');
            assert.ok(grown < 200, `memory grew by ${grown.toFixed(0)} MB`);
          } else {
            // A valid document with a big field: read it, or refuse it by name; never crash.
            const same = isSubMultiset(contentSignatures(whole), contentSignatures(r)).length === 0;
            assert.ok(same || problemsAt(r, c.target).length > 0, 'neither read nor reported');
          }
        });

        run('a FIFO where a file should be: refused by name, never opened for a blocking read', async (c) => {
          // Without a writer, open(2) on a FIFO waits forever: this case would hang, not fail.
          rmSync(c.target);
          execFileSync('mkfifo', [c.target]);
          const r = await safeRead(adapter, c.source, null, c.env);
          assert.ok(
            problemsAt(r, c.target).some((p) => /not a regular file \(FIFO\)/.test(p.message)),
            `the FIFO is not named: ${JSON.stringify(r.problems)}`,
          );
        });

        run('JSON nested 100,000 deep: skipped and named; the rest is read and stored', async (c, s) => {
          const whole = await clean(c);
          if (s.kind === 'sqlite') {
            // The first JSON value of each JSON-holding table becomes a deep document.
            recordSqlite = false;
            const db = new Database(c.target);
            try {
              for (const [table, column] of [
                ['cursorDiskKV', 'value'],
                ['ItemTable', 'value'],
                ['message', 'data'],
                ['part', 'data'],
              ] as const) {
                if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(table)) continue;
                const row = db.prepare(`SELECT rowid FROM ${table} WHERE ${column} LIKE '{%' LIMIT 1`).get() as { rowid: number } | undefined;
                if (!row) continue;
                const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`);
                try {
                  update.run(`{"deep":${deepArray()}}`, row.rowid);
                } catch {
                  // A json_valid() check (Kilo): SQLite's JSON refuses more than 1,000 levels; 900 is still over our 512.
                  update.run(`{"deep":${deepArray(900)}}`, row.rowid);
                }
              }
            } finally {
              db.close();
              recordSqlite = true;
            }
          } else if (s.kind === 'jsonl') {
            const cut = middleLineBoundary(c.full);
            writeFileSync(c.target, Buffer.concat([c.full.subarray(0, cut), Buffer.from(`{"type":"user","deep":${deepArray()}}\n`), c.full.subarray(cut)]));
          } else {
            const brace = c.full.indexOf('{');
            assert.ok(brace >= 0, 'no object to nest into');
            writeFileSync(c.target, Buffer.concat([c.full.subarray(0, brace + 1), Buffer.from(`"x_deep":${deepArray()},`), c.full.subarray(brace + 1)]));
          }
          const r = await safeRead(adapter, c.source, null, c.env);
          if (s.kind === 'jsonl') {
            assert.ok(
              problemsAt(r, c.target).some((p) => p.where && /nested deeper than 512 levels/.test(p.message)),
              `the deep line is not named: ${JSON.stringify(r.problems)}`,
            );
            assert.deepEqual(isSubMultiset(contentSignatures(whole), contentSignatures(r)), [], 'messages lost next to the deep line');
          } else if (s.kind !== 'sqlite') {
            // A whole document nested too deep: read without the deep part, or refused by name; never a crash.
            const same = isSubMultiset(contentSignatures(whole), contentSignatures(r)).length === 0;
            assert.ok(same || problemsAt(r, c.target).length > 0, 'neither read nor reported');
          }
          // Whatever the adapter returned can be stored: nothing deep reaches the log to fail every retry.
          await withStore(async (store) => {
            const rep = await captureSource(store, adapter, c.source, c.env);
            assert.equal(rep.failed, false, `capture failed: ${JSON.stringify(rep.problems)}`);
            assert.deepEqual(
              rep.problems.filter((p) => /not stored|Maximum call stack/.test(p.message)),
              [],
            );
          });
        });

        run('empty file', async (c, s) => {
          writeFileSync(c.target, '');
          const r = await safeRead(adapter, c.source, null, c.env);
          if (s.kind === 'json' || s.kind === 'folder') assert.ok(problemsAt(r, c.target).length > 0, `no problem names ${c.target}`);
          if (s.kind !== 'folder') assert.equal(allMessages(r).length, 0);
        });

        run('a directory where a file should be', async (c, s) => {
          rmSync(c.target);
          mkdirSync(c.target);
          const r = await safeRead(adapter, c.source, null, c.env);
          assert.ok(problemsAt(r, c.target).length > 0, `no problem names ${c.target}: ${JSON.stringify(r.problems)}`);
          if (s.kind === 'folder') {
            // …and a file where the source folder should be.
            rmSync(c.source.path, { recursive: true });
            writeFileSync(c.source.path, '{}');
            const r2 = await safeRead(adapter, c.source, null, c.env);
            assert.ok(problemsAt(r2, c.source.path).length > 0, `no problem names ${c.source.path}: ${JSON.stringify(r2.problems)}`);
          }
        });

        run('an unreadable file', async (c, _s, t) => {
          if (IS_ROOT) return t.skip('running as root: chmod 000 does not stop root from reading');
          chmodSync(c.target, 0);
          try {
            const r = await safeRead(adapter, c.source, null, c.env);
            assert.ok(problemsAt(r, c.target).length > 0, `no problem names ${c.target}: ${JSON.stringify(r.problems)}`);
          } finally {
            chmodSync(c.target, 0o644);
          }
        });

        if (corpus.small.some((r) => r.endsWith('.vscdb') || r.endsWith('.db'))) {
          run('a locked database', async (c, s, t) => {
            if (s.kind !== 'sqlite') return t.skip('not a database');
            const whole = await clean(c);
            recordSqlite = false;
            const locker = new Database(c.target);
            locker.pragma('journal_mode = DELETE');
            locker.exec('BEGIN EXCLUSIVE');
            locker.exec('CREATE TABLE sfs_lock_probe (x)');
            recordSqlite = true;
            try {
              const started = Date.now();
              const r = await safeRead(adapter, c.source, null, c.env);
              const ms = Date.now() - started;
              t.diagnostic(`read of a locked DB took ${ms} ms; ${r.problems.length} problems, ${r.sessions.length} sessions`);
              assert.ok(ms < 10_000, `read of a locked DB took ${ms} ms`);
              // Either the committed state is read (SQLite keeps it intact under the lock) or the lock is reported.
              const same = JSON.stringify(r.sessions.map((x) => x.messages)) === JSON.stringify(whole.sessions.map((x) => x.messages));
              assert.ok(same || problemsAt(r, c.target).length > 0, `locked DB neither read nor reported: ${JSON.stringify(r.problems)}`);
            } finally {
              recordSqlite = false;
              locker.exec('ROLLBACK');
              locker.close();
              recordSqlite = true;
            }
          });

          run('a WAL-mode database whose tool is closed: nothing is created beside it', async (c, s, t) => {
            if (s.kind !== 'sqlite') return t.skip('not a database');
            const whole = await clean(c);
            recordSqlite = false;
            const db = new Database(c.target);
            db.pragma('journal_mode = WAL');
            db.close(); // the last connection checkpoints and removes -wal and -shm
            recordSqlite = true;
            const before = readdirSync(path.dirname(c.target)).sort();
            const r = await safeRead(adapter, c.source, null, c.env);
            assert.deepEqual(readdirSync(path.dirname(c.target)).sort(), before, 'files appeared beside the database');
            assert.deepEqual(
              r.sessions.map((x) => x.messages),
              whole.sessions.map((x) => x.messages),
            );
          });

          run('a corrupt database', async (c, s, t) => {
            if (s.kind !== 'sqlite') return t.skip('not a database');
            const rand = rng(7);
            const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
            writeFileSync(c.target, Buffer.concat([noise(100), c.full.subarray(100)]));
            const r = await safeRead(adapter, c.source, null, c.env);
            assert.ok(problemsAt(r, c.target).length > 0, `corrupt header not reported: ${JSON.stringify(r.problems)}`);
            // Scrambled pages after a good header: whatever is readable, nothing throws.
            const fd = openSync(c.target, 'r+');
            try {
              writeSync(fd, c.full.subarray(0, 100), 0, 100, 0);
              for (let at = 4096; at < c.full.length; at += 4096) writeSync(fd, noise(512), 0, 512, at + 100);
            } finally {
              closeSync(fd);
            }
            await safeRead(adapter, c.source, null, c.env);
          });
        }
      }
    });
  });
}

describe('every adapter, every fixture', () => {
  test('any fixture file or folder given to any adapter: no exception', async () => {
    const entries: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        entries.push(full);
        if (e.isDirectory()) walk(full);
      }
    };
    walk(fixtures);
    // A WAL database with its -shm present is opened in place, and SQLite readers write read marks
    // into the -shm: that is how a live store is read, but not something to do to shared fixtures.
    const files = entries.filter((p) => !existsSync(p + '-shm'));
    for (const corpus of CORPUS) {
      const adapter = adapterFor(corpus.tool)!;
      for (const p of files)
        await safeRead(adapter, { path: p, style: p.endsWith('.jsonl') ? 'append' : 'rewrite' }, null, { home, platform: process.platform, env: {} });
    }
  });

  test('native stores are only read: fixtures byte-identical, SQLite opened read-only', () => {
    const now = hashTree(fixtures);
    const changed = [...new Set([...fixtureHashes.keys(), ...now.keys()])].filter((f) => fixtureHashes.get(f) !== now.get(f));
    assert.deepEqual(changed, [], 'fixture files changed, appeared or disappeared');
    assert.ok(sqliteUse.size > 0, 'no SQLite source was opened (the read-only check would prove nothing)');
    const writable = [...sqliteUse].filter(([, ro]) => !ro).map(([f]) => f);
    assert.deepEqual(writable, [], 'SQLite files opened writable by an adapter');
  });
});
