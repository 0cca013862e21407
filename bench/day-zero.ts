import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, nowMs, runWorker, tempDir, type Scale, type Section } from './lib.js';
import { writeNativeCorpus } from './native-corpus.js';

/**
 * Day zero: a fresh store, thousands of sessions across the nine tools in a fake home, until
 * the first search answers. `sfs import --all` (importAll over every adapter, in a child
 * process whose peak RSS is measured; it returns with the projections caught up), then the
 * first `sfs search` in a fresh process, then a second one (what a later search costs).
 * Baseline, interleaved in the same run (raw, import, index, raw, import, index, …, raw): a child
 * process that reads and JSON.parses every file of the corpus. A second baseline, `index`, shows
 * the part of the ratio that is the index itself: the same messages (read back from the import's
 * projections outside its timer) inserted into a plain SQLite table and an FTS5 table with the
 * same tokenizer; floor + index is what an import that did nothing else would cost.
 */
const WORKER = fileURLToPath(new URL('./day-zero-worker.js', import.meta.url));
const CLI = fileURLToPath(new URL('../bin/main.js', import.meta.url));

/** First index to searchable, as a multiple of the read + parse floor (issue 11). */
const GOAL_RATIO = 2.5;
const GOAL_RSS_MB = 300;

interface Measured {
  ms: number;
  peakRssMb: number;
  [k: string]: any;
}

async function child(args: string[]): Promise<Measured & { wallMs: number }> {
  const t0 = nowMs();
  const r = await runWorker<Measured>(WORKER, args);
  return { ...r, wallMs: nowMs() - t0 };
}

