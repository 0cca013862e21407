import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { packBody, type WireEvent } from '../engine/replication/protocol.js';
import type { Message } from '../engine/model/message.js';
import { startRelay, type Relay } from '../server/relay.js';
import { authenticate, bindDevice, personalSpace, signup, type Authed } from '../server/accounts.js';
import { pushEvents } from '../server/events.js';
import { rebuildViews } from '../server/views/rebuild.js';
import { listSessions, search, showSession } from '../server/views/queries.js';
import { fmt, interleaved, median, nowMs, percentile, ratio, rng, tempDir, type Scale, type Section } from './lib.js';

/**
 * The relay's server-side views (server/views/), on PostgreSQL at 127.0.0.1:5432 (SFS_BENCH_PG
 * overrides; a temporary database per run), else on an embedded PGlite:
 *  - rebuild: `rebuildViews` of a space against a raw `INSERT … SELECT` copying the same event rows
 *    into a table of the same shape (A B A B);
 *  - lag: under a steady push load, from a push's commit until its text is found by queries.ts
 *    `search`, beside the push's own commit time;
 *  - reads at many sessions in a space: list (first page, and with a text filter), search and a
 *    session's header and first page, against an indexed read of 50 raw event rows (A B A B).
 */

const PG_ADMIN = process.env.SFS_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORDS = ['deploy', 'cache', 'router', 'schema', 'migration', 'flaky', 'timeout', 'render', 'token', 'index', 'queue', 'socket'];

async function postgresUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = 'sfs_bench_views_' + randomBytes(5).toString('hex');
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

class Device {
  seq = 0;
  constructor(
    readonly relay: Relay,
    readonly who: Authed,
    readonly origin: string,
    readonly space: string,
  ) {}

  static async create(relay: Relay, username: string): Promise<Device> {
    const db = relay.rdb.db;
    const s = await signup(db, username, 'correct horse 1', 'bench');
    const who = await authenticate(db, s.token);
    const origin = 'orgbench' + randomBytes(4).toString('hex');
    await bindDevice(db, who, origin, 'bench');
    return new Device(relay, who, origin, await personalSpace(db, s.account));
  }

  async push(events: Array<{ type: string; session: string; body: unknown; ts?: number }>): Promise<void> {
    const from = this.seq;
    const wire: WireEvent[] = events.map((e) => [this.origin, ++this.seq, e.type, 1, e.ts ?? Date.now(), e.session, packBody(e.body)]);
    await pushEvents(this.relay.rdb.db, this.who, this.origin, {
      space: this.space,
      from,
      upTo: this.seq,
      policies: { [this.space]: 'redact' },
      routes: {},
      events: wire,
    });
  }
}

function message(id: string, text: string, minute: number, parent: string | null): Message {
  return {
    msg_id: id,
    parent_msg_id: parent,
    role: parent ? 'assistant' : 'user',
    content: [{ type: 'text', text }],
    timestamp: new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString(),
    usage: { input_tokens: 100, output_tokens: 40 },
    model: 'claude-sonnet-4-5',
  };
}

/** `n` sessions of 4 messages each, pushed 250 events a push. */
async function fill(d: Device, n: number, rand: () => number): Promise<string[]> {
  const ids: string[] = [];
  let batch: Array<{ type: string; session: string; body: unknown }> = [];
  for (let i = 0; i < n; i++) {
    const id = 'ses_' + String(i).padStart(10, '0') + 'bench';
    ids.push(id);
    const w = () => WORDS[Math.floor(rand() * WORDS.length)]!;
    const text = () => `${w()} ${w()} ${w()} in module ${Math.floor(rand() * 1000)} of the ${w()} service`;
    batch.push({
      type: 'session.discovered',
      session: id,
      body: {
        tool: i % 3 ? 'claude-code' : 'codex',
        created_at: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        via: 'capture',
        cwd: `/work/p${i % 50}`,
      },
    });
    batch.push({
      type: 'messages.captured',
      session: id,
      body: {
        messages: [message('m1', text(), i, null), message('m2', text(), i + 1, 'm1'), message('m3', text(), i + 2, 'm2'), message('m4', text(), i + 3, 'm3')],
      },
    });
    if (batch.length >= 250) {
      await d.push(batch);
      batch = [];
    }
  }
  if (batch.length) await d.push(batch);
  return ids;
}

