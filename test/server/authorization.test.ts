import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import type { Relay } from '../../server/relay.js';

const make = (await backends()).at(-1)!;

/**
 * Mallory holds a valid token of her own and tries every endpoint and every message type
 * against Alice's spaces, sessions, tokens and handoffs. Every attempt must be refused and
 * leave Alice's data as it was.
 */
describe('authorization', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  let alice: { token: string };
  let mallory: { token: string };
  let aliceSpace: string;
  let teamSpace: string;
  let aliceToken: string;
  let handoff: string;
  const session = 'ses_alicesecret1';
  before(async () => {
    b = await make();
    relay = await relayOn(b);
    alice = await signup(relay, 'alice');
    mallory = await signup(relay, 'mallory');
    await signup(relay, 'carol');
    const c = await WireClient.connect(relay.url);
    const w = await c.hello(alice.token, 'orgalice0001');
    aliceSpace = w.spaces[0]!.id;
    c.send({ t: 'push', id: 1, space: aliceSpace, from: 0, upTo: 2, ...dlp(aliceSpace), events: [meta('orgalice0001', 1, session), meta('orgalice0001', 2, session)] });
    await c.next('pushed');
    c.close();
    const h = { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' };
    teamSpace = ((await (await fetch(relay.url + '/v1/orgs', { method: 'POST', headers: h, body: JSON.stringify({ name: 'aliceteam' }) })).json()) as { id: string }).id;
    await fetch(relay.url + '/v1/shares', { method: 'POST', headers: h, body: JSON.stringify({ session, space: 'aliceteam' }) });
    aliceToken = ((await (await fetch(relay.url + '/v1/me', { headers: h })).json()) as { token_id: string }).token_id;
    handoff = ((await (await fetch(relay.url + '/v1/handoffs', { method: 'POST', headers: h, body: JSON.stringify({ session, to: 'carol' }) })).json()) as { id: string }).id;
  });
  after(async () => {
    await relay?.close();
    await b?.drop();
  });

  test('every HTTP endpoint refuses another account', async () => {
    const attempts: Array<[string, string, unknown?]> = [
      ['DELETE', `/v1/tokens/${aliceToken}`],
      ['PUT', `/v1/spaces/${aliceSpace}/policy`, { policy: 'warn' }],
      ['PUT', `/v1/spaces/aliceteam/policy`, { policy: 'warn' }],
      ['PUT', `/v1/spaces/~alice/policy`, { policy: 'warn' }],
      ['GET', `/v1/orgs/aliceteam/members`],
      ['GET', `/v1/orgs/${teamSpace}/members`],
      ['POST', `/v1/orgs/aliceteam/members`, { username: 'mallory', role: 'admin' }],
      ['POST', `/v1/orgs/~alice/members`, { username: 'mallory' }],
      ['DELETE', `/v1/orgs/aliceteam/members/alice`],
      ['GET', `/v1/sessions?space=${aliceSpace}`],
      ['GET', `/v1/sessions?space=aliceteam`],
      ['GET', `/v1/sessions/${session}/events`],
      ['GET', `/v1/sessions/${session}/events?space=${aliceSpace}`],
      ['GET', `/v1/sessions/${session}/events?space=aliceteam`],
      ['POST', `/v1/shares`, { session, space: aliceSpace }],
      ['POST', `/v1/shares`, { session, space: 'aliceteam' }],
      ['DELETE', `/v1/shares/aliceteam/${session}`],
      ['POST', `/v1/handoffs/${handoff}/accept`],
      ['POST', `/v1/handoffs`, { session, to: 'mallory' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await fetch(relay.url + path, { method, headers: { authorization: `Bearer ${mallory.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      assert.ok([403, 404].includes(res.status), `${method} ${path} answered ${res.status}`);
    }
    // Mallory's own listings show nothing of Alice.
    const own = async (path: string) => JSON.stringify(await (await fetch(relay.url + path, { headers: { authorization: `Bearer ${mallory.token}` } })).json());
    for (const p of ['/v1/sessions', '/v1/spaces', '/v1/tokens', '/v1/devices', '/v1/handoffs', '/v1/me']) {
      const text = await own(p);
      assert.ok(!text.includes(session) && !text.includes(aliceSpace) && !text.includes('aliceteam') && !text.includes('orgalice0001'), `${p} leaks: ${text}`);
    }
    // Without any token, everything but signup/login/health is refused.
    for (const [method, path] of attempts) assert.equal((await fetch(relay.url + path, { method })).status, 401, `${method} ${path} without a token`);
  });

  test('every WebSocket message type refuses another account', async () => {
    const frames: Array<Record<string, unknown>> = [
      { t: 'sub', space: aliceSpace, after: 0 },
      { t: 'sub', space: teamSpace, after: 0 },
      { t: 'sub', space: '~alice', after: 0 },
      { t: 'push', id: 1, space: aliceSpace, from: 0, upTo: 1, ...dlp(aliceSpace), events: [meta('orgmallory01', 1, session)] },
      { t: 'push', id: 1, space: teamSpace, from: 0, upTo: 1, ...dlp(teamSpace), events: [meta('orgmallory01', 1, session)] },
      { t: 'push', id: 1, space: aliceSpace, lane: session, from: 0, upTo: 1, ...dlp(aliceSpace), events: [meta('orgmallory01', 1, session)] },
      { t: 'ack', space: aliceSpace, cursor: 0 },
    ];
    for (const f of frames) {
      const c = await WireClient.connect(relay.url);
      await c.hello(mallory.token, 'orgmallory01');
      c.send(f);
      const err = await c.next('error');
      assert.ok(['FORBIDDEN', 'PROTOCOL'].includes(err.code), `${JSON.stringify(f)} → ${err.code}`);
      assert.equal(c.frames.filter((x) => x.t === 'events').length, 0);
      await c.waitClosed();
    }
    // Alice's origin cannot be taken over, and Alice's events cannot be forged into Mallory's space.
    const c = await WireClient.connect(relay.url);
    c.send({ t: 'hello', versions: [1], token: mallory.token, origin: 'orgalice0001' });
    assert.equal((await c.next('error')).code, 'FORBIDDEN');
    const d = await WireClient.connect(relay.url);
    const w = await d.hello(mallory.token, 'orgmallory02');
    d.send({ t: 'push', id: 1, space: w.spaces[0]!.id, from: 0, upTo: 1, ...dlp(w.spaces[0]!.id), events: [meta('orgalice0001', 1, session)] });
    assert.equal((await d.next('error')).code, 'FORBIDDEN');
    // Mallory's push into her own space for the same session id is not routed into Alice's team.
    const e = await WireClient.connect(relay.url);
    const we = await e.hello(mallory.token, 'orgmallory03');
    e.send({ t: 'push', id: 1, space: we.spaces[0]!.id, from: 0, upTo: 1, ...dlp(we.spaces[0]!.id), events: [meta('orgmallory03', 1, session, 'pwned')] });
    await e.next('pushed');
    e.close();
    const rows = await relay.rdb.db.selectFrom('events').select(['space_id', 'origin']).where('session', '=', session).execute();
    assert.ok(rows.every((r) => r.space_id !== aliceSpace && r.space_id !== teamSpace ? r.origin === 'orgmallory03' : r.origin === 'orgalice0001'));
    assert.equal(rows.filter((r) => r.space_id === teamSpace).length, 2);
  });
});
