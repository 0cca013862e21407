import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shared helpers: timing, percentiles, memory, temp dirs, result sections. */

export type Scale = 'full' | 'small';

/**
 * `npm run bench -- --quick` (or BENCH_SCALE=quick, formerly BENCH_SCALE=small): every section at
 * a size that makes the whole run a regression check of under two minutes. Sections see it as 'small'.
 */
export function scale(argv = process.argv, env = process.env): Scale {
  return argv.includes('--quick') || env.BENCH_SCALE === 'quick' || env.BENCH_SCALE === 'small' ? 'small' : 'full';
}

/**
 * Runs the cases in turn, A B C A B C …, `rounds` times after one untimed round, so that a
 * change of machine load falls on every case alike; returns each case's samples (ms).
 */
export async function interleaved<K extends string>(rounds: number, cases: Record<K, () => Promise<number> | number>): Promise<Record<K, number[]>> {
  const names = Object.keys(cases) as K[];
  const out = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of names) await cases[k]();
  for (let i = 0; i < rounds; i++) for (const k of names) out[k].push(await cases[k]());
  return out;
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = nowMs();
  const value = await fn();
  return { ms: nowMs() - t0, value };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** Peak resident set of this process in MB (VmHWM when /proc has it, else maxRSS). */
export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

export function tempDir(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `sfs-bench-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { rng } from './rng.js';

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(a: number, b: number): string {
  return b ? `${(a / b).toFixed(2)}×` : '-';
}

export interface Goal {
  name: string;
  met: boolean;
  detail: string;
  /** Where to look first when the goal is missed, from figures of the same run. */
  hint?: string;
}

/** What one benchmark hands the runner: a table, notes and goal verdicts. */
export interface Section {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
  goals: Goal[];
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Runs a bench worker script in its own process (so its peak RSS is its own) and parses the JSON it prints. */
export function runWorker<T = any>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${script} exited ${code}`))));
  });
}
