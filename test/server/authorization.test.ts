import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import type { Relay } from '../../server/relay.js';
import { joinTeam } from '../helpers/team.js';
import { browserCall, webLogin } from './web-client.js';
import { packBody, type WireEvent } from '../../engine/replication/protocol.js';

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
    c.send({
      t: 'push',
      id: 1,
      space: aliceSpace,
      from: 0,
      upTo: 2,
      ...dlp(aliceSpace),
      events: [meta('orgalice0001', 1, session), meta('orgalice0001', 2, session)],
    });
    await c.next('pushed');
    c.close();
    const h = { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' };
    teamSpace = (
      (await (await fetch(relay.url + '/v1/orgs', { method: 'POST', headers: h, body: JSON.stringify({ name: 'aliceteam' }) })).json()) as { id: string }
    ).id;
    await fetch(relay.url + '/v1/shares', { method: 'POST', headers: h, body: JSON.stringify({ session, space: 'aliceteam' }) });
    aliceToken = ((await (await fetch(relay.url + '/v1/me', { headers: h })).json()) as { token_id: string }).token_id;
    handoff = (
      (await (await fetch(relay.url + '/v1/handoffs', { method: 'POST', headers: h, body: JSON.stringify({ session, to: 'carol' }) })).json()) as { id: string }
    ).id;
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
      ['POST', `/v1/handoffs/${handoff}/decline`],
      ['DELETE', `/v1/handoffs/${handoff}`],
      ['POST', `/v1/handoffs`, { session, to: 'mallory' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await fetch(relay.url + path, {
        method,
        headers: { authorization: `Bearer ${mallory.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
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

  test('every dashboard team route refuses another account, a member of another team, and an invitee before accepting', async () => {
    const h = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const post = async (token: string, path: string, body: unknown) =>
      (await (await fetch(relay.url + path, { method: 'POST', headers: h(token), body: JSON.stringify(body) })).json()) as Record<string, any>;
    // Dave manages a team of his own; Erin is invited to Alice's team and has not answered.
    const dave = await signup(relay, 'dave');
    const erin = await signup(relay, 'erin');
    await post(dave.token, '/v1/orgs', { name: 'daveteam' });
    const inv = (await post(alice.token, '/v1/orgs/aliceteam/invitations', { username: 'erin' })).invitation.id as string;
    const pending = (await post(alice.token, '/v1/orgs/aliceteam/invitations', { username: 'carol' })).invitation.id as string;
    const spaceRoutes: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/team/spaces/aliceteam`],
      ['GET', `/api/v1/team/spaces/${teamSpace}`],
      ['GET', `/api/v1/team/spaces/~alice`],
      ['GET', `/api/v1/team/spaces/${aliceSpace}`],
      ['PUT', `/api/v1/team/spaces/aliceteam/policy`, { policy: 'warn' }],
      ['PUT', `/api/v1/team/spaces/${aliceSpace}/policy`, { policy: 'warn' }],
      ['POST', `/api/v1/team/spaces/aliceteam/invitations`, { username: 'dave', role: 'admin' }],
      ['DELETE', `/api/v1/team/spaces/aliceteam/invitations/${pending}`],
      ['PUT', `/api/v1/team/spaces/aliceteam/members/alice`, { role: 'member' }],
      ['DELETE', `/api/v1/team/spaces/aliceteam/members/alice`],
      ['GET', `/api/v1/team/spaces/aliceteam/audit`],
      ['GET', `/api/v1/team/spaces/${aliceSpace}/audit`],
    ];
    const accountRoutes: Array<[string, string, unknown?]> = [
      ['POST', `/api/v1/team/invitations/${inv}/accept`],
      ['POST', `/api/v1/team/invitations/${inv}/decline`],
      ['DELETE', `/api/v1/team/tokens/${aliceToken}`],
      ['PUT', `/api/v1/team/devices/orgalice0001`, { name: 'mine now' }],
      ['DELETE', `/api/v1/team/devices/orgalice0001`],
      ['POST', `/api/v1/team/handoffs/${handoff}/accept`],
      ['POST', `/api/v1/team/handoffs/${handoff}/decline`],
      ['DELETE', `/api/v1/team/handoffs/${handoff}`],
    ];
    const actors: Array<[string, string, Array<[string, string, unknown?]>]> = [
      ['another account', mallory.token, [...spaceRoutes, ...accountRoutes]],
      ['a member of another team', dave.token, [...spaceRoutes, ...accountRoutes]],
      // Her own invitation is hers to answer; the rest is not hers.
      ['an invitee before accepting', erin.token, [...spaceRoutes, ...accountRoutes.filter(([, p]) => !p.includes(inv))]],
    ];
    // Each also from a signed-in browser: its session cookie, with its own valid CSRF token and Origin.
    const origin = relay.url.replace(/\/$/, '');
    const browser = async (username: string) => {
      const r = await fetch(relay.url + '/v1/web/login', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'correct horse 1' }),
      });
      assert.equal(r.status, 200);
      return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await r.json()) as { csrf: string }).csrf };
    };
    const cookies: Record<string, { cookie: string; csrf: string }> = {
      mallory: await browser('mallory'),
      dave: await browser('dave'),
      erin: await browser('erin'),
    };
    const asCookie = (c: { cookie: string; csrf: string }) => ({ cookie: c.cookie, 'x-sfs-csrf': c.csrf, origin });
    for (const [who, token, routes] of actors) {
      const jar = cookies[token === mallory.token ? 'mallory' : token === dave.token ? 'dave' : 'erin']!;
      for (const [method, path, body] of routes) {
        const res = await fetch(relay.url + path, {
          method,
          headers: body ? h(token) : { authorization: `Bearer ${token}` },
          body: body ? JSON.stringify(body) : undefined,
        });
        assert.ok([403, 404].includes(res.status), `${who}: ${method} ${path} answered ${res.status}`);
        const viaCookie = await fetch(relay.url + path, {
          method,
          headers: { ...asCookie(jar), ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        assert.ok([403, 404].includes(viaCookie.status), `${who} (cookie): ${method} ${path} answered ${viaCookie.status}`);
      }
      // Their own listings show nothing of Alice's (the invitee's received invitation names the team, as it must).
      for (const p of ['/spaces', '/tokens', '/devices', '/handoffs', '/audit', ...(token === erin.token ? [] : ['/invitations'])]) {
        const text = JSON.stringify(await (await fetch(relay.url + '/api/v1/team' + p, { headers: { authorization: `Bearer ${token}` } })).json());
        assert.ok(
          !text.includes(session) && !text.includes(aliceSpace) && !text.includes('aliceteam') && !text.includes('orgalice0001'),
          `${who}: ${p} leaks: ${text}`,
        );
      }
    }
    // A cookie change without its CSRF token is refused even on the account's own things.
    const own = await fetch(relay.url + '/api/v1/team/spaces', {
      method: 'POST',
      headers: { cookie: cookies.dave!.cookie, origin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'csrfteam' }),
    });
    assert.equal(own.status, 403);
    // …and accepted with it: the refusals above were the rules, not a cookie that did not work.
    const withCsrf = await fetch(relay.url + '/api/v1/team/spaces', {
      method: 'POST',
      headers: { ...asCookie(cookies.dave!), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'csrfteam' }),
    });
    assert.equal(withCsrf.status, 200);
    // Without a token, every route is refused.
    for (const [method, path] of [...spaceRoutes, ...accountRoutes])
      assert.equal((await fetch(relay.url + path, { method })).status, 401, `${method} ${path} without a token`);
    // Alice's team, policy, invitations, token, device and handoff are as they were.
    const show = (await (await fetch(relay.url + '/api/v1/team/spaces/aliceteam', { headers: h(alice.token) })).json()).data;
    assert.deepEqual([show.role, show.dlp_policy, show.members.length], ['owner', 'redact', 1]);
    assert.deepEqual(show.invitations.map((i: { id: string }) => i.id).sort(), [inv, pending].sort());
    const tokens = (await (await fetch(relay.url + '/api/v1/team/tokens', { headers: h(alice.token) })).json()).data.tokens;
    assert.equal(tokens.find((t: { id: string }) => t.id === aliceToken).revoked_at, null);
    const devices = (await (await fetch(relay.url + '/api/v1/team/devices', { headers: h(alice.token) })).json()).data.devices;
    assert.deepEqual([devices[0].origin, devices[0].name, devices[0].active], ['orgalice0001', null, true]);
    const sent = (await (await fetch(relay.url + '/api/v1/team/handoffs', { headers: h(alice.token) })).json()).data.sent;
    assert.equal(sent.find((x: { id: string }) => x.id === handoff).state, 'pending');
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
    assert.ok(rows.every((r) => (r.space_id !== aliceSpace && r.space_id !== teamSpace ? r.origin === 'orgmallory03' : r.origin === 'orgalice0001')));
    assert.equal(rows.filter((r) => r.space_id === teamSpace).length, 2);
  });
});

