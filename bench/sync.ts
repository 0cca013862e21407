import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import WebSocket from 'ws';
import { Store } from '../engine/store.js';
import type { NewEvent } from '../engine/model/events.js';
import type { AnyStoredEvent } from '../engine/model/events.js';
import { writeCredentials } from '../engine/replication/credentials.js';
import { startSync, type SyncHandle } from '../engine/replication/start-sync.js';
import { PROTOCOL_VERSIONS, decodeFrame, encodeFrame, packBody, type RelayFrame } from '../engine/replication/protocol.js';
import { Corpus, sessionId, Vocabulary } from './corpus.js';
import { fmt, median, nowMs, percentile, ratio, tempDir, type Goal, type Scale, type Section } from './lib.js';

/**
 * Sync through the relay against PostgreSQL at 127.0.0.1:5432 (SFS_BENCH_PG overrides), a
 * temporary database per run. The relay runs in a child process (bench/relay-worker) so its
 * CPU and RSS are its own; both client stores live in this process.
 *  - throughput: events from store A's log through the relay into PostgreSQL and out into
 *    store B's log, against a raw multi-row INSERT of the same rows with pg;
 *  - latency: one event appended on A until B's log has stored it;
 *  - memory: relay RSS with 1,000 idle connected clients.
 */

const PG_ADMIN = process.env.SFS_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORKER = fileURLToPath(new URL('./relay-worker.js', import.meta.url));
const CLIENT_WORKER = fileURLToPath(new URL('./sync-client-worker.js', import.meta.url));
/** The relay lets one token hold at most 16 sync sockets (server/sync-socket.ts): spread the clients over enough accounts. */
const accountsFor = (clients: number) => Math.ceil(clients / 16);
/** Events per session in the throughput runs: 2,000 sessions of 3 events at the small scale, as the issue measured. */
const EVENTS_PER_SESSION = 3;

interface TempDb {
  url: string;
  drop(): Promise<void>;
}

