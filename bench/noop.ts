import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../cli/daemon/heap.js';
import { fmt, median, nowMs, ratio, tempDir, type Scale, type Section } from './lib.js';
import { writeNativeCorpus } from './native-corpus.js';

/**
 * Nothing changed → nothing read (issue 11, item 1). A native corpus across the nine tools
 * is imported once; then, interleaved (A B C A B C …), three whole processes on the
 * unchanged corpus: a bare walk that stats every file of it (the floor), a no-op
 * `sfs import --all`, and `sfs daemon run` from spawn until it logs "caught up; watching".
 * After the last daemon start its idle CPU and RSS are read from /proc over a quiet window.
 */
const CLI = fileURLToPath(new URL('../bin/main.js', import.meta.url));

/** The floor: readdir every directory under HOME and stat every file, in a fresh node process. */
const WALK = `const {readdirSync,statSync}=require('node:fs');const {join}=require('node:path');let n=0;
const walk=(d)=>{for(const e of readdirSync(d,{withFileTypes:true})){const p=join(d,e.name);if(e.isDirectory())walk(p);else{statSync(p);n++;}}};
walk(process.env.HOME);`;

/**
 * The floor for a daemon, which must also watch: the same walk plus one fs.watch per directory
 * (what the daemon's watcher adds per directory), ending once the last watch is in place.
 */
const WALK_WATCH = `const {readdirSync,statSync,watch}=require('node:fs');const {join}=require('node:path');let n=0;
const walk=(d)=>{watch(d,()=>{});for(const e of readdirSync(d,{withFileTypes:true})){const p=join(d,e.name);if(e.isDirectory())walk(p);else{statSync(p);n++;}}};
walk(process.env.HOME);process.exit(0);`;

