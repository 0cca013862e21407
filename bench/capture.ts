import { appendFileSync, closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapter as claude } from '../adapters/claude-code/index.js';
import { captureSource } from '../engine/capture/capture-source.js';
import type { AdapterEnv } from '../engine/capture/contract.js';
import { search } from '../engine/queries/search.js';
import { Store } from '../engine/store.js';
import { promptLine, writeClaudeSession } from './claude-session.js';
import { fmt, median, nowMs, percentile, ratio, runWorker, tempDir, type Scale, type Section } from './lib.js';

/**
 * Capture benchmarks on one generated Claude Code session:
 * - throughput: the claude-code adapter + captureSource into a fresh store, against a raw
 *   streamed JSON.parse of every line of the same file (goal ≥ 50 % of raw);
 * - incremental latency: one line appended to a 1 / 10 / 100 MB session until `search`
 *   finds it (captureSource from the cursor, projections caught up), against the raw cost
 *   of appending the line and reading it back parsed (goals: a ratio to that, flat across sizes).
 */
const MB = 2 ** 20;
/**
 * One line until searchable, against the bare append + read + parse of that line (interleaved, one
 * each per iteration). The engine also stores it in the log, folds it into the projections and runs
 * an FTS query, each a database transaction: a few hundred times the bare file work is its budget.
 */
const LATENCY_RATIO = 300;
const SESSION = '5e551011-0000-4000-8000-00000000be9c';

function storeIn(dir: string): Promise<Store> {
  return Store.open({ dataDir: join(dir, 'data'), configDir: dir, stateDir: join(dir, 'state') });
}

function envFor(home: string): AdapterEnv {
  return { home, platform: process.platform, env: {} };
}

