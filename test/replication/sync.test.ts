import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from '../server/backends.js';
import { tempDir } from '../helpers/tmp.js';
import { startSync, syncOnce } from '../../engine/replication/start-sync.js';
import { purgeSession } from '../../engine/ops/lifecycle.js';
import { RelayApi } from '../../engine/replication/api.js';
import { joinTeam } from '../helpers/team.js';
import { backfillFor } from '../../server/events.js';
import { BLOCKED_KEY } from '../../engine/replication/connection.js';
import { writeSyncSettings } from '../../engine/replication/settings.js';
import { pathsIn } from '../helpers/tmp.js';
import type { Relay } from '../../server/relay.js';
import { allEvents, discover, dumpProjections, identities, msg, openStore, say, signIn, waitFor } from './helpers.js';

// One backend is enough here (the conformance suite covers both): PostgreSQL when up, it starts faster.
const make = (await backends()).at(-1)!;

describe('client sync', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  before(async () => {
    b = await make();
    relay = await relayOn(b);
  });
  after(async () => {
    await relay?.close();
    await b?.drop();
  });

  test('two stores of one account see each other live; purge replicates', async (t) => {
    const alice = await signup(relay, 'alice1');
    const [da, db] = [tempDir(t), tempDir(t)];
    signIn(da, relay.url, alice.token, 'alice1');
    signIn(db, relay.url, alice.token, 'alice1');
    const A = await openStore(da);
    const B = await openStore(db);
    const sa = startSync(A, { pollMs: 10 });
    const sb = startSync(B, { pollMs: 10 });
    t.after(async () => {
      await sa.stop();
      await sb.stop();
      await A.close();
      await B.close();
    });
    await discover(A, 'ses_aaaaaaaaaa', 'from A');
    await say(A, 'ses_aaaaaaaaaa', 'm1', 'hello from A');
    const ms = await waitFor('B to see A', async () => (await identities(B)).length === 2);
    await say(B, 'ses_aaaaaaaaaa', 'm2', 'reply from B');
    await waitFor('A to see B', async () => (await identities(A)).length === 3);
    assert.deepEqual(await identities(A), await identities(B));
    assert.equal(await dumpProjections(A), await dumpProjections(B));
    assert.ok(ms < 5000, `propagation took ${ms} ms`);
    await purgeSession(A, 'ses_aaaaaaaaaa');
    await waitFor('purge on B', async () => (await allEvents(B)).every((e) => e.body === null || e.type === 'session.purged'));
    await waitFor('purge on relay', async () =>
      (await relay.rdb.db.selectFrom('events').select(['body', 'type']).where('session', '=', 'ses_aaaaaaaaaa').execute()).every(
        (r) => r.body === null || r.type === 'session.purged',
      ),
    );
    assert.deepEqual(await identities(A), await identities(B));
  });

  test('team share routes both ways; handoff; selective sync; DLP redacts before leaving', async (t) => {
    const alice = await signup(relay, 'alice2');
    const bob = await signup(relay, 'bob2');
    const [da, dc] = [tempDir(t), tempDir(t)];
    signIn(da, relay.url, alice.token, 'alice2');
    signIn(dc, relay.url, bob.token, 'bob2');
    const aliceApi = new RelayApi(relay.url, alice.token);
    await aliceApi.call('POST', '/v1/orgs', { name: 'team2' });
    await joinTeam(relay.url, alice.token, bob.token, 'team2', 'bob2');
    const A = await openStore(da);
    const C = await openStore(dc);
    t.after(async () => {
      await A.close();
      await C.close();
    });
    await discover(A, 'ses_shared0001');
    await say(A, 'ses_shared0001', 'm1', 'token ghp_R4nd0mT0k3nV4lu3F0rT3st1ng0123456789 here');
    await discover(A, 'ses_private001');
    await syncOnce(A);
    await aliceApi.call('POST', '/v1/shares', { session: 'ses_shared0001', space: 'team2' });
    await syncOnce(C);
    const seen = await allEvents(C);
    assert.deepEqual([...new Set(seen.map((e) => e.session))], ['ses_shared0001'], 'bob sees only the shared session');
    const text = JSON.stringify(seen.find((e) => e.type === 'messages.captured')!.body);
    assert.ok(text.includes('[REDACTED:github-token]') && !text.includes('ghp_R4'), 'the token was redacted before it left');
    // Bob continues the shared session and shares his part too (alice's share routes only her
    // events); his events reach alice through the team space.
    const bobApi = new RelayApi(relay.url, bob.token);
    await say(C, 'ses_shared0001', 'm2', 'bob was here');
    await syncOnce(C);
    await bobApi.call('POST', '/v1/shares', { session: 'ses_shared0001', space: 'team2' });
    await say(C, 'ses_shared0001', 'm3', 'and bob again');
    await syncOnce(C);
    await syncOnce(A);
    const aliceText = JSON.stringify((await allEvents(A)).filter((e) => e.type === 'messages.captured').map((e) => e.body));
    assert.ok(aliceText.includes('bob was here') && aliceText.includes('and bob again'));
    // Handoff of the private session to bob.
    const h = await aliceApi.call('POST', '/v1/handoffs', { session: 'ses_private001', to: 'bob2', message: 'yours' });
    await bobApi.call('POST', `/v1/handoffs/${h.id}/accept`);
    await syncOnce(C);
    assert.ok((await allEvents(C)).some((e) => e.session === 'ses_private001'));
    // Selective: only watched sessions leave the machine.
    writeSyncSettings(pathsIn(da), { mode: 'selective', watch: ['ses_watched01'] });
    await discover(A, 'ses_watched01');
    await discover(A, 'ses_unwatched1');
    await syncOnce(A);
    const onRelay = (await aliceApi.call('GET', '/v1/sessions')).sessions.map((s: { session: string }) => s.session);
    assert.ok(onRelay.includes('ses_watched01'));
    assert.ok(!onRelay.includes('ses_unwatched1'));
  });

  test('a shared session gets the strictest policy of its spaces: a block team never receives a secret', async (t) => {
    const alice = await signup(relay, 'alice4');
    const bob = await signup(relay, 'bob4');
    const [da, dc] = [tempDir(t), tempDir(t)];
    signIn(da, relay.url, alice.token, 'alice4');
    signIn(dc, relay.url, bob.token, 'bob4');
    const aliceApi = new RelayApi(relay.url, alice.token);
    await aliceApi.call('POST', '/v1/orgs', { name: 'team4' });
    await joinTeam(relay.url, alice.token, bob.token, 'team4', 'bob4');
    await aliceApi.call('PUT', '/v1/spaces/team4/policy', { policy: 'block' });
    const A = await openStore(da);
    const C = await openStore(dc);
    const secret = 'ghp_B10ckdT0k3nV4lu3F0rT3st1ng0123456789';
    const onRelay = async (needle: string) =>
      (
        await relay.rdb.db
          .selectFrom('events')
          .innerJoin('spaces', 'spaces.id', 'events.space_id')
          .select(['spaces.name', 'events.body'])
          .where('events.session', '=', 'ses_blockteam01')
          .execute()
      )
        .filter((r) => r.body !== null && Buffer.from(r.body).includes(needle))
        .map((r) => r.name);
    // A live connection opened before the share: it learns of the share when the relay refuses its push (STALE).
    const sa = startSync(A, { pollMs: 10 });
    t.after(async () => {
      await sa.stop();
      await A.close();
      await C.close();
    });
    await discover(A, 'ses_blockteam01');
    await say(A, 'ses_blockteam01', 'm1', 'clean before the share');
    await waitFor('m1 on the relay', async () => (await onRelay('clean before the share')).length === 1);
    await aliceApi.call('POST', '/v1/shares', { session: 'ses_blockteam01', space: 'team4' });
    await say(A, 'ses_blockteam01', 'm2', `live secret ${secret}`);
    await say(A, 'ses_blockteam01', 'm3', 'clean after the share');
    await waitFor('m3 in the team space', async () => (await onRelay('clean after the share')).includes('team4'));
    // A new connection knows the share from its welcome.
    await sa.stop();
    await say(A, 'ses_blockteam01', 'm4', `later secret ${secret}`);
    await say(A, 'ses_blockteam01', 'm5', 'clean at the end');
    await syncOnce(A);
    assert.deepEqual((await onRelay('clean at the end')).sort(), ['team4', '~alice4']);
    assert.deepEqual(await onRelay(secret.slice(0, 12)), [], 'the secret reached no space');
    assert.deepEqual(await onRelay('REDACTED'), [], 'held back, not redacted: the team policy wins over the personal redact');
    // Bob gets the clean messages and nothing of the held-back ones.
    await syncOnce(C);
    const bobText = JSON.stringify((await allEvents(C)).filter((e) => e.type === 'messages.captured').map((e) => e.body));
    for (const m of ['clean before the share', 'clean after the share', 'clean at the end']) assert.ok(bobText.includes(m), m);
    assert.ok(!bobText.includes('secret'), 'bob received no held-back message');
    // The local log keeps the secret; sync status counts both held-back events.
    const local = JSON.stringify((await allEvents(A)).map((e) => e.body));
    assert.equal(local.split(secret).length - 1, 2);
    assert.equal(((await A.log.getCursor<string[]>(BLOCKED_KEY)) ?? []).length, 2);
  });

  test('sharing later: events pushed under a personal warn never reach a block or redact team unscrubbed', async (t) => {
    const alice = await signup(relay, 'alice5');
    const bob = await signup(relay, 'bob5');
    const [da, da2, dc] = [tempDir(t), tempDir(t), tempDir(t)];
    signIn(da, relay.url, alice.token, 'alice5');
    signIn(da2, relay.url, alice.token, 'alice5');
    signIn(dc, relay.url, bob.token, 'bob5');
    const aliceApi = new RelayApi(relay.url, alice.token);
    await aliceApi.call('PUT', '/v1/spaces/~alice5/policy', { policy: 'warn' });
    for (const [team, policy] of [
      ['team5b', 'block'],
      ['team5r', 'redact'],
    ] as const) {
      await aliceApi.call('POST', '/v1/orgs', { name: team });
      await joinTeam(relay.url, alice.token, bob.token, team, 'bob5');
      await aliceApi.call('PUT', `/v1/spaces/${team}/policy`, { policy });
    }
    const A = await openStore(da);
    const A2 = await openStore(da2); // alice's second machine
    const C = await openStore(dc);
    t.after(async () => {
      await A.close();
      await A2.close();
      await C.close();
    });
    const secret = 'ghp_L4t3rSh4r3dT0k3nV4lu3F0rT3st1ng01234';
    await discover(A, 'ses_blocklater1');
    await say(A, 'ses_blocklater1', 'b1', 'clean before');
    await say(A, 'ses_blocklater1', 'b2', `secret ${secret}`);
    await say(A, 'ses_blocklater1', 'b3', 'clean after');
    await discover(A, 'ses_redactlate1');
    await say(A, 'ses_redactlate1', 'r1', `first secret ${secret}`);
    await say(A2, 'ses_redactlate1', 'r2', `second machine secret ${secret}`);
    await syncOnce(A);
    await syncOnce(A2);
    const spaceRows = async (space: string) =>
      (
        await relay.rdb.db
          .selectFrom('events')
          .innerJoin('spaces', 'spaces.id', 'events.space_id')
          .select(['events.body'])
          .where('spaces.name', '=', space)
          .execute()
      ).map((r) => (r.body ? Buffer.from(r.body).toString('latin1') : ''));
    assert.equal((await spaceRows('~alice5')).filter((b) => b.includes(secret)).length, 3, 'personal warn: the secrets went out as is');
    // Shared later, straight through the API (no client involved): only clean events are copied.
    const sb = await aliceApi.call('POST', '/v1/shares', { session: 'ses_blocklater1', space: 'team5b' });
    const sr = await aliceApi.call('POST', '/v1/shares', { session: 'ses_redactlate1', space: 'team5r' });
    assert.deepEqual([sb.copied, sb.withheld, sr.copied, sr.withheld], [3, 1, 1, 2]);
    await syncOnce(C);
    const bobText = async () => JSON.stringify((await allEvents(C)).map((e) => e.body));
    let text = await bobText();
    assert.ok(text.includes('clean before') && text.includes('clean after'), 'bob has the clean events at once');
    assert.ok(!text.includes(secret.slice(0, 12)) && !text.includes('REDACTED'), 'and nothing of the withheld ones');
    // Alice's machines push the withheld events again, scrubbed for each team, at their next sync.
    await syncOnce(A);
    await syncOnce(A2);
    await syncOnce(C);
    text = await bobText();
    assert.ok(!text.includes(secret.slice(0, 12)), 'bob never sees the secret');
    assert.ok(
      text.includes('first secret [REDACTED:github-token]') && text.includes('second machine secret [REDACTED:github-token]'),
      "the redact team gets both machines' events redacted",
    );
    assert.ok(
      !/secret \[REDACTED/.test(text.replace(/(first|second machine) secret \[REDACTED/g, '')),
      'the block team gets no redacted copy: block holds the event back',
    );
    for (const team of ['team5b', 'team5r'])
      assert.ok(
        (await spaceRows(team)).every((b) => !b.includes(secret)),
        `no secret stored in ${team}`,
      );
    // Block holds back, counted like any held-back event; and nothing is left to backfill.
    assert.deepEqual((await A.log.getCursor<string[]>(BLOCKED_KEY)) ?? [], [`${(await A.log.info()).origin}:3`]);
    for (const S of [A, A2]) assert.deepEqual(await backfillFor(relay.rdb.db, alice.account.id, (await S.log.info()).origin), []);
    // sfs push --space on a session with a secret: shared first, then pushed scrubbed for the team.
    await discover(A, 'ses_pushspace1');
    await say(A, 'ses_pushspace1', 'p1', `cli secret ${secret}`);
    await syncOnce(A);
    await aliceApi.call('POST', '/v1/shares', { session: 'ses_pushspace1', space: 'team5r' });
    await syncOnce(A, { sessions: ['ses_pushspace1'] });
    await syncOnce(C);
    text = await bobText();
    assert.ok(text.includes('cli secret [REDACTED:github-token]') && !text.includes(secret.slice(0, 12)));
  });

  test('sync now returns when the backlog is an exact multiple of the pull batch', { timeout: 60_000 }, async (t) => {
    const alice = await signup(relay, 'alice6');
    const [da, db] = [tempDir(t), tempDir(t)];
    signIn(da, relay.url, alice.token, 'alice6');
    signIn(db, relay.url, alice.token, 'alice6');
    const A = await openStore(da);
    const B = await openStore(db);
    t.after(async () => {
      await A.close();
      await B.close();
    });
    // 1,000 events: two full pull batches and nothing after them (before the fix B's sync never returned).
    await discover(A, 'ses_boundary001');
    await A.log.append({
      events: Array.from({ length: 999 }, (_, i) => ({
        type: 'messages.captured' as const,
        session: 'ses_boundary001',
        body: { messages: [msg(`m${i}`, `message ${i}`)] },
      })),
    });
    assert.equal((await syncOnce(A)).pushed, 1000);
    const r = await syncOnce(B);
    assert.equal(r.pulled, 1000);
    assert.deepEqual(await identities(B), await identities(A));
  });

  test('a relay restart mid-stream loses and duplicates nothing', async (t) => {
    const alice = await signup(relay, 'alice3');
    const [da, db] = [tempDir(t), tempDir(t)];
    const A = await openStore(da);
    const B = await openStore(db);
    let r2: Relay = relay;
    const creds = { relay: relay.url, token: alice.token, username: 'alice3', account_id: '' };
    const sa = startSync(A, { credentials: creds, pollMs: 5, backoff: { initialMs: 50, maxMs: 300 } });
    const sb = startSync(B, { credentials: creds, pollMs: 5, backoff: { initialMs: 50, maxMs: 300 } });
    t.after(async () => {
      await sa.stop();
      await sb.stop();
      await A.close();
      await B.close();
    });
    await discover(A, 'ses_restart001');
    const writing = (async () => {
      for (let i = 0; i < 300; i++) await say(A, 'ses_restart001', `m${i}`, `message ${i}`);
    })();
    await new Promise((r) => setTimeout(r, 150));
    await relay.close();
    await new Promise((r) => setTimeout(r, 200));
    r2 = await relayOn(b, { port: relay.port });
    relay = r2;
    await writing;
    await waitFor('B to catch up', async () => (await identities(B)).length === 301, 30_000);
    assert.deepEqual(await identities(A), await identities(B));
    const rows = await relay.rdb.db.selectFrom('events').select(['origin', 'seq']).where('session', '=', 'ses_restart001').execute();
    assert.equal(rows.length, 301);
    assert.ok(sa.status().reconnects >= 1);
  });
});
