import { ClassicLevel } from 'classic-level';
import { encode } from '../engine/log/codec.js';
import { LocalLog } from '../engine/log/local-log.js';
import type { NewEvent } from '../engine/model/events.js';
import { Corpus, sessionId, Vocabulary } from './corpus.js';
import { fmt, median, nowMs, ratio, tempDir, type Goal, type Scale, type Section } from './lib.js';

/**
 * Log append throughput: `messages.captured` events of one ~1 KB message each through
 * LocalLog.append (validation, dedupe lookups, index entries), against a bare
 * classic-level batch put of 1 KB values in the same batch sizes.
 */

const SESSIONS = 100;
const WARMUP_BATCHES = 3;

function makeEvents(n: number): NewEvent[] {
  const corpus = new Corpus(new Vocabulary(), n, 5);
  const out: NewEvent[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % SESSIONS;
    out.push({ type: 'messages.captured', session: sessionId(s), body: { messages: [corpus.message(i, s, 820)] }, ts: 1_767_225_600_000 + i });
  }
  return out;
}

async function rawRate(values: Uint8Array[], batch: number): Promise<number> {
  const tmp = tempDir('raw');
  const db = new ClassicLevel<string, Uint8Array>(tmp.dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    let pos = 0;
    const put = (from: number) =>
      db.batch(values.slice(from, from + batch).map((value) => ({ type: 'put' as const, key: `e!${(++pos).toString(16).padStart(12, '0')}`, value })));
    const start = WARMUP_BATCHES * batch;
    for (let i = 0; i < start; i += batch) await put(i);
    const t0 = nowMs();
    for (let i = start; i < values.length; i += batch) await put(i);
    return ((values.length - start) / (nowMs() - t0)) * 1000;
  } finally {
    await db.close();
    tmp.remove();
  }
}

async function logRate(events: NewEvent[], batch: number, dedupe: boolean, probe?: Probe): Promise<number> {
  const tmp = tempDir('log');
  const log = await LocalLog.open(tmp.dir);
  try {
    const start = WARMUP_BATCHES * batch; // also compiles the Ajv validators
    for (let i = 0; i < start; i += batch) await log.append({ events: events.slice(i, i + batch), dedupe });
    if (probe) instrument(log, probe);
    const t0 = nowMs();
    for (let i = start; i < events.length; i += batch) await log.append({ events: events.slice(i, i + batch), dedupe });
    const ms = nowMs() - t0;
    if (probe) probe.totalMs = ms;
    return ((events.length - start) / ms) * 1000;
  } finally {
    await log.close();
    tmp.remove();
  }
}

/** Where LocalLog.append spends its time: awaiting reads, awaiting the batch write; the rest is CPU. */
interface Probe {
  reads: number;
  readMs: number;
  batchMs: number;
  totalMs: number;
}

function instrument(log: LocalLog, p: Probe): void {
  const db = log.db as unknown as Record<'get' | 'getMany' | 'batch', (...a: unknown[]) => unknown>;
  for (const name of ['get', 'getMany'] as const) {
    const orig = db[name].bind(db) as (...a: unknown[]) => Promise<unknown>;
    db[name] = async (...a: unknown[]) => {
      const t0 = nowMs();
      try {
        return await orig(...a);
      } finally {
        p.reads++;
        p.readMs += nowMs() - t0;
      }
    };
  }
  // The log writes with a chained batch: time its write(), the part that waits on LevelDB.
  const origBatch = db.batch.bind(db);
  db.batch = (...a: unknown[]) => {
    const b = origBatch(...a) as { write?: (...w: unknown[]) => Promise<void> } & PromiseLike<unknown>;
    if (a.length || typeof b.write !== 'function') return b;
    const write = b.write.bind(b);
    b.write = async (...w: unknown[]) => {
      const t0 = nowMs();
      try {
        return await write(...w);
      } finally {
        p.batchMs += nowMs() - t0;
      }
    };
    return b;
  };
}

export async function runAppend(scale: Scale): Promise<Section> {
  const n = scale === 'small' ? 4_000 : 23_000;
  const events = makeEvents(n);
  const values = events.map((e) => encode(e.body));
  const avgBytes = values.reduce((a, v) => a + v.byteLength, 0) / values.length;
  const rows: string[][] = [];
  const goals: Goal[] = [];
  const probes: string[] = [];
  for (const batch of [100, 1000]) {
    // Interleaved, raw plain dedupe raw plain dedupe …, so a change of machine load falls on all three.
    const samples: Record<'raw' | 'plain' | 'dedupe', number[]> = { raw: [], plain: [], dedupe: [] };
    for (let i = 0; i < 3; i++) {
      samples.raw.push(await rawRate(values, batch));
      samples.plain.push(await logRate(events, batch, false));
      samples.dedupe.push(await logRate(events, batch, true));
    }
    const [raw, plain, dedupe] = [median(samples.raw), median(samples.plain), median(samples.dedupe)];
    rows.push([String(batch), fmt(raw), fmt(plain), ratio(plain, raw), fmt(dedupe), ratio(dedupe, raw)]);
    for (const [mode, rate, dd] of [
      ['no dedupe', plain, false],
      ['dedupe', dedupe, true],
    ] as const) {
      const p: Probe = { reads: 0, readMs: 0, batchMs: 0, totalMs: 0 };
      await logRate(events, batch, dd, p);
      const timed = n - WARMUP_BATCHES * batch;
      const share = (ms: number) => `${((ms / p.totalMs) * 100).toFixed(0)} %`;
      const cpu = p.totalMs - p.readMs - p.batchMs;
      const breakdown = `awaited reads (${(p.reads / (timed / batch)).toFixed(1)} db.get/getMany calls per append) take ${share(p.readMs)} of append time, the db.batch write ${share(p.batchMs)} (${ratio(p.batchMs, (timed / raw) * 1000)} the raw put of the same events, which writes one key per event), the rest (validation, hashing, encoding, building ops) ${share(cpu)}`;
      probes.push(`batch ${batch}, ${mode}: ${breakdown}.`);
      const biggest =
        p.readMs >= p.batchMs && p.readMs >= cpu
          ? 'the awaited reads'
          : p.batchMs >= cpu
            ? 'the batch write (keys and bytes per event)'
            : 'CPU work in appendNow/stage (profile with `node --cpu-prof`)';
      goals.push({
        name: `append ≥ 50 % of raw, batch ${batch}, ${mode}`,
        met: rate >= raw * 0.5,
        detail: `${ratio(rate, raw)} of raw`,
        hint: `${breakdown}. Largest share: ${biggest}.`,
      });
    }
  }
  return {
    title: 'Log append (events/s)',
    header: ['batch', 'raw classic-level put', 'LocalLog.append', 'ratio', 'LocalLog.append dedupe', 'ratio'],
    rows,
    notes: [
      `Median of 3 runs per cell, interleaved (raw, append, append with dedupe, raw, …), each ${fmt(n - WARMUP_BATCHES * 1000)}–${fmt(n - WARMUP_BATCHES * 100)} timed events after ${WARMUP_BATCHES} warm-up batches in a fresh database; each a \`messages.captured\` event with one message, msgpack body ${fmt(avgBytes)} B on average; ${SESSIONS} sessions; no fsync on either side.`,
      'LocalLog.append includes schema validation, dedupe lookups (dedupe column) and the index entries it writes in the same batch.',
      `Breakdown from one extra instrumented run per cell: ${probes.join(' ')}`,
    ],
    goals,
  };
}