function sessionDir(home: string): string {
  const dir = join(home, '.claude/projects/-home-dev-projects-demo-app');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const WORKER = fileURLToPath(new URL('./capture-worker.js', import.meta.url));

interface WorkerRun {
  ms: number;
  mb: number;
  peakRssMb: number;
  messages?: number;
  catchUpMs?: number;
}

export async function runCaptureThroughput(sc: Scale): Promise<Section> {
  const size = sc === 'small' ? 4 * MB : 100 * MB;
  const t = tempDir('capture');
  try {
    const home = join(t.dir, 'home');
    const s = writeClaudeSession(sessionDir(home), SESSION, size);
    const mb = s.bytes / MB;
    // Each run in its own process: the figures and the peak RSS are that run's alone.
    // Interleaved, raw capture raw capture raw, so a change of machine load falls on both.
    const raws: WorkerRun[] = [];
    const runs: WorkerRun[] = [];
    for (let i = 0; i < 3; i++) {
      raws.push(await runWorker<WorkerRun>(WORKER, ['raw', s.file]));
      if (i < 2) runs.push(await runWorker<WorkerRun>(WORKER, ['capture', s.file, home, join(t.dir, `store${i}`)]));
    }
    const rate = (r: WorkerRun) => mb / (r.ms / 1000);
    const raw = median(raws.map(rate));
    const cap = median(runs.map(rate));
    const rawRss = median(raws.map((r) => r.peakRssMb));
    const capRss = median(runs.map((r) => r.peakRssMb));
    return {
      title: 'Capture throughput (Claude Code session, MB/s)',
      header: [
        'file',
        'lines',
        'messages',
        'raw streamed JSON.parse',
        'adapter + captureSource',
        'ratio',
        'capture wall',
        'peak RSS raw / capture',
        'then projections catch-up',
      ],
      rows: [
        [
          `${fmt(mb, 1)} MB`,
          fmt(s.lines),
          fmt(runs[0]!.messages!),
          fmt(raw, 1),
          fmt(cap, 1),
          ratio(cap, raw),
          `${fmt(median(runs.map((r) => r.ms)) / 1000, 2)} s`,
          `${fmt(rawRss)} / ${fmt(capRss)} MB`,
          `${fmt(median(runs.map((r) => r.catchUpMs!)) / 1000, 2)} s`,
        ],
      ],
      notes: [
        'The session repeats the record shapes of the Claude Code 2.1.197 fixture transcripts (prompts, assistant block lines with usage, tool calls and results, thinking, titles, attachments, system records) with fresh ids per copy.',
        "Raw: the file streamed in 1 MiB chunks, split at newlines, every line JSON.parse-d (median of 3). Capture: claude-code adapter read from an empty cursor + captureSource (schema validation, de-duplication, events and cursor appended to the log) into a fresh store (median of 2), the runs interleaved raw, capture, raw, capture, raw. Every run is its own process; peak RSS is that process's (capture: measured before the projections catch up). Projection catch-up (what makes it searchable) is shown apart and not part of the ratio.",
        'Capture reads an append-style file in passes of 8 MiB, each stored with its cursor while the next is parsed, so its memory does not grow with the file (read whole, this 100 MB session took 1.3 GB).',
      ],
      goals: [{ name: 'capture ≥ 50 % of raw JSON.parse', met: cap >= 0.5 * raw, detail: `${ratio(cap, raw)} of raw (${fmt(cap, 1)} vs ${fmt(raw, 1)} MB/s)` }],
    };
  } finally {
    t.remove();
  }
}

export async function runCaptureLatency(sc: Scale): Promise<Section> {
  const sizes = sc === 'small' ? [1, 4] : [1, 10, 100];
  const iterations = sc === 'small' ? 10 : 20;
  const rows: string[][] = [];
  const p50s: number[] = [];
  const goals: Section['goals'] = [];
  for (const sizeMb of sizes) {
    const t = tempDir('latency');
    try {
      const home = join(t.dir, 'home');
      const s = writeClaudeSession(sessionDir(home), SESSION, sizeMb * MB);
      const env = envFor(home);
      const store = await storeIn(join(t.dir, 'store'));
      const source = { path: s.file, style: 'append' as const };
      try {
        await captureSource(store, claude, source, env);
        await store.view();
        const lat: number[] = [];
        const raw: number[] = [];
        let parent: string | null = null;
        for (let i = 0; i < iterations + 2; i++) {
          // Baseline: append the line and read it back parsed, nothing else.
          const word = `zqxlat${sizeMb}n${i}w`;
          const uuid = randomUUID();
          const line = promptLine(SESSION, uuid, parent, word);
          parent = uuid;
          const r0 = nowMs();
          const end = statSync(s.file).size;
          appendFileSync(s.file, line);
          const fd = openSync(s.file, 'r');
          const buf = Buffer.alloc(Buffer.byteLength(line));
          readSync(fd, buf, 0, buf.length, end);
          closeSync(fd);
          JSON.parse(buf.toString('utf8'));
          const rawMs = nowMs() - r0;
          // Engine: capture from the cursor, fold into the projections, search.
          const t0 = nowMs();
          await captureSource(store, claude, source, env);
          const hits = search(await store.view(), { query: word, limit: 5 });
          const ms = nowMs() - t0 + rawMs;
          if (!hits.length) throw new Error(`appended line not found by search at ${sizeMb} MB`);
          if (i >= 2) {
            lat.push(ms);
            raw.push(rawMs);
          }
        }
        const p50 = median(lat);
        p50s.push(p50);
        rows.push([`${sizeMb} MB`, fmt(median(raw), 3), fmt(p50, 2), fmt(percentile(lat, 95), 2), fmt(Math.max(...lat), 2)]);
        const rawP50 = median(raw);
        goals.push({
          name: `append → searchable ≤ ${LATENCY_RATIO}× the raw append + read back + parse at ${sizeMb} MB`,
          met: p50 <= LATENCY_RATIO * rawP50,
          detail: `${ratio(p50, rawP50)} (p50 ${fmt(p50, 2)} vs raw ${fmt(rawP50, 3)} ms; engine p95 ${fmt(percentile(lat, 95), 2)} ms)`,
        });
      } finally {
        await store.close();
      }
    } finally {
      t.remove();
    }
  }
  const spread = Math.max(...p50s) / Math.min(...p50s);
  goals.push({ name: 'append → searchable flat across sizes', met: spread < 2, detail: `largest p50 / smallest p50 = ${spread.toFixed(2)}` });
  return {
    title: 'Incremental capture latency: one appended line until searchable (ms)',
    header: ['session', 'raw append + read back + parse p50', 'engine p50', 'engine p95', 'engine max'],
    rows,
    notes: [
      `${iterations} appends per size after 2 warm-ups; each appends one Claude Code user-prompt line with a unique word, then runs captureSource from the stored cursor, catches the projections up and searches for the word (the figure includes the append itself).`,
      'The daemon adds its debounce (300 ms by default) before this path starts; that wait is a setting, not work, and is not included.',
    ],
    goals,
  };
}
