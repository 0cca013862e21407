import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backends, signup, relayOn, type Backend } from '../server/backends.js';
import { tempDir } from '../helpers/tmp.js';
import { syncOnce } from '../../engine/replication/start-sync.js';
import { RelayApi } from '../../engine/replication/api.js';
import { joinTeam } from '../helpers/team.js';
import type { Store } from '../../engine/store.js';
import { allEvents, dumpProjections, identities, openStore } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(here, '..', '..', 'bin', 'main.js');
const WORKER = join(here, 'chaos-worker.js');
const CHAOS_KILLS = Number(process.env.SFS_CHAOS_KILLS ?? 6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Relays run as real processes (so SIGKILL is real), on PostgreSQL when it is up, else PGlite. */
function spawnRelay(b: Backend, port: number): Promise<ChildProcess> {
  const args = [CLI, 'relay', 'start', '--port', String(port), '--json'];
  if (b.options.databaseUrl) args.push('--database-url', b.options.databaseUrl);
  else args.push('--data-dir', b.options.dataDir!);
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SFS_LOG_LEVEL: 'warn' } });
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('"url"')) resolve(p);
    });
    p.stderr!.on('data', (d) => (out += d));
    p.once('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
  });
}

function spawnWorker(home: string, relay: string, token: string, label: string, shared: string[]): Promise<ChildProcess> {
  const p = spawn(process.execPath, [WORKER, home, relay, token, label, shared.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    p.stdout!.on('data', (d) => {
      if (String(d).includes('ready')) resolve(p);
    });
    p.once('exit', (code, sig) => reject(new Error(`worker ${label} exited ${code ?? sig} before ready`)));
  });
}

/**
 * A free port outside the kernel's ephemeral range: a killed relay's port must still be free when it
 * restarts, and other suites' port-0 servers are never handed one from below 32768.
 */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

/** The messages of the shared sessions in a store, under the session they belong to (another account's copy is folded apart). */
async function sharedMessages(s: Store, sessions: Set<string>): Promise<Array<{ session: string; msg_id: string; body: string; author: string | null }>> {
  const db = await s.view();
  const rows = db
    .prepare(
      `SELECT COALESCE(s.view_of, s.id) AS session, m.msg_id, sfs_message_json(b.data, m.body_idx, m.msg_id, m.parent_msg_id, m.ts) AS body, m.author_username AS author
       FROM messages m JOIN sessions s ON s.rowid = m.session JOIN message_bodies b ON b.id = m.body_id`,
    )
    .all() as Array<{ session: string; msg_id: string; body: string; author: string | null }>;
  return rows.filter((r) => sessions.has(r.session));
}

async function sharedContent(s: Store, sessions: Set<string>): Promise<string[]> {
  return (await sharedMessages(s, sessions)).map((r) => JSON.stringify([r.session, r.msg_id, r.body])).sort();
}