/** An HTTP call as one account; answers status and JSON. */
function as(relay: Relay, token: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(relay.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  };
}

/**
 * Team membership needs the invitee's consent, and roles hold: sequences of team actions by
 * owners, admins, members, invitees and outsiders, each checked against what it may do.
 */
describe('team membership and roles', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  const tok: Record<string, string> = {};
  const call = (who: string) => as(relay, tok[who]);
  const members = async (team: string) =>
    ((await call('owner1')('GET', `/v1/orgs/${team}/members`)).body.members as Array<{ username: string; role: string }>)
      .map((m) => `${m.username}:${m.role}`)
      .sort();
  before(async () => {
    b = await make();
    relay = await relayOn(b);
    for (const u of ['owner1', 'admin1', 'member1', 'invitee1', 'outsider1']) tok[u] = (await signup(relay, u)).token;
  });
  after(async () => {
    await relay?.close();
    await b?.drop();
  });

  test('an invitee is no member until she accepts: no read, pull, share, listing or routing of her pushes', async () => {
    const owner = call('owner1');
    const alice = call('invitee1');
    const team = (await owner('POST', '/v1/orgs', { name: 'consent' })).body.id as string;
    // Alice's own session, pushed to her personal space.
    const c = await WireClient.connect(relay.url);
    const w = await c.hello(tok.invitee1!, 'orginvitee01');
    const personal = w.spaces[0]!.id;
    const session = 'ses_inviteesecret1';
    c.send({ t: 'push', id: 1, space: personal, from: 0, upTo: 1, ...dlp(personal), events: [meta('orginvitee01', 1, session)] });
    await c.next('pushed');
    c.close();
    // The old route adds nobody any more: it only invites (so no client can bypass consent).
    const viaOld = await owner('POST', '/v1/orgs/consent/members', { username: 'invitee1', role: 'member' });
    assert.equal(viaOld.status, 200);
    assert.match(viaOld.body.invitation.id, /^inv_/);
    assert.deepEqual(await members('consent'), ['owner1:owner']);
    // Inviting again renews the same invitation.
    const inv = (await owner('POST', '/v1/orgs/consent/invitations', { username: 'invitee1', role: 'member' })).body.invitation;
    assert.equal(inv.id, viaOld.body.invitation.id);
    assert.equal(inv.space, 'consent');
    assert.equal(inv.username, 'invitee1');
    assert.ok(Date.parse(inv.expires_at) > Date.now());
    // Before accepting: nothing of the space is hers, by any route.
    for (const [method, path, body] of [
      ['GET', `/v1/orgs/consent/members`],
      ['GET', `/v1/orgs/${team}/members`],
      ['GET', `/v1/sessions?space=consent`],
      ['GET', `/v1/sessions?space=${team}`],
      ['POST', `/v1/shares`, { session, space: 'consent' }],
      ['POST', `/v1/shares`, { session, space: team }],
      ['POST', `/v1/orgs/consent/invitations`, { username: 'outsider1' }],
    ] as Array<[string, string, unknown?]>) {
      const r = await alice(method, path, body);
      assert.equal(r.status, 403, `${method} ${path} before accepting answered ${r.status}`);
    }
    assert.ok(!JSON.stringify((await alice('GET', '/v1/spaces')).body).includes(team));
    const before = await WireClient.connect(relay.url);
    const wb = await before.hello(tok.invitee1!, 'orginvitee01');
    assert.ok(!wb.spaces.some((s) => s.id === team), 'the welcome does not list a space she was only invited to');
    before.send({ t: 'sub', space: team, after: 0 });
    assert.equal((await before.next('error')).code, 'FORBIDDEN');
    // The team shares her session id into its space; her next push of it is not routed there (she is no member).
    await owner('POST', '/v1/shares', { session, space: 'consent' });
    const d = await WireClient.connect(relay.url);
    await d.hello(tok.invitee1!, 'orginvitee01');
    d.send({ t: 'push', id: 2, space: personal, from: 1, upTo: 2, ...dlp(personal), events: [meta('orginvitee01', 2, session, 'private')] });
    await d.next('pushed');
    d.close();
    const inTeam = await relay.rdb.db.selectFrom('events').select('origin').where('space_id', '=', team).where('origin', '=', 'orginvitee01').execute();
    assert.equal(inTeam.length, 0, 'nothing of hers reached a space she never joined');
    // Her list shows the invitation with its inviter; nobody else can answer it.
    const mine = (await alice('GET', '/v1/invitations')).body.invitations;
    assert.deepEqual(
      mine.map((i: { id: string; space: string; invited_by: string; role: string }) => [i.id, i.space, i.invited_by, i.role]),
      [[inv.id, 'consent', 'owner1', 'member']],
    );
    assert.equal((await call('outsider1')('GET', '/v1/invitations')).body.invitations.length, 0);
    assert.equal((await call('outsider1')('POST', `/v1/invitations/${inv.id}/accept`)).status, 404);
    assert.equal((await owner('POST', `/v1/invitations/${inv.id}/accept`)).status, 404, 'the inviter cannot accept for her');
    assert.deepEqual(await members('consent'), ['owner1:owner']);
    // She accepts: now a member, and only now.
    const acc = await alice('POST', `/v1/invitations/${inv.id}/accept`);
    assert.equal(acc.status, 200);
    assert.equal(acc.body.space, 'consent');
    assert.deepEqual(await members('consent'), ['invitee1:member', 'owner1:owner']);
    assert.equal((await alice('GET', '/v1/sessions?space=consent')).status, 200);
    // An invitation is used once.
    const again = await alice('POST', `/v1/invitations/${inv.id}/accept`);
    assert.equal(again.status, 410);
    assert.equal(again.body.error.code, 'GONE');
    assert.equal((await alice('GET', '/v1/invitations')).body.invitations.length, 0);
    // Inviting a member is a conflict, not a role change.
    assert.equal((await owner('POST', '/v1/orgs/consent/invitations', { username: 'invitee1', role: 'admin' })).status, 409);
  });

  test('declined, cancelled and expired invitations make no member', async () => {
    const owner = call('owner1');
    const bob = call('outsider1');
    await owner('POST', '/v1/orgs', { name: 'answers' });
    const inv1 = (await owner('POST', '/v1/orgs/answers/invitations', { username: 'outsider1' })).body.invitation;
    assert.equal((await bob('POST', `/v1/invitations/${inv1.id}/decline`)).status, 200);
    assert.equal((await bob('POST', `/v1/invitations/${inv1.id}/accept`)).body.error.code, 'GONE');
    const inv2 = (await owner('POST', '/v1/orgs/answers/invitations', { username: 'outsider1' })).body.invitation;
    assert.notEqual(inv2.id, inv1.id);
    // Only the team's owner or admins cancel; the invitee cannot cancel through the team route.
    assert.equal((await bob('DELETE', `/v1/orgs/answers/invitations/${inv2.id}`)).status, 403);
    assert.equal((await owner('DELETE', `/v1/orgs/answers/invitations/${inv2.id}`)).status, 200);
    const cancelled = await bob('POST', `/v1/invitations/${inv2.id}/accept`);
    assert.equal(cancelled.status, 410);
    assert.match(cancelled.body.error.message, /cancelled/);
    const inv3 = (await owner('POST', '/v1/orgs/answers/invitations', { username: 'outsider1' })).body.invitation;
    await relay.rdb.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', inv3.id)
      .execute();
    assert.equal((await bob('GET', '/v1/invitations')).body.invitations.length, 0, 'an expired invitation is not listed');
    const expired = await bob('POST', `/v1/invitations/${inv3.id}/accept`);
    assert.equal(expired.status, 410);
    assert.match(expired.body.error.message, /expired/);
    assert.deepEqual(await members('answers'), ['owner1:owner']);
    // A personal space takes no members.
    assert.equal((await owner('POST', '/v1/orgs/~owner1/invitations', { username: 'outsider1' })).status, 400);
  });

  test('admins manage members and admins, never the owner; the owner leaves only after a transfer', async () => {
    const owner = call('owner1');
    const admin = call('admin1');
    const member = call('member1');
    await owner('POST', '/v1/orgs', { name: 'roles' });
    await joinTeam(relay.url, tok.owner1!, tok.admin1!, 'roles', 'admin1', 'admin');
    await joinTeam(relay.url, tok.owner1!, tok.member1!, 'roles', 'member1');
    assert.deepEqual(await members('roles'), ['admin1:admin', 'member1:member', 'owner1:owner']);
    // The attacks of an admin on the owner: demote by re-adding, demote by role, remove, take ownership.
    assert.equal((await admin('POST', '/v1/orgs/roles/members', { username: 'owner1', role: 'member' })).status, 409);
    assert.equal((await admin('POST', '/v1/orgs/roles/invitations', { username: 'owner1', role: 'admin' })).status, 409);
    assert.equal((await admin('PUT', '/v1/orgs/roles/members/owner1', { role: 'member' })).status, 403);
    assert.equal((await admin('DELETE', '/v1/orgs/roles/members/owner1')).status, 403);
    assert.equal((await admin('POST', '/v1/orgs/roles/transfer', { username: 'admin1' })).status, 403);
    assert.deepEqual(await members('roles'), ['admin1:admin', 'member1:member', 'owner1:owner']);
    // A member manages nobody.
    assert.equal((await member('PUT', '/v1/orgs/roles/members/admin1', { role: 'member' })).status, 403);
    assert.equal((await member('DELETE', '/v1/orgs/roles/members/admin1')).status, 403);
    assert.equal((await member('POST', '/v1/orgs/roles/invitations', { username: 'outsider1' })).status, 403);
    // An admin changes members' and admins' roles and removes them.
    assert.equal((await admin('PUT', '/v1/orgs/roles/members/member1', { role: 'admin' })).status, 200);
    assert.equal((await admin('PUT', '/v1/orgs/roles/members/member1', { role: 'owner' })).status, 400);
    assert.equal((await admin('PUT', '/v1/orgs/roles/members/member1', { role: 'member' })).status, 200);
    assert.equal((await admin('DELETE', '/v1/orgs/roles/members/member1')).status, 200);
    assert.deepEqual(await members('roles'), ['admin1:admin', 'owner1:owner']);
    // Members and admins leave; the owner cannot until she transfers.
    await joinTeam(relay.url, tok.admin1!, tok.member1!, 'roles', 'member1');
    assert.equal((await member('DELETE', '/v1/orgs/roles/members/member1')).status, 200);
    const stay = await owner('DELETE', '/v1/orgs/roles/members/owner1');
    assert.equal(stay.status, 403);
    assert.match(stay.body.error.message, /transfer/);
    assert.equal((await owner('POST', '/v1/orgs/roles/transfer', { username: 'member1' })).status, 404, 'only to a member');
    const t = await owner('POST', '/v1/orgs/roles/transfer', { username: 'admin1' });
    assert.equal(t.status, 200);
    assert.deepEqual(t.body, { space: 'roles', owner: 'admin1', previous_owner: 'owner1' });
    assert.deepEqual(await members('roles'), ['admin1:owner', 'owner1:admin']);
    // The former owner is an admin now: she cannot touch the new owner, and can leave.
    assert.equal((await owner('DELETE', '/v1/orgs/roles/members/admin1')).status, 403);
    assert.equal((await owner('DELETE', '/v1/orgs/roles/members/owner1')).status, 200);
    assert.equal((await owner('GET', '/v1/orgs/roles/members')).status, 403);
    const owners = await relay.rdb.db
      .selectFrom('members')
      .innerJoin('spaces', 'spaces.id', 'members.space_id')
      .select('members.account_id')
      .where('spaces.name', '=', 'roles')
      .where('members.role', '=', 'owner')
      .execute();
    assert.equal(owners.length, 1);
    // Nobody leaves a personal space.
    assert.equal((await owner('DELETE', '/v1/orgs/~owner1/members/owner1')).status, 400);
  });

  test('no space is named like a space id, and a lookup is by id or by name, never either', async () => {
    const owner = call('owner1');
    const bob = call('outsider1');
    const victim = (await owner('POST', '/v1/orgs', { name: 'victim' })).body.id as string;
    const made = await bob('POST', '/v1/orgs', { name: victim });
    assert.equal(made.status, 400);
    assert.match(made.body.error.message, /space id/);
    assert.equal((await bob('POST', '/v1/orgs', { name: 'spc_0123456789abcdef0123' })).status, 400);
    // A space named like another's id (as a relay before this check could hold): the id still means the id.
    await relay.rdb.db.insertInto('spaces').values({ id: 'spc_shadow0000000000000', name: victim, kind: 'team', dlp_policy: 'redact' }).execute();
    const bobId = (await bob('GET', '/v1/me')).body.account.id as string;
    await relay.rdb.db.insertInto('members').values({ space_id: 'spc_shadow0000000000000', account_id: bobId, role: 'owner' }).execute();
    assert.equal((await bob('GET', `/v1/orgs/${victim}/members`)).status, 403, 'the shadow name does not open the victim');
    assert.equal((await bob('GET', `/v1/sessions?space=${victim}`)).status, 403);
    assert.deepEqual(await members(victim), ['owner1:owner']);
    assert.deepEqual(await members('victim'), ['owner1:owner']);
  });

  test('a NUL byte in a path or a value is bad input (400), not a relay failure', async () => {
    const owner = call('owner1');
    for (const path of ['/v1/orgs/%00/members', '/v1/sessions?space=%00', '/v1/orgs/a%00b/invitations']) {
      const r = await owner('GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error.code, 'INVALID');
    }
    const login = await as(relay, undefined)('POST', '/v1/login', { username: 'a\u0000b', password: 'whatever12' });
    assert.equal(login.status, 400);
    assert.equal(login.body.error.code, 'INVALID');
  });
});

