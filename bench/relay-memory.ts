import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, packBody, type RelayFrame, type WireEvent } from '../engine/replication/protocol.js';

/**
 * The relay's memory under big pushes: a relay in its own process (PGlite, or PostgreSQL with
 * `node relay-memory.js postgres://…`), one account pushing PUSHES (default 10) frames of about
 * 7.5 MiB each (one event per frame, as one very large captured message makes); prints the relay's
 * RSS before, its peak, and after the pushes.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const databaseUrl = process.argv[2];
const pushes = Number(process.env.PUSHES ?? 10);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

function rss(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

const dir = mkdtempSync(join(tmpdir(), 'sfs-relay-mem-'));
const child = spawn(process.execPath, [join(here, 'relay-memory-worker.js'), databaseUrl ?? join(dir, 'db')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(String(d)).url)));
const api = (path: string, body: unknown, token?: string) =>
  fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<any>);
const { token } = await api('/v1/signup', { username: 'mem' + process.pid, password: 'correct horse 1' });
const settle = () => new Promise((r) => setTimeout(r, 3000));
await settle();
const before = rss(child.pid!);

const ws = new WebSocket(url.replace(/^http/, 'ws') + '/v1/sync', { maxPayload: 64 * 1024 * 1024 });
const frames: RelayFrame[] = [];
let wake = () => {};
ws.on('message', (d: Buffer) => {
  frames.push(decodeFrame<RelayFrame>(d));
  wake();
});
await new Promise((r) => ws.once('open', r));
const next = async (t: string) => {
  for (;;) {
    const i = frames.findIndex((f) => f.t === t || f.t === 'error');
    if (i >= 0) return frames.splice(i, 1)[0]!;
    await new Promise<void>((r) => (wake = r));
  }
};
const origin = 'orgmem' + process.pid;
ws.send(encodeFrame({ t: 'hello', versions: [1], token, origin } as never));
const welcome = (await next('welcome')) as Extract<RelayFrame, { t: 'welcome' }>;
const space = welcome.spaces[0]!.id;
const text = 'x'.repeat(7.5 * 1024 * 1024 - 300);
const t0 = Date.now();
// All sent at once, as a client with several pushes in flight (or several clients) would.
for (let seq = 1; seq <= pushes; seq++) {
  const message = { msg_id: `m${seq}`, parent_msg_id: null, role: 'user', content: [{ type: 'text', text }], timestamp: '2026-01-01T00:00:00.000Z' };
  const ev: WireEvent = [origin, seq, 'messages.captured', 1, Date.now(), 'ses_memorybench1', packBody({ messages: [message] })];
  ws.send(encodeFrame({ t: 'push', id: seq, space, from: seq - 1, upTo: seq, events: [ev], policies: { [space]: 'redact' }, routes: {} } as never));
}
for (let seq = 1; seq <= pushes; seq++) {
  const f = await next('pushed');
  if (f.t === 'error') throw new Error(`push refused: ${f.code} ${f.message}`);
}
const during = rss(child.pid!);
ws.close();
await settle();
const after = rss(child.pid!);
console.log(
  JSON.stringify({
    database: databaseUrl ? 'postgres' : 'pglite',
    pushes,
    push_mib: 7.5,
    seconds: (Date.now() - t0) / 1000,
    rss_before: mib(before.rss),
    rss_peak: mib(during.hwm),
    rss_after_3s: mib(after.rss),
  }),
);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
