import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, nowMs, ratio, tempDir, type Scale, type Section } from './lib.js';

/**
 * The embedded-database relay's start-up and idle memory: `sfs relay start` (PGlite) from process
 * spawn to its first `/health` 200, then its resident memory after 3 s idle. Baseline, in the same
 * loop (A B A B): a bare fastify server answering /health, started with `node -e`.
 */

const CLI = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASELINE = `import Fastify from 'fastify';
const app = Fastify();
app.get('/health', async () => ({ ok: true }));
console.log(await app.listen({ port: 0, host: '127.0.0.1' }));`;
const IDLE_MS = 3000;

interface Sample {
  startMs: number;
  rssMb: number;
}

function rssMb(pid: number): number {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024;
}

/** Spawns, waits for the URL on stdout, polls /health until 200, idles, reads RSS, stops the process. */
async function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const t0 = nowMs();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const seen = (d: Buffer) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) resolve(m[0]);
      };
      child.stdout!.on('data', seen);
      child.stderr!.on('data', (d) => (out += d));
      void exited.then((code) => reject(new Error(`exited ${code} before listening: ${out.slice(0, 500)}`)));
    });
    for (;;) {
      const ok = await fetch(url + '/health').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const startMs = nowMs() - t0;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { startMs, rssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function runRelayStart(scale: Scale): Promise<Section> {
  const runs = scale === 'small' ? 2 : 5;
  const tmp = tempDir('relay-start');
  try {
    const env = { ...process.env, SFS_HOME: join(tmp.dir, 'home'), SFS_LOG_LEVEL: 'warn' };
    const dataDir = join(tmp.dir, 'relay');
    const relay = [CLI, 'relay', 'start', '--port', '0', '--data-dir', dataDir, '--json'];
    const baseline = ['--input-type=module', '-e', BASELINE];
    // The first start creates the database (initdb) and applies the migrations: measured once.
    const first = await measure(relay, env);
    const samples = { relay: [] as Sample[], baseline: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      samples.baseline.push(await measure(baseline, env));
      samples.relay.push(await measure(relay, env));
    }
    const m = (s: Sample[], k: keyof Sample) => median(s.map((x) => x[k]));
    const start = m(samples.relay, 'startMs');
    const rss = m(samples.relay, 'rssMb');
    const baseStart = m(samples.baseline, 'startMs');
    const baseRss = m(samples.baseline, 'rssMb');
    const row = (name: string, s: Sample[]) => [
      name,
      m(s, 'startMs').toFixed(0),
      Math.min(...s.map((x) => x.startMs)).toFixed(0),
      Math.max(...s.map((x) => x.startMs)).toFixed(0),
      ratio(m(s, 'startMs'), baseStart),
      m(s, 'rssMb').toFixed(0),
      ratio(m(s, 'rssMb'), baseRss),
    ];
    return {
      title: 'Relay start-up and idle memory (embedded PGlite)',
      header: ['process', 'start median (ms)', 'min', 'max', 'vs baseline', 'idle RSS (MB)', 'vs baseline'],
      rows: [
        row('bare fastify /health (node -e)', samples.baseline),
        row('sfs relay start (PGlite, existing data)', samples.relay),
        [
          'sfs relay start (PGlite, first start: initdb)',
          first.startMs.toFixed(0),
          '',
          '',
          ratio(first.startMs, baseStart),
          first.rssMb.toFixed(0),
          ratio(first.rssMb, baseRss),
        ],
      ],
      notes: [
        `Start: process spawn → first \`/health\` 200 (polled every 20 ms). Idle RSS: VmRSS ${IDLE_MS / 1000} s after that. ${runs} runs each, interleaved (baseline, relay, …); the first start (empty data directory) once, before them.`,
      ],
      goals: [
        { name: 'embedded relay start < 3 s', met: start < 3000, detail: `${start.toFixed(0)} ms (bare fastify: ${baseStart.toFixed(0)} ms)` },
        {
          name: 'embedded relay idle RSS < 250 MB',
          met: rss < 250,
          detail: `${rss.toFixed(0)} MB (bare fastify: ${baseRss.toFixed(0)} MB; first start: ${first.rssMb.toFixed(0)} MB)`,
        },
      ],
    };
  } finally {
    tmp.remove();
  }
}
