import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, IDS, example, newSfs, writeSfs, type Sfs } from '../test/helpers/cli.js';
import { postgresBackend, postgresReachable } from '../test/server/backends.js';
import { WireClient } from '../test/server/wire-client.js';
import { dumpViews } from '../test/server/views-helpers.js';
import { openDatabase } from '../server/db/open.js';
import { launch, type Browser } from './browser.js';

/**
 * Issue 13's "Done when", end to end: two `sfs relay start` processes share one PostgreSQL. An owner,
 * a member and an invitee push sessions with the real CLI to one relay process and sign into the
 * dashboard of the other. Each sees the team's shared sessions and only those, plus their own; the
 * invitee sees nothing of the team until she accepts in the dashboard; the member takes a handoff from
 * his inbox; revoking a device from the dashboard closes its sync socket on the other process; and
 * `sfs relay rebuild-views` leaves every list and search answer as the incremental folding built it.
 * Screenshots: test-results/screenshots/team2-*.png.
 */
const PASSWORD = 'correct horse 1';
const skip = !(await postgresReachable()) && !process.env.SFS_REQUIRE_PG ? 'PostgreSQL not reachable at 127.0.0.1:5432' : false;

interface RelayProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
}

/** `sfs relay start` on a free loopback port, on the shared database; resolves once it says where it listens. */
function startRelayProcess(databaseUrl: string, home: string): Promise<RelayProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'relay', 'start', '--port', '0', '--host', '127.0.0.1', '--database-url', databaseUrl, '--signups-per-hour', '1000', '--log-level', 'warn', '--json'],
    { env: { ...process.env, SFS_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((r) => child.once('exit', r));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /"url":\s*"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve({ url: m[1]!, child, exited });
    });
    child.once('exit', (code) => reject(new Error(`relay exited (${code}) before it listened: ${out}`)));
  });
}

