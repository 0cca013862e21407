import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import type { Relay } from '../../server/relay.js';

const make = (await backends()).at(-1)!;
const TTL_MS = 3 * 3600 * 1000;

/** A handoff is a one-time grant of the session as it was when handed off, with an expiry and a cancel. */
describe('handoffs', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  let alice: { token: string };
  let carol: { token: string };
  let pusher: WireClient;
  let personal: string;
  const ORIGIN = 'orghandoff0001';
  let seq = 0;
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(relay.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  /** Alice's machine pushes n more events of a session. */
  const push = async (session: string, n: number) => {
    const events = Array.from({ length: n }, (_, i) => meta(ORIGIN, seq + i + 1, session));
    pusher.send({ t: 'push', id: seq, space: personal, from: seq, upTo: seq + n, ...dlp(personal), events });
    seq += n;
    assert.equal((await pusher.next('pushed')).frontier, seq);
    return events.map((e) => e[1]);
  };
  /** Alice's event seqs of a session in Carol's personal space. */
  const atCarol = async (session: string) =>
    (
      await relay.rdb.db
        .selectFrom('events')
        .innerJoin('spaces', 'spaces.id', 'events.space_id')
        .select('events.seq')
        .where('spaces.name', '=', '~carol')
        .where('events.session', '=', session)
        .orderBy('events.seq')
        .execute()
    ).map((r) => Number(r.seq));

  before(async () => {
    b = await make();
    relay = await relayOn(b, { handoffTtlMs: TTL_MS });
    alice = await signup(relay, 'alice');
    carol = await signup(relay, 'carol');
    pusher = await WireClient.connect(relay.url);
    personal = (await pusher.hello(alice.token, ORIGIN)).spaces[0]!.id;
  });
  after(async () => {
    pusher?.close();
    await relay?.close();
    await b?.drop();
  });

  test('accepting copies the session as it was when handed off, and only once', async () => {
    const before = await push('ses_handoffonce1', 2);
    const h = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffonce1', to: 'carol', message: 'yours' });
    assert.equal(h.status, 200);
    assert.equal(h.body.extended, false);
    await push('ses_handoffonce1', 2); // added after the handoff: not part of it
    const first = await call(carol.token, 'POST', `/v1/handoffs/${h.body.id}/accept`);
    assert.deepEqual([first.status, first.body.copied, first.body.already_accepted, first.body.message], [200, 2, false, 'yours']);
    assert.deepEqual(await atCarol('ses_handoffonce1'), before);
    await push('ses_handoffonce1', 1);
    const again = await call(carol.token, 'POST', `/v1/handoffs/${h.body.id}/accept`);
    assert.deepEqual([again.status, again.body.copied, again.body.already_accepted], [200, 0, true]);
    assert.equal(again.body.accepted_at, first.body.accepted_at);
    assert.deepEqual(await atCarol('ses_handoffonce1'), before, 'a second accept copies nothing');
  });

  test('handing the session off again to the same account extends the pending handoff to its current end', async () => {
    const one = await push('ses_handoffextend', 2);
    const h1 = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffextend', to: 'carol' });
    const two = await push('ses_handoffextend', 1);
    const h2 = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffextend', to: 'carol', message: 'now with the fix' });
    assert.deepEqual([h2.body.id, h2.body.extended, h2.body.message], [h1.body.id, true, 'now with the fix']);
    await push('ses_handoffextend', 1);
    const listed = (await call(carol.token, 'GET', '/v1/handoffs')).body.handoffs.filter((x: { session: string }) => x.session === 'ses_handoffextend');
    assert.equal(listed.length, 1, 'one handoff, extended');
    const acc = await call(carol.token, 'POST', `/v1/handoffs/${h1.body.id}/accept`);
    assert.equal(acc.body.copied, 3);
    assert.deepEqual(await atCarol('ses_handoffextend'), [...one, ...two]);
    // Once accepted it is no longer pending: handing off again makes a new one.
    const h3 = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffextend', to: 'carol' });
    assert.notEqual(h3.body.id, h1.body.id);
    assert.equal(h3.body.extended, false);
  });

  test("a handoff expires after the relay's time or the sender's, and an expired one cannot be accepted", async () => {
    await push('ses_handoffexpire', 1);
    const dflt = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffexpire', to: 'carol' });
    const row = async (id: string) => relay.rdb.db.selectFrom('handoffs').select(['created_at', 'expires_at']).where('id', '=', id).executeTakeFirstOrThrow();
    const d = await row(dflt.body.id);
    assert.equal(d.expires_at.getTime() - d.created_at.getTime(), TTL_MS, 'the relay option');
    assert.equal(await call(alice.token, 'DELETE', `/v1/handoffs/${dflt.body.id}`).then((r) => r.status), 200);
    const short = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffexpire', to: 'carol', expires_in_ms: 60_000 });
    const s = await row(short.body.id);
    assert.equal(s.expires_at.getTime() - s.created_at.getTime(), 60_000, 'the sender asked for a minute');
    for (const bad of [0, -5, 1.5, 'soon', 400 * 24 * 3600 * 1000]) {
      const r = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffexpire', to: 'carol', expires_in_ms: bad });
      assert.deepEqual([r.status, r.body.error.code], [400, 'INVALID'], String(bad));
    }
    // The minute passes (the row says so).
    await relay.rdb.db
      .updateTable('handoffs')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', short.body.id)
      .execute();
    const late = await call(carol.token, 'POST', `/v1/handoffs/${short.body.id}/accept`);
    assert.deepEqual([late.status, late.body.error.code], [410, 'HANDOFF_EXPIRED']);
    assert.match(late.body.error.message, /expired at .*ask the sender to hand the session off again/);
    assert.deepEqual(await atCarol('ses_handoffexpire'), []);
    const listed = (await call(carol.token, 'GET', '/v1/handoffs')).body.handoffs.filter((x: { session: string }) => x.session === 'ses_handoffexpire');
    assert.deepEqual(listed.map((x: { state: string }) => x.state).sort(), ['cancelled', 'expired']);
    // The title is shown only where the caller may see the session: to its sender, and to a recipient who can still take it.
    assert.deepEqual(
      listed.map((x: { title: string | null }) => x.title),
      [null, null],
    );
    const sent = (await call(alice.token, 'GET', '/v1/handoffs')).body.handoffs.filter((x: { session: string }) => x.session === 'ses_handoffexpire');
    assert.ok(sent.length === 2 && sent.every((x: { title: string | null }) => typeof x.title === 'string' && /^t\d+$/.test(x.title)));
  });

  test('the sender can cancel a pending handoff, nobody else can, and a cancelled one cannot be accepted', async () => {
    await push('ses_handoffcancel', 1);
    const h = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffcancel', to: 'carol' });
    assert.equal((await call(carol.token, 'DELETE', `/v1/handoffs/${h.body.id}`)).status, 404, 'the recipient cannot cancel it');
    const c1 = await call(alice.token, 'DELETE', `/v1/handoffs/${h.body.id}`);
    assert.equal(c1.status, 200);
    const c2 = await call(alice.token, 'DELETE', `/v1/handoffs/${h.body.id}`);
    assert.deepEqual([c2.status, c2.body.cancelled_at], [200, c1.body.cancelled_at], 'cancelling again changes nothing');
    const acc = await call(carol.token, 'POST', `/v1/handoffs/${h.body.id}/accept`);
    assert.deepEqual([acc.status, acc.body.error.code], [410, 'HANDOFF_CANCELLED']);
    assert.deepEqual(await atCarol('ses_handoffcancel'), []);
    // An accepted handoff cannot be cancelled any more.
    const h2 = await call(alice.token, 'POST', '/v1/handoffs', { session: 'ses_handoffcancel', to: 'carol' });
    assert.notEqual(h2.body.id, h.body.id, 'a cancelled handoff is not extended');
    assert.equal((await call(carol.token, 'POST', `/v1/handoffs/${h2.body.id}/accept`)).status, 200);
    const late = await call(alice.token, 'DELETE', `/v1/handoffs/${h2.body.id}`);
    assert.deepEqual([late.status, late.body.error.code], [409, 'CONFLICT']);
  });
});
