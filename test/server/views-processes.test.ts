import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { postgresBackend, postgresReachable, relayOn } from './backends.js';
import { Pusher, dumpViews } from './views-helpers.js';
import { stepsArb } from './views-gen.js';
import { tempDir } from '../helpers/tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const skip = !(await postgresReachable()) && !process.env.SFS_REQUIRE_PG ? 'PostgreSQL not reachable' : false;

interface Worker {
  child: ChildProcess;
  out: string;
  exited: Promise<unknown>;
}

function startWorker(url: string, pauseMs: number): Promise<Worker> {
  const child = spawn(process.execPath, [join(here, 'views-worker.js'), url, String(pauseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const w: Worker = { child, out: '', exited: new Promise((r) => child.once('exit', r)) };
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      w.out += d;
      if (w.out.includes('ready ')) resolve(w);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

test(
  'three relay processes on one PostgreSQL fold every event exactly once, one of them killed in the middle of a batch; the views equal a rebuild (sfs relay rebuild-views)',
  { skip },
  async (t) => {
    const b = await postgresBackend();
    const url = b.options.databaseUrl!;
    const pusherRelay = await relayOn(b, { views: false }); // migrates, and pushes through the relay's own code
    const workers: Worker[] = [];
    t.after(async () => {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await pusherRelay.close();
      await b.drop();
    });
    const db = pusherRelay.rdb.db;
    await sql`create table test_applied (space_id text not null, after bigint not null, cursor bigint not null, pid integer not null)`.execute(db);
    const alice = await Pusher.create(pusherRelay, 'alice', 'orgalice01');
    const alice2 = await alice.device('orgalice02', 'desktop');
    const bob = await Pusher.create(pusherRelay, 'bob', 'orgbob0001');
    const team = await alice.team('acme', [bob]);
    // Alice shares ses_aaaaaaaa into the team, Bob ses_bbbbbbbb: their later events of it are routed there too.
    await alice.push([{ type: 'session.discovered', session: 'ses_aaaaaaaa', body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture' } }]);
    await alice.share('ses_aaaaaaaa', team);
    await bob.push([{ type: 'session.discovered', session: 'ses_bbbbbbbb', body: { tool: 'codex', created_at: '2026-01-01T00:00:00Z', via: 'capture' } }]);
    await bob.share('ses_bbbbbbbb', team);
    const shared: Record<string, string> = { [alice.who.id]: 'ses_aaaaaaaa', [bob.who.id]: 'ses_bbbbbbbb' };

    // The first one pauses long before each commit: it is killed inside such a pause.
    for (let i = 0; i < 3; i++) workers.push(await startWorker(url, i === 0 ? 400 : 20));
    const steps = fc.sample(stepsArb(3, 160), { numRuns: 1, seed: 1313 })[0]!;
    const devices = [alice, alice2, bob];
    let killedMidBatch = false;
    let killedBatch: { space: string; after: number; cursor: number; pid: number } | undefined;
    for (let i = 0; i < steps.length; i++) {
      const [d, ev, , clock] = steps[i]!;
      const p = devices[d]!;
      const routes = ev.session && shared[p.who.id] === ev.session ? { [ev.session]: [team] } : {};
      await p.push([{ ...ev, ts: 1_700_000_000_000 + clock * 1000 }], p.personal, routes);
      if (i >= steps.length / 2 && !killedMidBatch) {
        // Kill the first worker as soon as it says it is about to commit a batch (its transaction is open).
        const w = workers[0]!;
        const seen = w.out.length;
        let killed = false;
        const check = () => {
          if (!killed && w.out.slice(seen).includes('folding ')) {
            killed = true;
            w.child.kill('SIGKILL');
          }
        };
        w.child.stdout!.on('data', check);
        // Whoever holds a space's lock folds it: nudge until the first worker gets a batch.
        while (!killed) {
          await p.push([{ type: 'session.meta', session: 'ses_cccccccc', body: { title: `nudge ${i}` } }], p.personal);
          await new Promise((r) => setTimeout(r, 30));
        }
        w.child.stdout!.off('data', check);
        await w.exited;
        const line = w.out
          .slice(seen)
          .split('\n')
          .find((l) => l.startsWith('folding '))!;
        const [, space, after, cursor] = line.split(' ');
        killedBatch = { space: space!, after: Number(after), cursor: Number(cursor), pid: w.child.pid! };
        killedMidBatch = true;
      }
    }
    assert.ok(killedMidBatch);
    // The surviving processes catch up (the killed one's open batch was rolled back and folded by another).
    const spaces = (await sql<{ id: string }>`select id from spaces order by id`.execute(db)).rows.map((r) => r.id);
    for (let i = 0; ; i++) {
      const lag = await sql<{ n: string }>`select count(*) as n from spaces s
      where coalesce((select max(rseq) from events e where e.space_id = s.id), 0) > coalesce((select rseq from view_positions p where p.space_id = s.id), 0)`.execute(
        db,
      );
      if (Number(lag.rows[0]!.n) === 0) break;
      if (i > 1200) assert.fail('the views never caught up');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Exactly once: per space, the committed batches are contiguous ranges (0, a], (a, b], … up to its last event.
    const applied = (
      await sql<{ space_id: string; after: string; cursor: string; pid: number }>`select * from test_applied order by space_id, after`.execute(db)
    ).rows;
    const pids = new Set(applied.map((r) => r.pid));
    // The batch the killed process was committing was rolled back, and folded again by another.
    assert.ok(
      !applied.some((r) => r.pid === killedBatch!.pid && r.space_id === killedBatch!.space && Number(r.after) === killedBatch!.after),
      'the killed batch did not commit',
    );
    assert.ok(applied.some((r) => r.pid !== killedBatch!.pid && r.space_id === killedBatch!.space && Number(r.after) === killedBatch!.after));
    assert.ok(pids.size >= 2, 'several processes folded');
    for (const space of spaces) {
      const mine = applied.filter((r) => r.space_id === space);
      const last = await sql<{ m: string | null }>`select max(rseq) as m from events where space_id = ${space}`.execute(db);
      let at = 0;
      for (const r of mine) {
        assert.equal(Number(r.after), at, `space ${space}: a batch starts where the previous one ended (no event skipped or folded twice)`);
        at = Number(r.cursor);
      }
      assert.equal(at, Number(last.rows[0]!.m ?? 0), `space ${space}: folded up to its last event`);
    }
    const incremental = await dumpViews(db, spaces);
    const sessions = (incremental as { sessions: unknown[] }).sessions.length;
    assert.ok(sessions >= 4, `views hold sessions (${sessions})`);
    // `sfs relay rebuild-views` beside the running relays gives the same views.
    const home = tempDir(t);
    const cli = join(here, '../../bin/main.js');
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const c = spawn(process.execPath, [cli, 'relay', 'rebuild-views', '--database-url', url, '--json'], { env: { ...process.env, SFS_HOME: home } });
      let out = '';
      let err = '';
      c.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      c.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      c.on('close', (code) => resolve({ code, out, err }));
    });
    assert.equal(r.code, 0, r.err);
    const data = JSON.parse(r.out).data as { spaces: number; events: number };
    assert.equal(data.spaces, spaces.length);
    assert.deepEqual(await dumpViews(db, spaces), incremental);
  },
);