test('randomized convergence: SIGKILLed clients and relays, dropped connections, zero lost, zero duplicated', { timeout: 170_000 }, async (t) => {
  const make = (await backends()).at(-1)!;
  const b = await make();
  t.after(() => b.drop());
  // Accounts and the team are created through a relay in this process, then it steps aside.
  const setup = await relayOn(b);
  const alice = await signup(setup, 'alice');
  const bob = await signup(setup, 'bob');
  const aapi = new RelayApi(setup.url, alice.token);
  const teamId = ((await aapi.call('POST', '/v1/orgs', { name: 'team' })) as { id: string }).id;
  await joinTeam(setup.url, alice.token, bob.token, 'team', 'bob');
  const shared = ['ses_sharedaaaa', 'ses_sharedbbbb'];

  // Two relay processes on one PostgreSQL (one on PGlite, which cannot be shared).
  const ports = b.name === 'postgres' ? [await freePort(), await freePort()] : [await freePort()];
  const url = (i: number) => `http://127.0.0.1:${ports[i % ports.length]}`;
  const root = tempDir(t);
  const clients = [
    { label: 'a1', token: alice.token, relay: url(0) },
    { label: 'a2', token: alice.token, relay: url(1) },
    { label: 'b1', token: bob.token, relay: url(1) },
  ].map((c) => ({ ...c, home: join(root, c.label) }));
  for (const c of clients) mkdirSync(c.home, { recursive: true });
  // The shared sessions are discovered by a1 and by b1 before the chaos starts, and each account
  // shares them into the team (a share routes its own account's events only) and records the share
  // as `sfs push --space` does, so the other's events of them enter its view (on a2 too, whatever order they arrive in).
  for (const c of [clients[0]!, clients[2]!]) {
    const s = await openStore(c.home);
    for (const id of shared)
      await s.log.append({
        events: [{ type: 'session.discovered', session: id, body: { tool: 'codex', created_at: '2026-01-01T00:00:00.000Z', via: 'capture', title: id } }],
      });
    for (const id of shared) await s.log.append({ events: [{ type: 'session.shared', session: id, body: { space: teamId, space_name: 'team' } }] });
    await syncOnce(s, { credentials: { relay: setup.url, token: c.token, username: c.label, account_id: '' } });
    await s.close();
    for (const id of shared) await new RelayApi(setup.url, c.token).call('POST', '/v1/shares', { session: id, space: 'team' });
  }
  await setup.close();
  const relays = await Promise.all(ports.map((p) => spawnRelay(b, p)));
  const procs = await Promise.all(clients.map((c) => spawnWorker(c.home, c.relay, c.token, c.label, shared)));
  t.after(() => {
    for (const p of [...procs, ...relays]) p.kill('SIGKILL');
  });

  let kills = 0;
  let relayKills = 0;
  // Alternate: a client, then a relay, each picked at random, at random moments.
  for (let k = 0; k < CHAOS_KILLS; k++) {
    await sleep(150 + Math.random() * 500);
    if (k % 2 === 0) {
      const i = Math.floor(Math.random() * procs.length);
      procs[i]!.kill('SIGKILL');
      kills++;
      await sleep(Math.random() * 300);
      procs[i] = await spawnWorker(clients[i]!.home, clients[i]!.relay, clients[i]!.token, clients[i]!.label, shared);
    } else {
      const i = Math.floor(Math.random() * relays.length);
      relays[i]!.kill('SIGKILL');
      relayKills++;
      await sleep(100 + Math.random() * 400);
      relays[i] = await spawnRelay(b, ports[i]!);
    }
  }
  // Stop writing, let the workers finish cleanly, then one final pass each (twice: the
  // first pass of an early store may run before a later store's last push).
  for (const c of clients) writeFileSync(join(c.home, 'stop'), '');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  const stores: Array<{ c: (typeof clients)[number]; store: Store }> = [];
  for (const c of clients) stores.push({ c, store: await openStore(c.home) });
  t.after(async () => {
    for (const s of stores) await s.store.close();
  });
  for (let round = 0; round < 2; round++) {
    for (const { c, store } of stores) await syncOnce(store, { credentials: { relay: c.relay, token: c.token, username: c.label, account_id: '' } });
  }

  const [a1, a2, b1] = stores.map((s) => s.store) as [Store, Store, Store];
  const sharedSet = new Set(shared);
  const isShared = (e: { session: string | null }) => e.session !== null && sharedSet.has(e.session);
  // Zero duplicated: every identity once per store.
  for (const s of [a1, a2, b1]) {
    const ids = (await allEvents(s)).map((e) => `${e.origin}:${e.seq}`);
    assert.equal(new Set(ids).size, ids.length, 'an event is stored twice');
  }
  // Zero lost: every event any store wrote is held by every store that should see it.
  const own = async (s: Store) => {
    const { origin } = await s.log.info();
    return (await allEvents(s)).filter((e) => e.origin === origin);
  };
  const a1Ids = await identities(a1);
  const a2Ids = await identities(a2);
  assert.deepEqual(a1Ids, a2Ids, "alice's two machines hold the same events");
  const b1Own = await own(b1);
  const aliceHas = new Set(a1Ids);
  for (const e of b1Own.filter(isShared))
    assert.ok(aliceHas.has(JSON.stringify([e.origin, e.seq, e.type, e.session, e.body])), `bob's ${e.origin}:${e.seq} missing at alice`);
  assert.deepEqual(await identities(b1, isShared), await identities(a1, isShared), 'the shared sessions are identical everywhere');
  // Same events → same projections.
  assert.equal(await dumpProjections(a1), await dumpProjections(a2));
  // Across accounts the views differ by design (DESIGN §13: each sees the other's part attributed, and bob, who
  // did not share them, sees alice's part as her copy), but they hold the same messages, each with its author.
  assert.deepEqual(await sharedContent(b1, sharedSet), await sharedContent(a1, sharedSet));
  for (const [s, other] of [
    [a1, 'bob'],
    [b1, 'alice'],
  ] as const) {
    for (const r of await sharedMessages(s, sharedSet))
      assert.equal(r.author, r.msg_id.startsWith(other === 'bob' ? 'b' : 'a') ? other : null, `author of ${r.msg_id}`);
  }
  const total = a1Ids.length;
  t.diagnostic(`backend ${b.name}: ${total} events at alice, ${kills} client kills, ${relayKills} relay kills`);
  assert.ok(total > 100);
  assert.deepEqual([kills, relayKills], [Math.ceil(CHAOS_KILLS / 2), Math.floor(CHAOS_KILLS / 2)]);
  for (const p of relays) p.kill('SIGTERM');
});