export async function runViews(sc: Scale, log: (s: string) => void = () => undefined): Promise<Section> {
  const sessions = sc === 'full' ? 100_000 : 2_000;
  const rounds = sc === 'full' ? 5 : 3;
  const readRounds = sc === 'full' ? 30 : 15;
  const pushes = sc === 'full' ? 400 : 80;
  const pg = await postgresUrl();
  const tmp = pg ? null : tempDir('views');
  const relay = await startRelay({
    databaseUrl: pg?.url,
    dataDir: tmp ? join(tmp.dir, 'db') : undefined,
    views: false,
    signupsPerHour: 1000,
    quotaBytes: 2 ** 50,
  });
  const db = relay.rdb.db;
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    const rand = rng(1313);
    const big = await Device.create(relay, 'bench-big');
    const t0 = nowMs();
    const ids = await fill(big, sessions, rand);
    const events = sessions * 2;
    log(`views: ${fmt(sessions)} sessions (${fmt(events)} events) pushed in ${fmt((nowMs() - t0) / 1000, 1)} s`);

    // Rebuild against a raw copy of the same rows.
    await sql`create table bench_copy (like events)`.execute(db);
    const r = await interleaved(rounds, {
      rebuild: async () => {
        const t = nowMs();
        await rebuildViews(db, { only: [big.space] });
        return nowMs() - t;
      },
      raw: async () => {
        await sql`truncate bench_copy`.execute(db);
        const t = nowMs();
        await sql`insert into bench_copy select * from events where space_id = ${big.space}`.execute(db);
        return nowMs() - t;
      },
    });
    const rb = median(r.rebuild);
    const raw = median(r.raw);
    rows.push([
      `rebuild views of ${fmt(sessions)} sessions (${fmt(events)} events, ${fmt(sessions * 4)} messages)`,
      `${fmt(rb)} ms (${fmt((events / rb) * 1000)} events/s)`,
      `raw INSERT … SELECT of the same rows: ${fmt(raw)} ms`,
      ratio(rb, raw),
    ]);

    // Reads at many sessions in one space.
    const spaces = [big.space];
    let k = 0;
    const pick = () => ids[Math.floor(rand() * ids.length)]!;
    const reads = await interleaved(readRounds, {
      list: async () => (await timedMs(() => listSessions(db, spaces, { limit: 50 }))).ms,
      listText: async () => (await timedMs(() => listSessions(db, spaces, { text: `module ${k++ % 1000} `, limit: 50 }))).ms,
      search: async () => (await timedMs(() => search(db, spaces, { query: `${WORDS[k++ % WORDS.length]} ${WORDS[(k * 7) % WORDS.length]}`, limit: 20 }))).ms,
      session: async () => (await timedMs(() => showSession(db, spaces, pick(), { limit: 100 }))).ms,
      raw: async () =>
        (await timedMs(() => sql`select rseq, type, session, body from events where space_id = ${big.space} order by rseq desc limit 50`.execute(db))).ms,
    });
    const base = median(reads.raw);
    for (const [name, what] of [
      ['list', 'list, first page of 50'],
      ['listText', 'list with a text filter'],
      ['search', 'search (2 words, 20 hits, ranked, snippets)'],
      ['session', 'session header + first 100 messages'],
    ] as const) {
      const s = reads[name];
      rows.push([
        `${what} at ${fmt(sessions)} sessions`,
        `p50 ${fmt(median(s), 1)} ms, p99 ${fmt(percentile(s, 99), 1)} ms`,
        `50 raw event rows by index: ${fmt(base, 2)} ms`,
        ratio(median(s), base),
      ]);
    }

    // Lag under a steady push load: a second account pushes one captured message every 25 ms while the relay folds.
    await relay.close();
    const live = await startRelay({ databaseUrl: pg?.url, dataDir: tmp ? join(tmp.dir, 'db') : undefined, signupsPerHour: 1000, quotaBytes: 2 ** 50 });
    try {
      const dev = await Device.create(live, 'bench-live');
      await live.views!.idle();
      const lags: number[] = [];
      const commits: number[] = [];
      const pending: Array<{ token: string; at: number }> = [];
      let done = false;
      const poller = (async () => {
        while (!done || pending.length) {
          const p = pending[0];
          if (p && (await search(live.rdb.db, [dev.space], { query: p.token, limit: 1 })).hits.length) {
            lags.push(nowMs() - p.at);
            pending.shift();
            continue;
          }
          await new Promise((res) => setTimeout(res, 2));
        }
      })();
      const session = 'ses_livebench0001';
      await dev.push([{ type: 'session.discovered', session, body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture' } }]);
      for (let i = 0; i < pushes; i++) {
        const token = `zq${i.toString(36)}x${randomBytes(3).toString('hex')}`;
        const t = nowMs();
        await dev.push([{ type: 'messages.captured', session, body: { messages: [message(`l${i}`, `live ${token} words`, i, i ? `l${i - 1}` : null)] } }]);
        const at = nowMs();
        commits.push(at - t);
        pending.push({ token, at });
        await new Promise((res) => setTimeout(res, Math.max(0, 25 - (nowMs() - t))));
      }
      done = true;
      await poller;
      rows.push([
        `view lag, push committed → found by search (${pushes} pushes, one every 25 ms)`,
        `p50 ${fmt(median(lags), 1)} ms, p99 ${fmt(percentile(lags, 99), 1)} ms`,
        `the push's own commit: p50 ${fmt(median(commits), 1)} ms, p99 ${fmt(percentile(commits, 99), 1)} ms`,
        ratio(median(lags), median(commits)),
      ]);
    } finally {
      await live.close();
    }
    notes.push(
      `Database: ${pg ? 'PostgreSQL (local)' : 'embedded PGlite (PostgreSQL not reachable)'}. Sessions have 4 messages of ~10 words; the views keep each message's JSON, its text and its tsvector (GIN), so a rebuild writes several times the bytes the raw copy does.`,
      'Lag is measured by polling queries.ts search every 2 ms for the oldest pushed token: it includes the NOTIFY, the fold transaction and the search itself.',
    );
  } finally {
    await relay.close().catch(() => undefined);
    await pg?.drop();
    tmp?.remove();
  }
  return { title: 'Server-side views (relay)', header: ['case', 'figure', 'baseline (same run, interleaved)', 'ratio'], rows, notes, goals: [] };
}

async function timedMs<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = nowMs();
  const value = await fn();
  return { ms: nowMs() - t, value };
}
