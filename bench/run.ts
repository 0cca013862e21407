import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runAppend } from './append.js';
import { runCaptureLatency, runCaptureThroughput } from './capture.js';
import { runDayZero } from './day-zero.js';
import { runNoop } from './noop.js';
import { runColdStart } from './cold-start.js';
import { runRebuild } from './rebuild.js';
import { runRelayStart } from './relay-start.js';
import { runSearch } from './search.js';
import { runStoreSize } from './store-size.js';
import { runSync } from './sync.js';
import { runUi } from './ui.js';
import { runViews } from './views.js';
import { markdownTable, nowMs, scale, type Section } from './lib.js';

/**
 * `npm run bench`: runs every benchmark, prints the figures and overwrites
 * bench/RESULTS.md. `npm run bench -- --quick` (BENCH_SCALE=quick) runs every section small, as a
 * regression check of under two minutes; it prints and does not write RESULTS.md.
 */

// dist/bench/run.js → bench/RESULTS.md in the source tree.
const RESULTS = fileURLToPath(new URL('../../bench/RESULTS.md', import.meta.url));
const log = (s: string) => process.stderr.write(s + '\n');

const sc = scale();
const started = nowMs();
const loadBefore = loadavg()[0]!;
// BENCH_ONLY=sync,append runs a subset and only prints (RESULTS.md keeps the last full run).
const only = process.env.BENCH_ONLY?.split(',');
const all: Array<[string, () => Promise<Section>]> = [
  ['append', () => runAppend(sc)],
  ['rebuild', () => runRebuild(sc)],
  ['search', () => runSearch(sc, log)],
  ['cold start', () => runColdStart(sc)],
  ['sync', () => runSync(sc, log)],
  ['capture', () => runCaptureThroughput(sc)],
  ['incremental', () => runCaptureLatency(sc)],
  ['day-zero', () => runDayZero(sc)],
  ['noop', () => runNoop(sc)],
  ['ui', () => runUi(sc)],
  ['relay-start', () => runRelayStart(sc)],
  ['store-size', () => runStoreSize(sc)],
  ['views', () => runViews(sc, log)],
];
const benches = only ? all.filter(([name]) => only.includes(name)) : all;

const sections: Section[] = [];
for (const [name, run] of benches) {
  log(`${name}…`);
  const t0 = nowMs();
  // One failing benchmark (e.g. dist rebuilt underneath us) must not lose the others' figures.
  const section = await run().catch((err: unknown): Section => ({
    title: name,
    header: ['error'],
    rows: [
      [
        String((err as Error).message ?? err)
          .split('\n')[0]!
          .replace(/\|/g, '/'),
      ],
    ],
    notes: [],
    goals: [{ name: `${name} benchmark ran`, met: false, detail: 'failed, see its section' }],
  }));
  log(`${name} done in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
  log(markdownTable(section.header, section.rows) + '\n');
  // The notes carry the figures behind the table (CPU, samples, load): shown too when only a subset runs.
  if (only) for (const n of section.notes) log(`- ${n}`);
  sections.push(section);
}

const goals = sections.flatMap((s) => s.goals);
const cpu = cpus();
const lines = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` (scale: ${sc === 'full' ? 'full' : 'quick'}). Every figure stands beside a raw baseline measured in the same run.`,
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform} ${process.arch}`,
  `- node: ${process.version}`,
  `- total run time: ${((nowMs() - started) / 1000).toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end (other processes on the machine add noise)`,
  '',
  '## Goals',
  '',
  markdownTable(
    ['goal', 'result', 'figure'],
    goals.map((g) => [g.name, g.met ? 'met' : '**goal missed**', g.detail]),
  ),
  '',
];
const missed = goals.filter((g) => !g.met && g.hint);
if (missed.length) {
  lines.push('### Missed goals: what this run suggests', '');
  for (const g of missed) lines.push(`- **${g.name}**: ${g.hint}`);
  lines.push('');
}
for (const s of sections) {
  lines.push(`## ${s.title}`, '', markdownTable(s.header, s.rows), '');
  for (const n of s.notes) lines.push(`- ${n}`);
  lines.push('');
}
log(lines.slice(0, lines.indexOf('## ' + sections[0]!.title)).join('\n'));
if (only) {
  log('BENCH_ONLY set: bench/RESULTS.md not written (it keeps the last full run)');
} else {
  // A quick run is a regression check: its figures go beside the full run's, never over them.
  const file = sc === 'full' ? RESULTS : RESULTS.replace(/\.md$/, '-quick.md');
  writeFileSync(file, lines.join('\n'));
  log(`wrote ${file}`);
}