/** The value of an unlabelled sample in Prometheus text. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test(
  'two relay processes on one PostgreSQL: the issue 13 team scenario in the dashboard, and a rebuild changes no answer',
  { skip, timeout: 600_000 },
  async (t) => {
    const backend = await postgresBackend();
    const url = backend.options.databaseUrl!;
    const home = mkdtempSync(path.join(tmpdir(), 'sfs-relays-'));
    const relays: RelayProcess[] = [];
    const users: Sfs[] = [];
    const browsers: Browser[] = [];
    const sockets: WireClient[] = [];
    t.after(async () => {
      for (const s of sockets) s.close();
      for (const b of browsers) await b.close();
      for (const u of users) u.dispose();
      for (const r of relays) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
      await Promise.all(relays.map((r) => r.exited));
      await backend.drop();
      rmSync(home, { recursive: true, force: true });
    });
    // One after the other: the first migrates the database.
    relays.push(await startRelayProcess(url, path.join(home, 'a')));
    relays.push(await startRelayProcess(url, path.join(home, 'b')));
    const [A, B] = relays.map((r) => r.url) as [string, string];
    assert.notEqual(A, B);

    const tokens: Record<string, string> = {};
    const api = async (relay: string, who: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(relay + p, {
        method,
        headers: { authorization: `Bearer ${tokens[who]}`, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
        body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
      });
      const text = await res.text();
      assert.equal(res.status, 200, `${method} ${p} on ${relay}: ${text}`);
      return JSON.parse(text) as any;
    };

    // Three accounts push with the real CLI, each to one process (and will read the dashboard of the other).
    const ann = newSfs();
    const bob = newSfs();
    const cat = newSfs();
    users.push(ann, bob, cat);
    const catsOwn = writeSfs(cat.path('cats', 'kumquat.sfs'), {
      session_id: '0c0ffee0-0000-4000-8000-00000000ca75',
      tool: 'claude-code',
      title: 'Kumquat inventory',
      created_at: '2026-03-21T09:00:00.000Z',
      messages: [{ role: 'user', text: 'count the kumquat crates in the warehouse', at: '2026-03-21T09:00:00.000Z' }],
    });
    const pushesTo: Record<string, string> = { ann: A, bob: B, cat: A };
    const ids: Record<string, string[]> = {};
    for (const [name, sfs, dirs] of [
      ['ann', ann, [example('complete'), example('subagent')]],
      ['bob', bob, [example('minimal')]],
      ['cat', cat, [catsOwn]],
    ] as const) {
      const res = await fetch(pushesTo[name] + '/v1/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password: PASSWORD }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      tokens[name] = ((await res.json()) as { token: string }).token;
      await sfs.ok(['auth', 'login', '--relay', pushesTo[name]!, '--username', name], { env: { SFS_PASSWORD: PASSWORD } });
      ids[name] = (await sfs.ok(['import', ...dirs])).results.map((r: { session_id: string }) => r.session_id);
      assert.ok((await sfs.ok(['sync', 'now'])).pushed > 0);
    }
    const catsId = ids.cat![0]!;
    assert.deepEqual(new Set(ids.ann), new Set([IDS.complete, IDS.subagent]));

    // One team: Ann (owner) shares one session into it; Bob joins (accepting on the other process); Cat is only invited.
    await api(A, 'ann', 'POST', '/v1/orgs', { name: 'crew' });
    await api(B, 'ann', 'POST', '/v1/shares', { session: IDS.complete, space: 'crew' });
    const bobInv = (await api(A, 'ann', 'POST', '/v1/orgs/crew/invitations', { username: 'bob' })).invitation.id as string;
    await api(B, 'bob', 'POST', `/v1/invitations/${bobInv}/accept`);
    await api(A, 'ann', 'POST', '/v1/orgs/crew/invitations', { username: 'cat' });

    // Wait until the views folded everything (either process may have; the lag is the database's, item 1).
    const caughtUp = async () => {
      for (let i = 0; ; i++) {
        const lag = sample(await (await fetch(A + '/metrics')).text(), 'sfs_relay_view_lag_events');
        if (lag === 0) return;
        assert.ok(i < 600, `the views still trail by ${lag} events`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await caughtUp();

    const signIn = async (relay: string, who: string): Promise<Browser> => {
      const br = await launch();
      browsers.push(br);
      await br.page.goto(relay + '/');
      await br.page.waitForSelector('form#signin');
      await br.page.fill('input[name=username]', who);
      await br.page.fill('input[name=password]', PASSWORD);
      await br.page.click('form#signin button[type=submit]');
      await br.page.waitForSelector('#account');
      assert.equal(await br.page.locator('#account').textContent(), who);
      return br;
    };
    /** The session ids the list shows, once they are `expected` (a session in two of one's spaces is listed in each). */
    const listed = async (br: Browser, expected: string[]): Promise<Set<string>> => {
      await br.page.goto(br.page.url().replace(/#.*$/, '') + '#/');
      const want = [...new Set(expected)].sort().join(' ');
      await br.page
        .waitForFunction((w) => [...new Set([...document.querySelectorAll('a.row')].map((r) => r.getAttribute('data-id')))].sort().join(' ') === w, want, {
          timeout: 60_000,
        })
        .catch(async (err) => {
          throw new Error(`${(err as Error).message}; the page shows: ${await br.page.locator('main').textContent()}`);
        });
      return new Set(await br.page.locator('a.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')!)));
    };
    /** The session ids the dashboard's search finds for q (none: "No matches"). */
    const searched = async (br: Browser, q: string): Promise<Set<string>> => {
      // Its answer, then its rendering (hits, or "No matches"), so an earlier query's hits are not read.
      const answered = br.page.waitForResponse((r) => r.url().includes('/api/v1/search?') && new URL(r.url()).searchParams.get('q') === q);
      await br.page.fill('#search', q);
      await (await answered).finished();
      await br.page.locator('a.hit').or(br.page.getByText('No matches')).first().waitFor();
      const hrefs = await br.page.locator('a.hit').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      return new Set(hrefs.map((h) => /ses_[0-9a-z]+/.exec(h)?.[0] ?? h));
    };

    // Ann (pushed to A) on B: her two sessions — the shared one and her private one; nothing of Bob's or Cat's.
    const annB = await signIn(B, 'ann');
    assert.deepEqual(await listed(annB, [IDS.complete, IDS.subagent]), new Set([IDS.complete, IDS.subagent]));
    assert.deepEqual(await searched(annB, 'kumquat'), new Set());
    await annB.screenshot('team2-owner-list');

    // Bob (pushed to B) on A: his own and the team's shared session; not Ann's private one, not Cat's.
    const bobA = await signIn(A, 'bob');
    assert.deepEqual(await listed(bobA, [IDS.minimal, IDS.complete]), new Set([IDS.minimal, IDS.complete]));
    assert.match((await bobA.page.locator(`a.row[data-id="${IDS.complete}"]`).textContent())!, /by ann/);
    await bobA.screenshot('team2-member-list');
    assert.deepEqual(await searched(bobA, 'pytest'), new Set([IDS.complete]));
    await bobA.screenshot('team2-member-search');
    assert.deepEqual(await searched(bobA, 'kumquat'), new Set(), "Cat's personal session is never found");

    // Cat (pushed to A) on B: invited, not a member — only her own session, and the team's is not found.
    const catB = await signIn(B, 'cat');
    assert.deepEqual(await listed(catB, [catsId]), new Set([catsId]));
    assert.deepEqual(await searched(catB, 'pytest'), new Set(), 'nothing of the team before she accepts');
    assert.deepEqual(await searched(catB, 'kumquat'), new Set([catsId]));
    await catB.screenshot('team2-invitee-before');
    await catB.page.goto(B + '/#/invitations');
    await catB.page.waitForSelector('#received li[data-invitation]');
    assert.match((await catB.page.textContent('#received'))!, /crew as member · from ann/);
    await catB.page.click('#received button.primary');
    await catB.page.waitForSelector('#received li.muted');
    assert.deepEqual(await listed(catB, [catsId, IDS.complete]), new Set([catsId, IDS.complete]));
    assert.deepEqual(await searched(catB, 'pytest'), new Set([IDS.complete]));
    await catB.screenshot('team2-invitee-after');

    // A handoff Ann sends on B, Bob takes from his inbox on A: her private session becomes his.
    const handoff = (await api(B, 'ann', 'POST', '/v1/handoffs', { session: IDS.subagent, to: 'bob', message: 'yours now' })).id as string;
    await bobA.page.goto(A + '/#/inbox');
    const item = `#received li[data-handoff="${handoff}"]`;
    await bobA.page.waitForSelector(item);
    assert.match((await bobA.page.textContent(item))!, /from ann[\s\S]*yours now/);
    await bobA.screenshot('team2-inbox');
    await bobA.page.click(`${item} button.primary`);
    await bobA.page.waitForSelector(`${item}:has-text("accepted")`);
    await caughtUp();
    assert.deepEqual(await listed(bobA, [IDS.minimal, IDS.complete, IDS.subagent]), new Set([IDS.minimal, IDS.complete, IDS.subagent]));
    assert.deepEqual(await listed(catB, [catsId, IDS.complete]), new Set([catsId, IDS.complete]), 'the handoff went to Bob alone');

    // Bob's laptop syncs through B; he revokes it from the dashboard on A: its socket on B closes.
    const laptop = await api(B, 'bob', 'POST', '/v1/tokens', { name: 'laptop' });
    const sock = await WireClient.connect(B);
    sockets.push(sock);
    sock.send({ t: 'hello', versions: [1], token: laptop.token, origin: 'bobslaptop02', device: 'bob-laptop' });
    const w = await sock.next('welcome');
    sock.send({ t: 'sub', space: w.spaces[0]!.id, after: 0 });
    await sock.next('events');
    await bobA.page.goto(A + '/#/devices');
    await bobA.page.waitForSelector('li[data-device="bobslaptop02"] button.danger');
    await bobA.page.click('li[data-device="bobslaptop02"] button.danger');
    await bobA.page.waitForSelector('dialog.confirm');
    await bobA.page.click('dialog.confirm button[data-ok]');
    const err = await sock.next('error');
    assert.deepEqual([err.code, err.message], ['AUTH', 'API token revoked']);
    assert.equal((await sock.waitClosed()).code, 4401);
    await bobA.page.waitForSelector('li[data-device="bobslaptop02"]:has-text("revoked")');
    await bobA.screenshot('team2-device-revoked');

    // `sfs relay rebuild-views`, beside both running processes: every list and search answer stays as it was.
    await caughtUp();
    const answers = async () => {
      const out: Record<string, unknown> = {};
      for (const who of ['ann', 'bob', 'cat']) {
        for (const relay of [A, B]) {
          out[`${who} list ${relay}`] = (await api(relay, who, 'GET', '/api/v1/sessions?limit=100')).data;
          for (const q of ['pytest', 'hello', 'kumquat', 'validation'])
            out[`${who} search ${q} ${relay}`] = (await api(relay, who, 'GET', `/api/v1/search?q=${q}&limit=100`)).data;
        }
      }
      return out;
    };
    const rdb = await openDatabase({ url });
    t.after(() => rdb.close());
    const spaces = (await rdb.db.selectFrom('spaces').select('id').execute()).map((s) => s.id);
    const before = await answers();
    const viewsBefore = await dumpViews(rdb.db, spaces);
    const rebuilt = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'relay', 'rebuild-views', '--database-url', url, '--json'], {
        env: { ...process.env, SFS_HOME: path.join(home, 'c') },
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`rebuild-views exited ${code}: ${out}`))));
    });
    const r = JSON.parse(rebuilt) as { data: { rebuilt: boolean; spaces: number; events: number } };
    assert.equal(r.data.rebuilt, true);
    assert.equal(r.data.spaces, spaces.length);
    assert.ok(r.data.events > 0);
    assert.deepEqual(await dumpViews(rdb.db, spaces), viewsBefore, 'the rebuilt views equal the incrementally built ones');
    assert.deepEqual(await answers(), before, 'every list and search answer is unchanged by the rebuild');

    for (const br of browsers) {
      assert.deepEqual(br.dialogs, []);
      assert.deepEqual(br.errors, []);
    }
  },
);