function search(sfsHome: string, home: string): number {
  const t0 = nowMs();
  const r = spawnSync(process.execPath, [CLI, 'search', 'error', '--json'], {
    env: { ...process.env, HOME: home, SFS_HOME: sfsHome, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const ms = nowMs() - t0;
  if (r.status !== 0) throw new Error(`sfs search exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Sizes measured: 2,000 sessions always, 20,000 too at full scale (BENCH_DAY_ZERO=2000,20000 overrides). */
function sizes(sc: Scale): number[] {
  const env = process.env.BENCH_DAY_ZERO;
  if (env) return env.split(',').map(Number);
  return sc === 'full' ? [2_000, 20_000] : [2_000];
}

export async function runDayZero(sc: Scale): Promise<Section> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const goals: Section['goals'] = [];
  for (const target of sizes(sc)) {
    const rounds = target <= 5_000 ? 2 : 1;
    const t = tempDir('day-zero');
    try {
      const home = join(t.dir, 'home');
      mkdirSync(home);
      const g0 = nowMs();
      const corpus = writeNativeCorpus(home, target);
      const genS = (nowMs() - g0) / 1000;
      await child(['raw', home]); // warm the OS file cache for both
      const raws: Array<Measured & { wallMs: number }> = [];
      const runs: Array<{ imp: Measured & { wallMs: number }; first: number; later: number; index: number }> = [];
      for (let i = 0; i < rounds; i++) {
        raws.push(await child(['raw', home]));
        const sfs = join(t.dir, `sfs-${i}`);
        const imp = await child(['import', home, sfs]);
        const first = search(sfs, home);
        const later = search(sfs, home);
        const index = (await child(['index', sfs])).ms;
        runs.push({ imp, first, later, index });
      }
      raws.push(await child(['raw', home]));
      const floor = median(raws.map((r) => r.wallMs));
      const searchable = median(runs.map((r) => r.imp.wallMs + r.first));
      const rss = Math.max(...runs.map((r) => r.imp.peakRssMb));
      const indexMs = median(runs.map((r) => r.index));
      const irreducible = floor + indexMs;
      const last = runs[runs.length - 1]!;
      const caughtUp = runs.every((r) => r.imp.position === r.imp.head);
      const n = fmt(target);
      rows.push(
        [
          `${n}: raw read + JSON.parse (floor)`,
          fmt(corpus.sessions),
          '-',
          `${fmt(floor / 1000, 2)} s`,
          '1.00×',
          fmt(Math.max(...raws.map((r) => r.peakRssMb))),
        ],
        [
          `${n}: sfs import --all (capture + projections)`,
          fmt(last.imp.totals.sessionsNew),
          fmt(last.imp.totals.messagesAdded),
          `${fmt(median(runs.map((r) => r.imp.wallMs)) / 1000, 2)} s`,
          `${(median(runs.map((r) => r.imp.wallMs)) / floor).toFixed(2)}×`,
          fmt(rss),
        ],
        [
          `${n}: first sfs search after it`,
          '-',
          '-',
          `${fmt(median(runs.map((r) => r.first)), 0)} ms`,
          `${(median(runs.map((r) => r.first)) / floor).toFixed(2)}×`,
          '-',
        ],
        [
          `${n}: a later sfs search`,
          '-',
          '-',
          `${fmt(median(runs.map((r) => r.later)), 0)} ms`,
          `${(median(runs.map((r) => r.later)) / floor).toFixed(2)}×`,
          '-',
        ],
        [
          `${n}: raw SQLite + FTS5 insert of the same messages (index baseline, in-process)`,
          '-',
          fmt(last.imp.totals.messagesAdded),
          `${fmt(indexMs / 1000, 2)} s`,
          `${(indexMs / floor).toFixed(2)}×`,
          '-',
        ],
        [
          `${n}: floor + index baseline (nothing but read, parse and index)`,
          '-',
          '-',
          `${fmt(irreducible / 1000, 2)} s`,
          `${(irreducible / floor).toFixed(2)}×`,
          '-',
        ],
        [`${n}: import + first search (searchable)`, '-', '-', `${fmt(searchable / 1000, 2)} s`, `**${(searchable / floor).toFixed(2)}×**`, fmt(rss)],
      );
      const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(', ');
      const perTool = last.imp.tools.map((x: any) => `${x.tool} ${fmt(x.sources)}/${fmt(x.sessions)}`).join(', ');
      notes.push(
        `${n}: corpus of ${fmt(corpus.sessions)} sessions, ${fmt(corpus.bytes / 2 ** 20, 1)} MB of native files, generated in ${genS.toFixed(1)} s; ${rounds} round(s) interleaved with ${raws.length} floor runs (floor samples ${raws.map((r) => fmt(r.wallMs / 1000, 2)).join(', ')} s). Import CPU ${fmt(last.imp.cpuMs / 1000, 2)} s; searchable = ${(searchable / irreducible).toFixed(2)}× floor + index baseline (index samples ${runs.map((r) => fmt(r.index / 1000, 2)).join(', ')} s); load average ${load}; projections at the log head when import returned: ${caughtUp ? 'yes' : '**no**'} (${fmt(last.imp.position)}/${fmt(last.imp.head)} events). Sources/sessions per tool: ${perTool}; ${fmt(last.imp.totals.problems)} problems.`,
      );
      goals.push(
        {
          name: `${n} sessions: import to searchable ≤ ${GOAL_RATIO}× read + parse`,
          met: searchable / floor <= GOAL_RATIO && caughtUp && last.imp.totals.sessionsNew >= corpus.sessions * 0.85,
          detail: `${(searchable / floor).toFixed(2)}× (${fmt(searchable / 1000, 2)} s vs ${fmt(floor / 1000, 2)} s)`,
          hint: 'profile the import worker: node --cpu-prof dist/bench/day-zero-worker.js import HOME DIR',
        },
        { name: `${n} sessions: import peak RSS ≤ ${GOAL_RSS_MB} MB`, met: rss <= GOAL_RSS_MB, detail: `${fmt(rss)} MB` },
      );
    } finally {
      t.remove();
    }
  }
  notes.push(
    'Process wall times (node start-up included on both sides). The import returns with the projections caught up (folded along the way every 2,000 events), so the first search has nothing to fold and costs about what a later one does.',
  );
  return {
    title: 'Day zero: import to first search (2,000 and 20,000 sessions, nine tools)',
    header: ['pass', 'sessions', 'messages', 'wall', 'vs floor', 'peak RSS MB'],
    rows,
    notes,
    goals,
  };
}
