import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp } from './wire-client.js';
import { packBody, type WireEvent } from '../../engine/replication/protocol.js';
import type { Relay } from '../../server/relay.js';

/**
 * The dashboard's team administration and handoff inbox (`/api/v1/team/…`, issue 13 items 3 and 4):
 * the same rules as the relay's `/v1` routes, answered in the dashboard's envelope.
 */
type Account = { token: string; account: { id: string; username: string } };

function discovered(origin: string, seq: number, session: string, title: string): WireEvent {
  return [
    origin,
    seq,
    'session.discovered',
    1,
    1_700_000_000_000 + seq,
    session,
    packBody({ tool: 'claude-code', created_at: '2026-11-02T10:00:00.000Z', via: 'capture', title }),
  ];
}

for (const make of await backends()) {
  describe(`dashboard team administration (${make.name})`, { concurrency: false }, () => {
    let b: Backend;
    let relay: Relay;
    let ann: Account, bob: Account, cat: Account, dan: Account;
    const call = async (who: Account | null, method: string, path: string, body?: unknown) => {
      const res = await fetch(relay.url + '/api/v1/team' + path, {
        method,
        headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const ok = async (who: Account, method: string, path: string, body?: unknown) => {
      const r = await call(who, method, path, body);
      assert.equal(r.status, 200, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.sfs_json, 1);
      return r.body.data;
    };
    const refused = async (who: Account, method: string, path: string, status: number, body?: unknown) => {
      const r = await call(who, method, path, body);
      assert.equal(r.status, status, `${who.account.username} ${method} ${path}: ${JSON.stringify(r.body)}`);
      return r.body.error;
    };

    before(async () => {
      b = await make();
      relay = await relayOn(b);
      [ann, bob, cat, dan] = [await signup(relay, 'ann'), await signup(relay, 'bob'), await signup(relay, 'cat'), await signup(relay, 'dan')];
    });
    after(async () => {
      await relay?.close();
      await b?.drop();
    });

    test('a team from the dashboard: invite, the invitee sees nothing until she accepts; roles, removal, policy and the log', async () => {
      const team = await ok(ann, 'POST', '/spaces', { name: 'crew' });
      await ok(ann, 'POST', '/spaces/crew/invitations', { username: 'bob', role: 'admin' });
      const invCat = (await ok(ann, 'POST', '/spaces/crew/invitations', { username: 'cat' })).id as string;
      // Sent: the pending invitations of the teams Ann manages; received: none.
      const annInv = await ok(ann, 'GET', '/invitations');
      assert.deepEqual(
        annInv.sent.map((i: Record<string, unknown>) => [i.space, i.username, i.role, i.invited_by]),
        [
          ['crew', 'bob', 'admin', 'ann'],
          ['crew', 'cat', 'member', 'ann'],
        ],
      );
      assert.deepEqual(annInv.received, []);
      // Cat is only invited: the team is not hers to list, show, audit or change.
      assert.deepEqual(
        (await ok(cat, 'GET', '/spaces')).spaces.map((s: { name: string }) => s.name),
        ['~cat'],
      );
      for (const [m, p, body] of [
        ['GET', '/spaces/crew'],
        ['GET', `/spaces/${team.id}`],
        ['GET', '/spaces/crew/audit'],
        ['PUT', '/spaces/crew/policy', { policy: 'warn' }],
        ['PUT', '/spaces/crew/members/ann', { role: 'member' }],
      ] as Array<[string, string, unknown?]>)
        await refused(cat, m, p, 403, body);
      const catInv = await ok(cat, 'GET', '/invitations');
      assert.deepEqual(
        catInv.received.map((i: Record<string, unknown>) => [i.id, i.space, i.invited_by]),
        [[invCat, 'crew', 'ann']],
      );
      assert.deepEqual(catInv.sent, []);
      // Nobody answers for her.
      await refused(bob, 'POST', `/invitations/${invCat}/accept`, 404);
      assert.equal((await ok(cat, 'POST', `/invitations/${invCat}/accept`)).space, 'crew');
      const bobInv = (await ok(bob, 'GET', '/invitations')).received[0].id;
      assert.equal((await ok(bob, 'POST', `/invitations/${bobInv}/accept`)).role, 'admin');
      // Dan declines; Ann invites him again and cancels.
      const invDan = (await ok(ann, 'POST', '/spaces/crew/invitations', { username: 'dan' })).id;
      assert.equal((await ok(dan, 'POST', `/invitations/${invDan}/decline`)).declined, true);
      assert.equal((await refused(dan, 'POST', `/invitations/${invDan}/accept`, 410)).code, 'GONE');
      const invDan2 = (await ok(ann, 'POST', '/spaces/crew/invitations', { username: 'dan' })).id;
      await refused(cat, 'DELETE', `/spaces/crew/invitations/${invDan2}`, 403);
      assert.equal((await ok(bob, 'DELETE', `/spaces/crew/invitations/${invDan2}`)).cancelled, true);
      assert.deepEqual((await ok(dan, 'GET', '/invitations')).received, []);

      const shown = await ok(cat, 'GET', '/spaces/crew');
      assert.deepEqual([shown.name, shown.role, shown.me, shown.invitations], ['crew', 'member', 'cat', null]);
      assert.deepEqual(
        shown.members.map((m: { username: string; role: string }) => `${m.username}:${m.role}`),
        ['ann:owner', 'bob:admin', 'cat:member'],
      );
      // Roles: a member changes nobody; an admin changes members, never the owner.
      await refused(cat, 'PUT', '/spaces/crew/members/bob', 403, { role: 'member' });
      await refused(bob, 'PUT', '/spaces/crew/members/ann', 403, { role: 'member' });
      await refused(bob, 'PUT', '/spaces/crew/members/cat', 400, { role: 'owner' });
      assert.deepEqual(await ok(bob, 'PUT', '/spaces/crew/members/cat', { role: 'admin' }), { space: 'crew', username: 'cat', role: 'admin' });
      // Policy: owners and admins.
      assert.deepEqual(await ok(cat, 'PUT', '/spaces/crew/policy', { policy: 'block' }), { space: 'crew', policy: 'block' });
      await ok(bob, 'PUT', '/spaces/crew/members/cat', { role: 'member' });
      await refused(cat, 'PUT', '/spaces/crew/policy', 403, { policy: 'warn' });
      assert.equal((await ok(ann, 'GET', '/spaces')).spaces.find((s: { name: string }) => s.name === 'crew').dlp_policy, 'block');
      // The log: owners and admins only.
      await refused(cat, 'GET', '/spaces/crew/audit', 403);
      const log = (await ok(bob, 'GET', '/spaces/crew/audit?limit=4')).entries.map((e: Record<string, unknown>) => [e.actor, e.action, e.target]);
      assert.deepEqual(log, [
        ['bob', 'member.role', 'cat'],
        ['cat', 'space.policy', 'crew'],
        ['bob', 'member.role', 'cat'],
        ['bob', 'invitation.cancel', 'dan'],
      ]);
      // Removal, and leaving (removing oneself); the owner is never removed.
      await refused(bob, 'DELETE', '/spaces/crew/members/ann', 403);
      await refused(cat, 'DELETE', '/spaces/crew/members/bob', 403);
      assert.equal((await ok(cat, 'DELETE', '/spaces/crew/members/cat')).removed, 'cat');
      await refused(cat, 'GET', '/spaces/crew', 403);
      assert.deepEqual(
        (await ok(ann, 'GET', '/spaces/crew')).members.map((m: { username: string }) => m.username),
        ['ann', 'bob'],
      );
      // Bad input is refused by the schema before any handler runs.
      await refused(ann, 'PUT', '/spaces/crew/policy', 400, { policy: 'none' });
      await refused(ann, 'POST', '/spaces/crew/invitations', 400, { username: 'dan', role: 'owner' });
      await refused(ann, 'POST', '/spaces/crew/invitations', 400, { role: 'member' });
      assert.equal((await call(null, 'GET', '/spaces')).status, 401);
    });

    test("tokens and devices from the dashboard: rename, and revoking a device closes its open sync socket; the account's log", async () => {
      const laptopToken = await fetch(relay.url + '/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${dan.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'laptop' }),
      }).then((r) => r.json() as Promise<{ id: string; token: string }>);
      const c = await WireClient.connect(relay.url);
      const w = await c.hello(laptopToken.token, 'danslaptop01');
      c.send({ t: 'sub', space: w.spaces[0]!.id, after: 0 });
      await c.next('events');
      const tokens = (await ok(dan, 'GET', '/tokens')).tokens;
      assert.deepEqual(
        tokens.map((t: Record<string, unknown>) => [t.name, t.current, t.revoked_at]),
        [
          ['signup', true, null],
          ['laptop', false, null],
        ],
      );
      assert.deepEqual(
        (await ok(dan, 'GET', '/devices')).devices.map((d: Record<string, unknown>) => [d.origin, d.token, d.active]),
        [['danslaptop01', laptopToken.id, true]],
      );
      assert.equal((await ok(dan, 'PUT', '/devices/danslaptop01', { name: 'Dan’s laptop' })).name, 'Dan’s laptop');
      // Another account: the same answer as for no such device or token.
      assert.deepEqual((await ok(ann, 'GET', '/devices')).devices, []);
      await refused(ann, 'PUT', '/devices/danslaptop01', 404, { name: 'mine' });
      await refused(ann, 'DELETE', '/devices/danslaptop01', 404);
      await refused(ann, 'DELETE', `/tokens/${laptopToken.id}`, 404);
      assert.equal(c.closed, undefined);
      // Revoked from the dashboard: the device's socket is told and closed at once.
      const gone = await ok(dan, 'DELETE', '/devices/danslaptop01');
      assert.deepEqual([gone.origin, gone.token, gone.revoked], ['danslaptop01', laptopToken.id, true]);
      const err = await c.next('error');
      assert.deepEqual([err.code, err.message], ['AUTH', 'API token revoked']);
      assert.equal((await c.waitClosed()).code, 4401);
      const again = await WireClient.connect(relay.url);
      again.send({ t: 'hello', versions: [1], token: laptopToken.token, origin: 'danslaptop01' });
      assert.equal((await again.next('error')).code, 'AUTH');
      assert.equal((await ok(dan, 'GET', '/devices')).devices[0].active, false);
      const extra = await fetch(relay.url + '/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${dan.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ci' }),
      }).then((r) => r.json() as Promise<{ id: string }>);
      assert.deepEqual(await ok(dan, 'DELETE', `/tokens/${extra.id}`), { revoked: extra.id });
      const mine = (await ok(dan, 'GET', '/audit?limit=3')).entries.map((e: Record<string, unknown>) => [e.action, e.target]);
      assert.deepEqual(mine, [
        ['token.revoke', extra.id],
        ['token.create', extra.id],
        ['device.revoke', 'danslaptop01'],
      ]);
    });

    test('the handoff inbox: sender, device, title, message and expiry; take, decline, cancel', async () => {
      // Ann's laptop pushes two sessions to her personal space.
      const c = await WireClient.connect(relay.url);
      c.send({ t: 'hello', versions: [1], token: ann.token, origin: 'annsdesktop1', device: 'ann-desktop' });
      const w = await c.next('welcome');
      const personal = w.spaces.find((s) => s.kind === 'personal')!.id;
      c.send({
        t: 'push',
        id: 1,
        space: personal,
        from: 0,
        upTo: 2,
        ...dlp(personal),
        events: [discovered('annsdesktop1', 1, 'ses_handme00001', 'Fix the <b>login</b> bug'), discovered('annsdesktop1', 2, 'ses_handme00002', 'Second')],
      });
      await c.next('pushed');
      c.close();
      const send = async (session: string, to: string, message: string | null) => {
        const r = await fetch(relay.url + '/v1/handoffs', {
          method: 'POST',
          headers: { authorization: `Bearer ${ann.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ session, to, message }),
        });
        assert.equal(r.status, 200);
        return ((await r.json()) as { id: string }).id;
      };
      const h1 = await send('ses_handme00001', 'bob', 'over to you');
      const h2 = await send('ses_handme00002', 'bob', null);
      const h3 = await send('ses_handme00002', 'cat', null);
      const inbox = await ok(bob, 'GET', '/handoffs');
      assert.deepEqual(inbox.sent, []);
      assert.deepEqual(
        inbox.received.map((h: Record<string, unknown>) => [h.id, h.from, h.device, h.title, h.message, h.state]),
        [
          [h2, 'ann', 'ann-desktop', 'Second', null, 'pending'],
          [h1, 'ann', 'ann-desktop', 'Fix the <b>login</b> bug', 'over to you', 'pending'],
        ],
      );
      assert.ok(Date.parse(inbox.received[0].expires_at) > Date.now());
      // Only its recipient takes or declines one; only its sender cancels it.
      await refused(cat, 'POST', `/handoffs/${h1}/accept`, 404);
      await refused(cat, 'POST', `/handoffs/${h1}/decline`, 404);
      await refused(bob, 'DELETE', `/handoffs/${h1}`, 404);
      const taken = await ok(bob, 'POST', `/handoffs/${h1}/accept`);
      assert.deepEqual([taken.session, taken.already_accepted], ['ses_handme00001', false]);
      assert.ok(taken.copied >= 1);
      // Declined: it cannot be taken, and its sender sees why.
      assert.equal((await ok(bob, 'POST', `/handoffs/${h2}/decline`)).session, 'ses_handme00002');
      assert.equal((await refused(bob, 'POST', `/handoffs/${h2}/accept`, 410)).code, 'GONE');
      await refused(bob, 'POST', `/handoffs/${h1}/decline`, 409);
      await refused(ann, 'DELETE', `/handoffs/${h2}`, 409);
      assert.equal((await ok(ann, 'DELETE', `/handoffs/${h3}`)).session, 'ses_handme00002');
      assert.equal((await refused(cat, 'POST', `/handoffs/${h3}/accept`, 410)).code, 'HANDOFF_CANCELLED');
      // What he took is his: its title and device come from his own copy.
      const took = (await ok(bob, 'GET', '/handoffs')).received.find((h: { id: string }) => h.id === h1);
      assert.deepEqual([took.state, took.title, took.device], ['accepted', 'Fix the <b>login</b> bug', 'ann-desktop']);
      const sent = (await ok(ann, 'GET', '/handoffs')).sent;
      assert.deepEqual(
        sent.map((h: Record<string, unknown>) => [h.id, h.to, h.state]),
        [
          [h3, 'cat', 'cancelled'],
          [h2, 'bob', 'declined'],
          [h1, 'bob', 'accepted'],
        ],
      );
      // Handing the session off again after a decline is a new handoff, not the declined one revived.
      const h4 = await send('ses_handme00002', 'bob', 'second try');
      assert.notEqual(h4, h2);
      assert.equal((await ok(bob, 'GET', '/handoffs')).received.find((h: { id: string }) => h.id === h4).state, 'pending');
      // A finished handoff shows no title to its recipient (only a pending one may be looked at).
      const cats = (await ok(cat, 'GET', '/handoffs')).received;
      assert.deepEqual(
        cats.map((h: Record<string, unknown>) => [h.id, h.state, h.title, h.device]),
        [[h3, 'cancelled', null, null]],
      );
    });
  });
}