async function tempDatabase(): Promise<TempDb> {
  const name = 'sfs_bench_' + randomBytes(6).toString('hex');
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

interface RelayProc {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** BENCH_RELAY_PROF=<dir> runs the relay under --cpu-prof. */
async function spawnRelay(dbUrl: string): Promise<RelayProc> {
  const prof = process.env.BENCH_RELAY_PROF;
  const args = [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), WORKER, dbUrl];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.once('exit', (code) => reject(new Error(`relay worker exited (${code}) before listening`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Peak resident set (VmHWM) of a process so far, MB. */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function signup(relay: string, username: string): Promise<string> {
  const res = await fetch(relay + '/v1/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'bench password 1' }),
  });
  if (!res.ok) throw new Error(`signup ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function openStore(dir: string, relay: string, token: string, username: string): Promise<Store> {
  const paths = { dataDir: join(dir, 'data'), configDir: dir, stateDir: join(dir, 'state') };
  writeCredentials(paths, { relay, token, username, account_id: '' });
  return Store.open(paths);
}

export function makeEvents(n: number, sessions = Math.max(1, Math.round(n / EVENTS_PER_SESSION))): NewEvent[] {
  const corpus = new Corpus(new Vocabulary(), n, 7);
  return Array.from({ length: n }, (_, i) => ({
    type: 'messages.captured' as const,
    session: sessionId(i % sessions),
    body: { messages: [corpus.message(i, i % sessions, 820)] },
    ts: 1_767_225_600_000 + i,
  }));
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 2): Promise<void> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A value in COPY's text format: bytea as hex, text with its specials escaped. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Uint8Array) return '\\\\x' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return String(v).replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
}

/**
 * The database's floor for the same work: the rows the relay stores (space, rseq, origin, seq, type,
 * v, ts, session, msgpack body, dlp level) copied in with one COPY FROM STDIN into a copy of its
 * events table (same keys and indexes), committed, then copied out in relay order with one COPY TO
 * STDOUT. Rows per second over both.
 */
async function copyInOutRate(dbUrl: string, events: AnyStoredEvent[], table: string): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await c.query(`create table ${table} (like events including all)`);
    const bodies = events.map((e) => packBody(e.body));
    const t0 = nowMs();
    const lines = function* () {
      let chunk = '';
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        chunk += ['spc_raw', i + 1, e.origin, e.seq, e.type, e.v, e.ts, e.session, bodies[i], 2].map(copyText).join('\t') + '\n';
        if (chunk.length > 256 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    };
    await pipeline(Readable.from(lines()), c.query(copyFrom(`copy ${table} (space_id, rseq, origin, seq, type, v, ts, session, body, dlp_level) from stdin`)));
    let bytes = 0;
    await pipeline(
      c.query(copyTo(`copy (select origin, seq, type, v, ts, session, body from ${table} where space_id = 'spc_raw' order by rseq) to stdout`)),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done();
        },
      }),
    );
    if (!bytes) throw new Error('COPY out returned nothing');
    return (events.length / (nowMs() - t0)) * 1000;
  } finally {
    await c.end();
  }
}

interface Pair {
  relay: RelayProc;
  db: TempDb;
  A: Store;
  B: Store;
  syncB: SyncHandle;
  pulled: Array<() => void>;
  cleanup(): Promise<void>;
}

/** A fresh database and relay, store A filled with `events`, store B syncing and caught up. */
async function pair(events: NewEvent[]): Promise<Pair> {
  const db = await tempDatabase();
  const relay = await spawnRelay(db.url);
  const token = await signup(relay.url, 'bench');
  const [da, dbDir] = [tempDir('sync-a'), tempDir('sync-b')];
  const A = await openStore(da.dir, relay.url, token, 'bench');
  const B = await openStore(dbDir.dir, relay.url, token, 'bench');
  for (let i = 0; i < events.length; i += 1000) await A.log.append({ events: events.slice(i, i + 1000) });
  const pulled: Array<() => void> = [];
  const syncB = startSync(B, { onActivity: (what) => what === 'pulled' && pulled.splice(0).forEach((f) => f()) });
  await until('B connected', () => syncB.status().state === 'connected', 10_000);
  return {
    relay,
    db,
    A,
    B,
    syncB,
    pulled,
    async cleanup() {
      await syncB.stop();
      await A.close();
      await B.close();
      await relay.stop();
      await db.drop();
      da.remove();
      dbDir.remove();
    },
  };
}

interface ThroughputRun {
  raw: number;
  sync: number;
  pushMs: number;
  totalMs: number;
  /** CPU ms each process spent from A's start until B held everything (split runs only). */
  cpu?: { a: number; relay: number; b: number; pg: number };
  /** The relay process's RSS when B was caught up before the run, and its peak (VmHWM) once its views had folded the run (split runs only). */
  relayRss?: { before: number; peak: number };
  /** ms from A's start until the relay's server-side views had folded every event (split runs only). */
  viewsMs?: number;
  /** Events the relay's views had not folded yet when B held everything (split runs only): what the fold left to after the sync. */
  lagAtEnd?: number;
}

/** The relay's view lag in events (its /metrics, which answers loopback clients). */
async function viewLagEvents(relay: string): Promise<number> {
  const text = await (await fetch(relay + '/metrics')).text();
  const m = /^sfs_relay_view_lag_events (\d+)/m.exec(text);
  if (!m) throw new Error('the relay reports no view lag');
  return Number(m[1]);
}

/** CPU ms (user + system) a process has used so far, from /proc. */
function procCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** CPU ms used so far by every PostgreSQL process on this machine (the bench's server is local). */
function pgCpuMs(): number {
  let sum = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') sum += procCpuMs(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

export async function throughputRun(events: NewEvent[]): Promise<ThroughputRun> {
  const p = await pair(events);
  let syncA: SyncHandle | undefined;
  try {
    const stored = await p.A.log.read(0, events.length);
    const raw = await copyInOutRate(p.db.url, stored, 'floor_one');
    await new Promise((r) => setTimeout(r, 200));
    const t0 = nowMs();
    let pushMs = NaN;
    syncA = startSync(p.A);
    await until(
      'B to hold every event',
      async () => {
        if (Number.isNaN(pushMs) && syncA!.status().pushed >= events.length) pushMs = nowMs() - t0;
        return (await p.B.log.head()) >= events.length;
      },
      300_000,
    );
    const totalMs = nowMs() - t0;
    if (Number.isNaN(pushMs)) pushMs = totalMs;
    return { raw, sync: (events.length / totalMs) * 1000, pushMs, totalMs };
  } finally {
    await syncA?.stop();
    await p.cleanup();
  }
}

/**
 * The same, with store B syncing in its own process (as on a second machine). `pglite`: the relay
 * runs on its embedded database (in a temporary directory) and there is no COPY baseline.
 */
export async function throughputRunSplit(events: NewEvent[], pglite = false): Promise<ThroughputRun> {
  const db = pglite ? undefined : await tempDatabase();
  const pgliteDir = pglite ? tempDir('sync-pglite') : undefined;
  const relay = await spawnRelay(db?.url ?? join(pgliteDir!.dir, 'db'));
  const [da, dbDir] = [tempDir('sync-a'), tempDir('sync-b')];
  let syncA: SyncHandle | undefined;
  let A: Store | undefined;
  const child = { proc: undefined as ReturnType<typeof spawn> | undefined };
  try {
    const token = await signup(relay.url, 'bench');
    A = await openStore(da.dir, relay.url, token, 'bench');
    await (await openStore(dbDir.dir, relay.url, token, 'bench')).close();
    for (let i = 0; i < events.length; i += 1000) await A.log.append({ events: events.slice(i, i + 1000) });
    const raw = db ? await copyInOutRate(db.url, await A.log.read(0, events.length), 'floor_split') : NaN;
    // BENCH_B_PROF=<dir> runs store B's process under --cpu-prof.
    const bProf = process.env.BENCH_B_PROF;
    const proc = (child.proc = spawn(process.execPath, [...(bProf ? ['--cpu-prof', '--cpu-prof-dir', bProf] : []), CLIENT_WORKER, dbDir.dir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }));
    const lines: string[] = [];
    let wake = () => {};
    proc.stdout!.on('data', (d: Buffer) => {
      lines.push(...d.toString().split('\n').filter(Boolean));
      wake();
    });
    const line = (prefix: string) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const l = lines.find((x) => x.startsWith(prefix));
          if (l) resolve(l);
        };
        wake = check;
        proc.once('exit', (code) => reject(new Error(`sync client worker exited (${code})`)));
        check();
      });
    await line('ready');
    const relayRss0 = rssMb(relay.pid);
    proc.stdin!.write(`${events.length}\n`);
    const cpu0 = { a: process.cpuUsage(), relay: procCpuMs(relay.pid), b: procCpuMs(proc.pid!), pg: pgCpuMs() };
    const t0 = performance.timeOrigin + performance.now();
    let pushMs = NaN;
    syncA = startSync(A);
    const done = line('done');
    await until('A to push every event', () => syncA!.status().pushed >= events.length, 300_000);
    pushMs = performance.timeOrigin + performance.now() - t0;
    const totalMs = Number((await done).split(' ')[1]) - t0;
    const a = process.cpuUsage(cpu0.a);
    const cpu = { a: (a.user + a.system) / 1000, relay: procCpuMs(relay.pid) - cpu0.relay, b: procCpuMs(proc.pid!) - cpu0.b, pg: pgCpuMs() - cpu0.pg };
    const lagAtEnd = await viewLagEvents(relay.url);
    // The views fold after the pushes (server/views/applier.ts): their lag, and the relay's peak with them.
    await until('the relay views to fold every event', async () => (await viewLagEvents(relay.url)) === 0, 300_000, 10);
    const viewsMs = performance.timeOrigin + performance.now() - t0;
    return { raw, sync: (events.length / totalMs) * 1000, pushMs, totalMs, cpu, relayRss: { before: relayRss0, peak: peakMb(relay.pid) }, viewsMs, lagAtEnd };
  } finally {
    await syncA?.stop();
    child.proc?.kill();
    await A?.close();
    await relay.stop();
    await db?.drop();
    pgliteDir?.remove();
    da.remove();
    dbDir.remove();
  }
}

/** One event at a time appended on A; the time until B's sync has stored it. */
export async function latency(samples: number): Promise<number[]> {
  const p = await pair([]);
  const syncA = startSync(p.A);
  try {
    await until('A connected', () => syncA.status().state === 'connected', 10_000);
    const corpus = new Corpus(new Vocabulary(), samples, 11);
    const out: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const seen = new Promise<void>((resolve) => p.pulled.push(resolve));
      const t0 = nowMs();
      await p.A.log.append({ events: [{ type: 'messages.captured', session: sessionId(i % 10), body: { messages: [corpus.message(i, i % 10, 820)] } }] });
      await seen;
      if (i >= 5) out.push(nowMs() - t0); // the first few warm up both sides
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20)); // not in step with any poll timer
    }
    return out;
  } finally {
    await syncA.stop();
    await p.cleanup();
  }
}

/** Relay RSS before and after IDLE_CLIENTS connections that handshake, subscribe and then sit idle. */
async function idleMemory(IDLE_CLIENTS: number): Promise<{ before: number; after: number; connected: number }> {
  const IDLE_ACCOUNTS = accountsFor(IDLE_CLIENTS);
  const db = await tempDatabase();
  const relay = await spawnRelay(db.url);
  const sockets: WebSocket[] = [];
  try {
    const tokens: string[] = [];
    for (let a = 0; a < IDLE_ACCOUNTS; a++) tokens.push(await signup(relay.url, `idle${a}`));
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssMb(relay.pid);
    const wsUrl = relay.url.replace(/^http/, 'ws') + '/v1/sync';
    let ready = 0;
    for (let i = 0; i < IDLE_CLIENTS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, IDLE_CLIENTS - i) }, (_, k) => {
          const n = i + k;
          const ws = new WebSocket(wsUrl);
          sockets.push(ws);
          return new Promise<void>((resolve, reject) => {
            ws.once('error', reject);
            ws.once('open', () =>
              ws.send(
                encodeFrame({
                  t: 'hello',
                  versions: [...PROTOCOL_VERSIONS],
                  token: tokens[n % IDLE_ACCOUNTS]!,
                  origin: `idle${String(n).padStart(6, '0')}`,
                  device: 'bench',
                }),
              ),
            );
            ws.on('message', (d: Buffer) => {
              const f = decodeFrame<RelayFrame>(d);
              if (f.t === 'welcome') for (const s of f.spaces) ws.send(encodeFrame({ t: 'sub', space: s.id, after: 0 }));
              else if (f.t === 'events') {
                ready++;
                resolve();
              } else if (f.t === 'error') reject(new Error(f.message));
            });
          });
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 3000)); // let allocation settle
    const health = (await (await fetch(relay.url + '/health')).json()) as { connections: number };
    if (ready !== IDLE_CLIENTS) throw new Error(`only ${ready} of ${IDLE_CLIENTS} clients subscribed`);
    return { before, after: rssMb(relay.pid), connected: health.connections };
  } finally {
    for (const ws of sockets) ws.terminate();
    await relay.stop();
    await db.drop();
  }
}

export async function runSync(sc: Scale, log: (s: string) => void): Promise<Section> {
  // 2,000 or 20,000 sessions of EVENTS_PER_SESSION events each (the shape: 2,008 sessions, 6,024 events).
  const n = (sc === 'full' ? 20_000 : 2_000) * EVENTS_PER_SESSION;
  const runs = Number(process.env.BENCH_SYNC_RUNS ?? (sc === 'full' ? 3 : 1));
  const events = makeEvents(n);
  const tp: ThroughputRun[] = [];
  const one: ThroughputRun[] = [];
  const lite: ThroughputRun[] = [];
  // Interleaved: each sync run follows its own COPY baseline in the same database (floor, sync, floor, sync, …).
  for (let r = 0; r < runs; r++) {
    tp.push(await throughputRunSplit(events));
    const cpu = tp[r]!.cpu!;
    log(
      `  sync run ${r + 1} (B in its own process): ${fmt(tp[r]!.sync)} events/s end to end, COPY in+out ${fmt(tp[r]!.raw)} rows/s (${ratio(tp[r]!.sync, tp[r]!.raw)}); CPU ms A ${fmt(cpu.a)}, relay ${fmt(cpu.relay)}, B ${fmt(cpu.b)}, PostgreSQL ${fmt(cpu.pg)}; ${fmt(n - tp[r]!.lagAtEnd!)} events folded into the views by the end, all after ${fmt(tp[r]!.viewsMs!)} ms; relay peak ${fmt(tp[r]!.relayRss!.peak)} MB`,
    );
    one.push(await throughputRun(events));
    log(
      `  sync run ${r + 1} (A and B in one process): ${fmt(one[r]!.sync)} events/s end to end, COPY in+out ${fmt(one[r]!.raw)} rows/s (${ratio(one[r]!.sync, one[r]!.raw)})`,
    );
    lite.push(await throughputRunSplit(events, true));
    log(
      `  sync run ${r + 1} (PGlite relay): ${fmt(lite[r]!.sync)} events/s end to end; ${fmt(n - lite[r]!.lagAtEnd!)} events folded into the views by the end, all after ${fmt(lite[r]!.viewsMs!)} ms; relay RSS ${fmt(lite[r]!.relayRss!.before)} MB before, peak ${fmt(lite[r]!.relayRss!.peak)} MB`,
    );
  }
  // Each run's ratio to its own baseline, then the median: the machine's load moves both together.
  const syncRatio = median(tp.map((t) => t.sync / t.raw));
  const oneRatio = median(one.map((t) => t.sync / t.raw));
  const raw = median([...tp, ...one].map((t) => t.raw));
  const sync = median(tp.map((t) => t.sync));
  const syncOne = median(one.map((t) => t.sync));
  const syncLite = median(lite.map((t) => t.sync));
  const litePeak = Math.max(...lite.map((t) => t.relayRss!.peak));
  const pgPeak = Math.max(...tp.map((t) => t.relayRss!.peak));
  const pushMs = median(tp.map((t) => t.pushMs));
  const totalMs = median(tp.map((t) => t.totalMs));
  const viewsMs = median(tp.map((t) => t.viewsMs!));
  const viewsLiteMs = median(lite.map((t) => t.viewsMs!));
  const lat = await latency(sc === 'full' ? 300 : 30);
  const [p50, p99] = [percentile(lat, 50), percentile(lat, 99)];
  log(`  latency p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
  const IDLE_CLIENTS = sc === 'full' ? 1000 : 200;
  const IDLE_ACCOUNTS = accountsFor(IDLE_CLIENTS);
  const mem = await idleMemory(IDLE_CLIENTS);
  log(`  relay RSS ${mem.before.toFixed(0)} MB idle, ${mem.after.toFixed(0)} MB with ${mem.connected} clients`);

  const goals: Goal[] = [
    {
      name: 'sync A → relay → B ≥ 0.6× PostgreSQL COPY in+out',
      met: syncRatio >= 0.6,
      detail: `${syncRatio.toFixed(2)}× of COPY in+out (median of per-run ratios; ${fmt(sync)} vs ${fmt(raw)} events/s)`,
      hint: `A's events were all acknowledged by the relay after ${fmt(pushMs)} ms of ${fmt(totalMs)} ms (the rest is the pull into B); CPU ms per process (medians): A ${fmt(median(tp.map((t) => t.cpu!.a)))}, relay ${fmt(median(tp.map((t) => t.cpu!.relay)))}, B ${fmt(median(tp.map((t) => t.cpu!.b)))}, PostgreSQL ${fmt(median(tp.map((t) => t.cpu!.pg)))} on 2 cores. Profile with BENCH_RELAY_PROF=<dir> (relay), BENCH_B_PROF=<dir> (store B) and node --cpu-prof on the bench (store A).`,
    },
    {
      name: 'PGlite relay peak RSS < 300 MB during the sync',
      met: litePeak < 300,
      detail: `peak ${fmt(litePeak)} MB (${fmt(n)} events, the views' fold after them included)`,
    },
    { name: 'propagation p50 < 50 ms on loopback', met: p50 < 50, detail: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms` },
  ];
  return {
    title: 'Sync through the relay (PostgreSQL)',
    header: ['measure', 'relay', 'baseline', 'ratio'],
    rows: [
      [
        `events/s, A → relay → PostgreSQL → B (${fmt(n)} events), B in its own process`,
        fmt(sync),
        `${fmt(raw)} (PostgreSQL COPY in + COPY out)`,
        `${syncRatio.toFixed(2)}×`,
      ],
      ['events/s, the same with A and B in one process', fmt(syncOne), fmt(raw), `${oneRatio.toFixed(2)}×`],
      ['events/s, A → relay (PGlite) → B, B in its own process', fmt(syncLite), fmt(raw), ratio(syncLite, raw)],
      ["relay peak RSS during the sync and its views' fold, PGlite (MB)", fmt(litePeak), `${fmt(pgPeak)} (relay on PostgreSQL)`, ratio(litePeak, pgPeak)],
      ["push phase: A's events all acknowledged (ms)", fmt(pushMs), '-', '-'],
      ['end to end: all on B (ms)', fmt(totalMs), '-', '-'],
      ["the relay's server-side views hold every event (ms from A's start)", fmt(viewsMs), `${fmt(viewsLiteMs)} (PGlite relay)`, '-'],
      [`propagation A → B p50 (ms, ${lat.length} samples)`, p50.toFixed(1), '-', '-'],
      ['propagation A → B p99 (ms)', p99.toFixed(1), '-', '-'],
      [
        `relay RSS with ${fmt(mem.connected)} idle clients (MB)`,
        mem.after.toFixed(0),
        `${mem.before.toFixed(0)} (same relay, no clients)`,
        `+${(((mem.after - mem.before) * 1024) / IDLE_CLIENTS).toFixed(1)} KB/client`,
      ],
    ],
    notes: [
      `Throughput: median of ${runs} run(s) per row, each with a fresh temporary database and relay process; ${fmt(n)} \`messages.captured\` events of one ~1 KB message in ${fmt(n / EVENTS_PER_SESSION)} sessions, already in A's log. B is connected and caught up before A starts syncing; the clock stops when B's log holds every event. A runs in the benchmark process, B in its own (bench/sync-client-worker, as on a second machine) or in the benchmark process too (second row); the relay in its own process; PostgreSQL on the same 2-CPU machine, so all four share two cores. The push-phase figure is the first row's.`,
      `Baseline (the database's floor): the same rows (space, rseq, origin, seq, type, v, ts, session, msgpack body, DLP level) written with one \`COPY … FROM STDIN\` (text format, built by the bench) into a table created \`like events including all\` (same keys and indexes) in the same database, then read back in relay order with one \`COPY (select …) TO STDOUT\`; measured right before each sync run (floor, sync, floor, sync, …). The ratio is the median of each run's sync rate over its own baseline. PGlite row: the relay on its embedded database in a temp directory, same load; its peak is the relay process's VmHWM once its server-side views had folded every event of the run (PGlite's WebAssembly memory never shrinks). The relay folds its views after a run of pushes, not during it (server/views/applier.ts); the views row is when its /metrics view lag reached 0.`,
      `Latency: A and B syncing continuously with default settings; one event appended to A's log at a time, 5–25 ms apart; measured until B's sync reports it stored (in B's log, readable by any sfs command).`,
      `Memory: VmRSS of the relay process (PostgreSQL backend) after ${IDLE_ACCOUNTS} accounts signed up and settled, then with ${IDLE_CLIENTS} WebSocket clients (distinct devices over ${IDLE_ACCOUNTS} accounts) that sent hello and a sub for every space, got their first (empty) batch and sat idle for 3 s; /health reported ${mem.connected} connections.`,
    ],
    goals,
  };
}