/** A captured session as the client pushes it: discovered, then one user message with `text`. */
function capturedSession(origin: string, from: number, session: string, title: string, text: string) {
  const at = '2026-11-02T10:00:00.000Z';
  return [
    [origin, from, 'session.discovered', 1, 1_700_000_000_000 + from, session, packBody({ tool: 'claude-code', created_at: at, via: 'capture', title })],
    [
      origin,
      from + 1,
      'messages.captured',
      1,
      1_700_000_000_000 + from + 1,
      session,
      packBody({ messages: [{ msg_id: `${session}-m1`, parent_msg_id: null, role: 'user', content: [{ type: 'text', text }], timestamp: at }] }),
    ],
  ] as WireEvent[];
}

/**
 * The dashboard the relay serves (its /api/v1 routes and the browser sign-in) tried by another
 * account with its cookie and with its token, by a non-member, and by an invitee before she
 * accepts: none of them reads, finds or changes anything of Alice's, and every refusal is one of
 * membership (once the invitee accepts, the team's session is hers to read).
 */
describe('the dashboard: cookie and token, another account, a non-member, an invitee', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  const tok: Record<string, string> = {};
  const web: Record<string, { cookie: string; csrf: string }> = {};
  const shared = 'ses_dashshared001';
  const secret = 'ses_dashprivate01';
  let invitation: string;
  /** Sessions named in a space (`space/ses_…`, how the pages link them on the relay). */
  const spaceRefs: string[] = [];
  const call = (who: { cookie?: string; csrf?: string; token?: string } | null) => (method: string, path: string, body?: unknown) =>
    browserCall(relay, method, path, { ...(who ?? {}), body });
  before(async () => {
    b = await make();
    relay = await relayOn(b);
    for (const u of ['dalice', 'dmallory', 'dinvitee']) {
      tok[u] = (await signup(relay, u)).token;
      web[u] = await webLogin(relay, u);
    }
    const c = await WireClient.connect(relay.url);
    const w = await c.hello(tok.dalice!, 'orgdalice001');
    const personal = w.spaces[0]!.id;
    const events = [
      ...capturedSession('orgdalice001', 1, shared, 'Team work', 'zanzibar shared words'),
      ...capturedSession('orgdalice001', 3, secret, 'Private work', 'zanzibar private words'),
    ];
    c.send({ t: 'push', id: 1, space: personal, from: 0, upTo: 4, ...dlp(personal), events });
    await c.next('pushed');
    c.close();
    const alice = call({ token: tok.dalice });
    const org = await alice('POST', '/v1/orgs', { name: 'dashteam' });
    assert.equal(org.status, 200);
    spaceRefs.push(`${personal}/${shared}`, `${personal}/${secret}`, `${org.body.id}/${shared}`, `dashteam/${shared}`, `~dalice/${secret}`);
    assert.equal((await alice('POST', '/v1/shares', { session: shared, space: 'dashteam' })).status, 200);
    invitation = (await alice('POST', '/v1/orgs/dashteam/invitations', { username: 'dinvitee' })).body.invitation.id;
    // Alice herself sees both (the views have caught up), so an empty answer below is a refusal, not a lag.
    await until(async () => JSON.stringify((await call(web.dalice!)('GET', '/api/v1/sessions')).body).includes(secret));
    await until(async () => (await call(web.dalice!)('GET', '/api/v1/search?q=zanzibar')).body.data?.hits?.length >= 2);
  });
  after(async () => {
    await relay?.close();
    await b?.drop();
  });

  const intruders = () =>
    [
      ['another account’s cookie', { cookie: web.dmallory!.cookie, csrf: web.dmallory!.csrf }],
      ['another account’s token', { token: tok.dmallory }],
      ['an invitee’s cookie, before accepting', { cookie: web.dinvitee!.cookie, csrf: web.dinvitee!.csrf }],
      ['an invitee’s token, before accepting', { token: tok.dinvitee }],
    ] as const;

  test('no read of another account’s or a team’s sessions by any route, with a cookie or a token', async () => {
    for (const [who, cred] of intruders()) {
      const as = call(cred);
      for (const id of [shared, secret, shared.slice(0, 12), ...spaceRefs.map(encodeURIComponent)]) {
        for (const p of [`/api/v1/sessions/${id}`, `/api/v1/sessions/${id}/messages`]) {
          const r = await as('GET', p);
          assert.equal(r.status, 404, `${who}: GET ${p} answered ${r.status}`);
        }
        assert.equal((await as('GET', `/api/v1/sessions/${id}/export.md`)).status, 404, `${who}: export of ${id}`);
      }
      for (const p of [
        '/api/v1/sessions',
        '/api/v1/sessions?text=zanzibar',
        '/api/v1/search?q=zanzibar',
        '/api/v1/search?q=private',
        '/api/v1/host',
        '/v1/web/session',
      ]) {
        const r = await as('GET', p);
        assert.equal(r.status, 200, `${who}: GET ${p} answered ${r.status}`);
        const text = JSON.stringify(r.body);
        for (const leak of [shared, secret, 'shared words', 'private words', 'dashteam', '~dalice', 'Team work', 'Private work'])
          assert.ok(!text.includes(leak), `${who}: ${p} leaks ${leak}: ${text}`);
      }
      // Asking for one of Alice's spaces by name or id: refused as the sync socket refuses a subscription.
      for (const sp of ['dashteam', '~dalice', ...spaceRefs.slice(0, 3).map((r) => r.split('/')[0]!)]) {
        for (const p of [`/api/v1/sessions?space=${encodeURIComponent(sp)}`, `/api/v1/search?q=zanzibar&space=${encodeURIComponent(sp)}`]) {
          const r = await as('GET', p);
          assert.equal(r.status, 403, `${who}: GET ${p} answered ${r.status}`);
          assert.equal(r.body.error.code, 'FORBIDDEN');
        }
      }
      // Changes: the relay does none of the local store's, and the relay's own refuse another account.
      for (const [method, p, body] of [
        ['POST', `/api/v1/sessions/${shared}/fork`, {}],
        ['POST', `/api/v1/sessions/${shared}/resume`, {}],
        ['POST', `/api/v1/sessions/${shared}/checkpoints`, { name: 'x' }],
        ['PUT', `/api/v1/sessions/${shared}/alias`, { alias: 'x' }],
        ['DELETE', `/api/v1/sessions/${shared}`, undefined],
        ['POST', `/api/v1/sessions/${shared}/restore`, {}],
        ['POST', `/v1/shares`, { session: shared, space: 'dashteam' }],
        ['GET', `/v1/orgs/dashteam/members`, undefined],
        ['GET', `/v1/sessions?space=dashteam`, undefined],
        ['GET', `/v1/sessions/${shared}/events`, undefined],
        ['POST', `/v1/orgs/dashteam/invitations`, { username: 'dmallory' }],
        ['PUT', `/v1/spaces/dashteam/policy`, { policy: 'warn' }],
      ] as Array<[string, string, unknown]>) {
        const r = await as(method, p, body);
        assert.ok([403, 404, 501].includes(r.status), `${who}: ${method} ${p} answered ${r.status}`);
      }
    }
    // Alice's cookie with another session's CSRF token changes nothing; the stream and the API need a sign-in.
    assert.equal((await call({ cookie: web.dalice!.cookie, csrf: web.dmallory!.csrf })('POST', '/v1/tokens', { name: 'x' })).status, 403);
    for (const p of [
      '/api/v1/sessions',
      `/api/v1/sessions/${shared}`,
      `/api/v1/sessions/${shared}/messages`,
      '/api/v1/search?q=zanzibar',
      '/api/v1/events',
      '/v1/web/session',
    ])
      assert.equal((await call(null)('GET', p)).status, 401, p);
    assert.equal((await call({ cookie: 'sfs_session=forged' })('GET', '/api/v1/sessions')).status, 401);
  });

  test('once the invitee accepts, the team’s shared session is hers to read — Alice’s personal one still is not', async () => {
    const invitee = call(web.dinvitee!);
    assert.equal((await invitee('GET', `/api/v1/sessions/${shared}/export.md`)).status, 404, 'not before accepting');
    assert.equal((await call({ token: tok.dinvitee })('POST', `/v1/invitations/${invitation}/accept`)).status, 200);
    const list = JSON.stringify((await invitee('GET', '/api/v1/sessions')).body);
    assert.ok(list.includes(shared), list);
    assert.ok(!list.includes(secret), list);
    assert.equal((await invitee('GET', `/api/v1/sessions/${shared}`)).status, 200);
    assert.equal((await invitee('GET', `/api/v1/sessions/${encodeURIComponent(spaceRefs[2]!)}`)).status, 200, 'in the team space');
    assert.equal((await invitee('GET', `/api/v1/sessions/${encodeURIComponent(spaceRefs[0]!)}`)).status, 404, 'not in Alice’s personal space');
    assert.equal((await invitee('GET', `/api/v1/sessions/${secret}`)).status, 404);
    const md = await invitee('GET', `/api/v1/sessions/${shared}/export.md`);
    assert.equal(md.status, 200);
    assert.match(md.body, /zanzibar shared words/);
    assert.match(md.body, /pushed by.*dalice/);
    assert.equal((await invitee('GET', `/api/v1/sessions/${secret}/export.md`)).status, 404);
    const inTeam = (await invitee('GET', '/api/v1/sessions?space=dashteam')).body.data.sessions.map((x: { id: string }) => x.id);
    assert.deepEqual(inTeam, [shared]);
    assert.equal((await invitee('GET', '/api/v1/sessions?space=~dalice')).status, 403);
    const hits = JSON.stringify((await invitee('GET', '/api/v1/search?q=zanzibar')).body);
    assert.ok(hits.includes(shared) && !hits.includes(secret) && !hits.includes('private words'), hits);
  });
});

/** Waits for the relay's views to reach a state (they fold pushes in the background). */
async function until(cond: () => Promise<boolean>, what = 'the views to catch up'): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}