function wallOf(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = nowMs();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = nowMs() - t0;
  if (r.status !== 0) throw new Error(`node ${args.slice(0, 3).join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

interface DaemonRun {
  ms: number;
  unchanged: number;
  idle?: { cpuPct: number; rssMb: number; windowS: number };
}

/** Ticks of user + system CPU of a process (Linux /proc). */
function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Spawn to "caught up; watching"; with idleS, then the idle CPU and RSS over that window; then SIGTERM. */
function daemonStart(env: NodeJS.ProcessEnv, idleS = 0): Promise<DaemonRun> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    // With the node flags `sfs daemon start` gives it (cli/daemon/heap.ts); its log on stderr (foreground).
    const p = spawn(process.execPath, [...DAEMON_NODE_FLAGS, CLI, 'daemon', 'run'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let done = false;
    let unchanged = 0;
    const timer = setTimeout(() => p.kill('SIGKILL'), 600_000);
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /"unchanged":(\d+)/.exec(err);
      if (m) unchanged = Number(m[1]);
      if (done || !err.includes('caught up; watching')) return;
      done = true;
      const ms = nowMs() - t0;
      const finish = (idle?: DaemonRun['idle']) => {
        p.once('close', () => {
          clearTimeout(timer);
          resolve({ ms, unchanged, ...(idle ? { idle } : {}) });
        });
        p.kill('SIGTERM');
      };
      if (!idleS || process.platform !== 'linux') return finish();
      // Let the watcher and the status writer settle, then measure a quiet window.
      setTimeout(() => {
        const c0 = cpuTicks(p.pid!);
        const w0 = nowMs();
        setTimeout(() => {
          const cpuS = (cpuTicks(p.pid!) - c0) / 100; // USER_HZ is 100 on Linux
          const windowS = (nowMs() - w0) / 1000;
          finish({ cpuPct: (100 * cpuS) / windowS, rssMb: rssMb(p.pid!), windowS });
        }, idleS * 1000);
      }, 3000);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(`sfs daemon run exited ${code} before catching up: ${err.slice(-500)}`));
      }
    });
  });
}

export async function runNoop(sc: Scale): Promise<Section> {
  const scales = sc === 'small' ? [2_000] : [2_000, 20_000];
  const rows: string[][] = [];
  const notes: string[] = [];
  const goals: Section['goals'] = [];
  for (const target of scales) {
    const t = tempDir(`noop-${target}`);
    try {
      const home = join(t.dir, 'home');
      mkdirSync(home);
      const corpus = writeNativeCorpus(home, target);
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SFS_HOME: join(t.dir, 'sfs'), NO_COLOR: '1' };
      for (const k of ['CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'GEMINI_CLI_HOME', 'COPILOT_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'SFS_DEBUG'])
        delete env[k];
      const f0 = nowMs();
      wallOf([CLI, 'import', '--all', '--json'], env);
      const firstS = (nowMs() - f0) / 1000;
      const noop = spawnSync(process.execPath, [CLI, 'import', '--all', '--json'], { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const totals = JSON.parse(noop.stdout).data.totals as { sources: number; unchanged: number; read: number };
      // Warm the OS caches for all three before timing.
      wallOf(['-e', WALK], env);
      await daemonStart(env);
      const runs = sc === 'small' ? 3 : target >= 20_000 ? 3 : 5;
      const walk: number[] = [];
      const walkWatch: number[] = [];
      const imp: number[] = [];
      const dmn: number[] = [];
      let idle: DaemonRun['idle'];
      let daemonUnchanged = 0;
      for (let i = 0; i < runs; i++) {
        walk.push(wallOf(['-e', WALK], env));
        walkWatch.push(wallOf(['-e', WALK_WATCH], env));
        imp.push(wallOf([CLI, 'import', '--all'], env));
        const d = await daemonStart(env, i === runs - 1 ? (sc === 'small' ? 10 : 20) : 0);
        dmn.push(d.ms);
        daemonUnchanged = d.unchanged;
        idle ??= d.idle;
      }
      const w = median(walk);
      const ww = median(walkWatch);
      const im = median(imp);
      const dm = median(dmn);
      const label = `${fmt(corpus.sessions)} sessions`;
      rows.push(
        [label, 'bare stat walk (node)', `${fmt(w)} ms`, '1.00×', '-'],
        [
          label,
          'no-op `sfs import --all`',
          `${fmt(im)} ms`,
          ratio(im, w),
          `${fmt(totals.unchanged)} of ${fmt(totals.sources)} sources unchanged, ${fmt(totals.read)} read`,
        ],
        [
          label,
          '`sfs daemon run` → caught up, watching',
          `${fmt(dm)} ms`,
          ratio(dm, w),
          `${fmt(daemonUnchanged)} sources unchanged; ${ratio(dm, ww)} the walk that also watches`,
        ],
        [label, 'bare stat walk + one fs.watch per directory (node)', `${fmt(ww)} ms`, ratio(ww, w), 'the floor of any daemon that watches every directory'],
      );
      if (idle) rows.push([label, 'daemon idle', `${idle.cpuPct.toFixed(2)} % CPU`, '-', `${fmt(idle.rssMb)} MB RSS over ${idle.windowS.toFixed(0)} s`]);
      notes.push(
        `${label}: ${fmt(corpus.bytes / 2 ** 20, 1)} MB of native files across the nine tools (bench/native-corpus.ts); first import ${firstS.toFixed(1)} s; medians of ${runs} interleaved runs (walk, import, daemon), whole processes from spawn.`,
      );
      if (target >= 20_000 || sc === 'small') {
        goals.push(
          {
            name: `no-op import ≤ 1.5× a bare stat walk (${label})`,
            met: im <= 1.5 * w,
            detail: `${ratio(im, w)} (${fmt(im)} ms vs ${fmt(w)} ms)`,
            hint: 'the pass makes fewer system calls than the walk; the rest is start-up and ~17 µs of JavaScript and GC per source (bench/PROFILES.md)',
          },
          {
            name: `daemon caught up and watching ≤ 1.5× a bare stat walk (${label})`,
            met: dm <= 1.5 * w,
            detail: `${ratio(dm, w)} (${fmt(dm)} ms vs ${fmt(w)} ms); ${ratio(dm, ww)} of the walk that also watches every directory (${fmt(ww)} ms)`,
            hint: 'one inotify watch per directory before the catch-up, the store lock and open, and GC with the young generation kept small for the idle RSS goal (bench/PROFILES.md)',
          },
        );
        if (idle)
          goals.push({
            name: `daemon idle < 0.5 % of a core and < 150 MB (${label})`,
            met: idle.cpuPct < 0.5 && idle.rssMb < 150,
            detail: `${idle.cpuPct.toFixed(2)} % CPU, ${fmt(idle.rssMb)} MB`,
          });
      }
    } finally {
      t.remove();
    }
  }
  notes.push(
    'The walk is the floor the goal is measured against: node start-up plus readdir of every directory and a stat of every file under HOME. The walk that also watches adds one fs.watch (an inotify watch) per directory, as the daemon must before it catches up; it is what a daemon start cannot go below.',
  );
  return {
    title: 'Nothing changed → nothing read (no-op import and daemon start-up)',
    header: ['corpus', 'pass', 'median', 'vs walk', 'detail'],
    rows,
    notes,
    goals,
  };
}
