import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import { packBody } from '../../engine/replication/protocol.js';
import { joinTeam } from '../helpers/team.js';
import type { Relay } from '../../server/relay.js';

const make = (await backends()).at(-1)!;

/**
 * Who may share a session, and where a push of it goes. Bob owns a team that Alice belongs
 * to; Bob knows the ids of Alice's sessions (ids derive from the tool's native id). Nothing he
 * does — sharing them, or a share row he got into the database some other way — may bring her
 * events into his team, and every route he could read them by stays closed.
 */
describe('share trust', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  let alice: { token: string; account: { id: string } };
  let bob: { token: string; account: { id: string } };
  let alicePersonal: string;
  let team: string;
  const ALICE = 'orgalicetrust1';
  const BOB = 'orgbobtrust001';
  const SHARED = 'ses_alicetoshare1';
  const NEVER = 'ses_alicenevershared';
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(relay.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const teamRows = async (session: string) =>
    (await relay.rdb.db.selectFrom('events').select(['origin', 'seq']).where('space_id', '=', team).where('session', '=', session).execute()).map(
      (r) => `${r.origin}:${r.seq}`,
    );

  before(async () => {
    b = await make();
    relay = await relayOn(b);
    alice = await signup(relay, 'alice');
    bob = await signup(relay, 'bob');
    const c = await WireClient.connect(relay.url);
    alicePersonal = (await c.hello(alice.token, ALICE)).spaces[0]!.id;
    c.send({
      t: 'push',
      id: 1,
      space: alicePersonal,
      from: 0,
      upTo: 4,
      ...dlp(alicePersonal),
      events: [meta(ALICE, 1, SHARED), meta(ALICE, 2, SHARED), meta(ALICE, 3, NEVER, 'her secret'), meta(ALICE, 4, NEVER)],
    });
    assert.equal((await c.next('pushed')).written, 4);
    c.close();
    team = (await call(bob.token, 'POST', '/v1/orgs', { name: 'bobteam' })).body.id;
    await joinTeam(relay.url, bob.token, alice.token, 'bobteam', 'alice');
  });
  after(async () => {
    await relay?.close();
    await b?.drop();
  });

  test('only an account with its own events in a session may share it, and the refusal does not tell whether the session exists', async () => {
    const ofHers = await call(bob.token, 'POST', '/v1/shares', { session: NEVER, space: 'bobteam' });
    const nowhere = await call(bob.token, 'POST', '/v1/shares', { session: 'ses_nosuchsession01', space: 'bobteam' });
    assert.equal(ofHers.status, 404);
    assert.deepEqual([nowhere.status, nowhere.body.error.code], [ofHers.status, ofHers.body.error.code]);
    assert.equal(nowhere.body.error.message.replaceAll('ses_nosuchsession01', 'X'), ofHers.body.error.message.replaceAll(NEVER, 'X'));
    // Into a space he does not belong to: refused before the session is looked at.
    assert.equal((await call(bob.token, 'POST', '/v1/shares', { session: NEVER, space: alicePersonal })).status, 403);
    assert.equal((await call(bob.token, 'POST', '/v1/shares', { session: 'ses_nosuchsession01', space: alicePersonal })).status, 403);
    assert.deepEqual(await relay.rdb.db.selectFrom('shares').selectAll().execute(), []);
    assert.deepEqual(await teamRows(NEVER), []);
    // Alice shares her own session: it is copied.
    const mine = await call(alice.token, 'POST', '/v1/shares', { session: SHARED, space: 'bobteam' });
    assert.deepEqual([mine.status, mine.body.copied], [200, 2]);
  });

  test('a share row of another account routes nothing of hers: welcome, push, backfill and every read route stay closed', async () => {
    // However it got there (the old relay created it on Bob's request), Bob's share of her session.
    await relay.rdb.db.insertInto('shares').values({ space_id: team, session: NEVER, shared_by: bob.account.id }).execute();
    const a = await WireClient.connect(relay.url);
    const w = await a.hello(alice.token, ALICE);
    assert.deepEqual(w.shares, { [SHARED]: [team] }, 'the welcome lists only her own shares');
    assert.deepEqual(w.backfill, []);
    // Her next events of the session go to her personal space only; the relay asks for no route.
    a.send({ t: 'push', id: 1, space: alicePersonal, from: 4, upTo: 5, ...dlp(alicePersonal), events: [meta(ALICE, 5, NEVER, 'more of her secret')] });
    assert.deepEqual([(await a.next('pushed')).written], [1]);
    // Pushed straight into the team (as a backfill would be): refused, nothing stored.
    a.send({
      t: 'push',
      id: 2,
      space: team,
      lane: NEVER,
      from: 0,
      upTo: 5,
      ...dlp(team, 'redact', { [NEVER]: [team] }),
      events: [meta(ALICE, 3, NEVER), meta(ALICE, 4, NEVER), meta(ALICE, 5, NEVER)],
    });
    const stale = await a.next('error');
    assert.equal(stale.code, 'STALE');
    assert.deepEqual(stale.shares, {});
    a.close();
    assert.deepEqual(await teamRows(NEVER), []);
    // Bob: by HTTP, by the listing, by the sync socket.
    assert.equal((await call(bob.token, 'GET', `/v1/sessions/${NEVER}/events`)).status, 404);
    assert.equal((await call(bob.token, 'GET', `/v1/sessions/${NEVER}/events?space=bobteam`)).status, 404);
    const listed = (await call(bob.token, 'GET', '/v1/sessions')).body.sessions.map((s: { session: string }) => s.session);
    assert.ok(listed.includes(SHARED) && !listed.includes(NEVER), JSON.stringify(listed));
    const c = await WireClient.connect(relay.url);
    await c.hello(bob.token, BOB);
    c.send({ t: 'sub', space: team, after: 0 });
    const pulled: string[] = [];
    for (;;) {
      const f = await c.next('events');
      pulled.push(...f.events.map((e) => `${e[5]}:${e[0]}:${e[1]}`));
      c.send({ t: 'ack', space: team, cursor: f.cursor });
      if (f.tail) break;
    }
    c.close();
    assert.deepEqual(pulled.sort(), [`${SHARED}:${ALICE}:1`, `${SHARED}:${ALICE}:2`]);
  });

  test('two accounts may share one session id into a space, each routing its own events; only the sharer withdraws a share', async () => {
    // Bob captured a session with the same native id: same session id, his own events.
    const c = await WireClient.connect(relay.url);
    const bobPersonal = (await c.hello(bob.token, BOB)).spaces.find((s) => s.kind === 'personal')!.id;
    c.send({ t: 'push', id: 1, space: bobPersonal, from: 0, upTo: 1, ...dlp(bobPersonal), events: [meta(BOB, 1, SHARED, 'bob')] });
    await c.next('pushed');
    const shared = await call(bob.token, 'POST', '/v1/shares', { session: SHARED, space: 'bobteam' });
    assert.deepEqual([shared.status, shared.body.copied], [200, 1], 'only his own event is copied');
    const rows = await relay.rdb.db
      .selectFrom('shares')
      .select(['shared_by'])
      .where('space_id', '=', team)
      .where('session', '=', SHARED)
      .orderBy('shared_by')
      .execute();
    assert.deepEqual(rows.map((r) => r.shared_by).sort(), [alice.account.id, bob.account.id].sort());
    // His later event is routed by his share.
    c.send({
      t: 'push',
      id: 2,
      space: bobPersonal,
      from: 1,
      upTo: 2,
      ...dlp(bobPersonal, 'redact', { [SHARED]: [team] }, { [team]: 'redact' }),
      events: [meta(BOB, 2, SHARED, 'bob again')],
    });
    await c.next('pushed');
    c.close();
    assert.deepEqual((await teamRows(SHARED)).sort(), [`${ALICE}:1`, `${ALICE}:2`, `${BOB}:1`, `${BOB}:2`]);
    // Bob withdraws his share; Alice's stays, and he cannot withdraw hers.
    assert.equal((await call(bob.token, 'DELETE', `/v1/shares/bobteam/${SHARED}`)).status, 200);
    assert.equal((await call(bob.token, 'DELETE', `/v1/shares/bobteam/${SHARED}`)).status, 404);
    const left = await relay.rdb.db.selectFrom('shares').select(['shared_by']).where('space_id', '=', team).where('session', '=', SHARED).execute();
    assert.deepEqual(
      left.map((r) => r.shared_by),
      [alice.account.id],
    );
  });

  test("another account's purge of the same session id erases only that account's events, in the team and in her space", async () => {
    // Bob shares his copy again and purges it: a purge event from his device, routed into the team.
    assert.equal((await call(bob.token, 'POST', '/v1/shares', { session: SHARED, space: 'bobteam' })).status, 200);
    const c = await WireClient.connect(relay.url);
    const bobPersonal = (await c.hello(bob.token, BOB)).spaces.find((s) => s.kind === 'personal')!.id;
    c.send({
      t: 'push',
      id: 3,
      space: bobPersonal,
      from: 2,
      upTo: 3,
      ...dlp(bobPersonal, 'redact', { [SHARED]: [team] }, { [team]: 'redact' }),
      events: [[BOB, 3, 'session.purged', 1, 1_700_000_000_003, SHARED, packBody({})]],
    });
    await c.next('pushed');
    c.close();
    const bodies = async (space: string) =>
      Object.fromEntries(
        (
          await relay.rdb.db
            .selectFrom('events')
            .select(['origin', 'seq', 'body'])
            .where('space_id', '=', space)
            .where('session', '=', SHARED)
            .where('type', '!=', 'session.purged')
            .execute()
        ).map((r) => [`${r.origin}:${r.seq}`, r.body !== null]),
      );
    assert.deepEqual(await bodies(team), { [`${ALICE}:1`]: true, [`${ALICE}:2`]: true, [`${BOB}:1`]: false, [`${BOB}:2`]: false });
    assert.deepEqual(await bodies(alicePersonal), { [`${ALICE}:1`]: true, [`${ALICE}:2`]: true });
    // Her later event of the session still carries its content into the team.
    const a = await WireClient.connect(relay.url);
    await a.hello(alice.token, ALICE);
    a.send({
      t: 'push',
      id: 9,
      space: alicePersonal,
      from: 5,
      upTo: 6,
      ...dlp(alicePersonal, 'redact', { [SHARED]: [team] }, { [team]: 'redact' }),
      events: [meta(ALICE, 6, SHARED, 'hers, after his purge')],
    });
    await a.next('pushed');
    a.close();
    assert.equal((await bodies(team))[`${ALICE}:6`], true);
  });
});
