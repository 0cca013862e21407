import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import { packBody, type WireEvent } from '../../engine/replication/protocol.js';
import { joinTeam } from '../helpers/team.js';
import type { Relay } from '../../server/relay.js';

/**
 * Team administration over the relay's API (issue 13 item 3): the spaces an account belongs to, one
 * space's members and invitations, the audit log of membership, policy, token and device changes —
 * and, tried as an attacker, who may read that log and whether anything can write it.
 */
type Account = { token: string; account: { id: string; username: string } };

function discovered(origin: string, seq: number, session: string, title: string | null, tool = 'claude-code'): WireEvent {
  return [
    origin,
    seq,
    'session.discovered',
    1,
    1_700_000_000_000 + seq,
    session,
    packBody({ tool, created_at: '2026-11-02T10:00:00.000Z', via: 'capture', title }),
  ];
}

for (const make of await backends()) {
  describe(`team administration (${make.name})`, { concurrency: false }, () => {
    let b: Backend;
    let relay: Relay;
    let ann: Account, bob: Account, cat: Account, eve: Account;
    const call = async (who: Account | null, method: string, path: string, body?: unknown) => {
      const res = await fetch(relay.url + path, {
        method,
        headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const ok = async (who: Account, method: string, path: string, body?: unknown) => {
      const r = await call(who, method, path, body);
      assert.equal(r.status, 200, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const auditCount = async () =>
      Number(
        (
          await relay.rdb.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    before(async () => {
      b = await make();
      relay = await relayOn(b);
      [ann, bob, cat, eve] = [await signup(relay, 'ann'), await signup(relay, 'bob'), await signup(relay, 'cat'), await signup(relay, 'eve')];
    });
    after(async () => {
      await relay?.close();
      await b?.drop();
    });

    test('org list and show: my spaces with role, member count and policy; members, and invitations for managers only', async () => {
      await ok(ann, 'POST', '/v1/orgs', { name: 'crew' });
      await joinTeam(relay.url, ann.token, bob.token, 'crew', 'bob', 'admin');
      await joinTeam(relay.url, ann.token, cat.token, 'crew', 'cat');
      await ok(ann, 'POST', '/v1/orgs/crew/invitations', { username: 'eve' });
      const list = (await ok(cat, 'GET', '/v1/orgs')).orgs as Array<Record<string, unknown>>;
      assert.deepEqual(
        list.map((o) => [o.name, o.kind, o.role, o.members, o.dlp_policy]),
        [
          ['crew', 'team', 'member', 3, 'redact'],
          ['~cat', 'personal', 'owner', 1, 'redact'],
        ],
      );
      assert.match(String(list[0]!.id), /^spc_/);
      // Eve is only invited: crew is not hers to list or show.
      assert.deepEqual(
        ((await ok(eve, 'GET', '/v1/orgs')).orgs as Array<{ name: string }>).map((o) => o.name),
        ['~eve'],
      );
      const byAdmin = await ok(bob, 'GET', '/v1/orgs/crew');
      assert.deepEqual(
        byAdmin.members.map((m: { username: string; role: string }) => [m.username, m.role]),
        [
          ['ann', 'owner'],
          ['bob', 'admin'],
          ['cat', 'member'],
        ],
      );
      assert.deepEqual(
        byAdmin.invitations.map((i: { username: string; invited_by: string }) => [i.username, i.invited_by]),
        [['eve', 'ann']],
      );
      assert.deepEqual([byAdmin.role, byAdmin.dlp_policy, byAdmin.kind], ['admin', 'redact', 'team']);
      assert.ok(!Number.isNaN(Date.parse(byAdmin.created_at)));
      // A member sees the members, not who else was invited; by id as by name.
      const byMember = await ok(cat, 'GET', `/v1/orgs/${byAdmin.id}`);
      assert.equal(byMember.invitations, null);
      assert.equal(byMember.members.length, 3);
      // Not a member (invited, or a stranger), or no such space: the same refusal.
      for (const [who, space] of [
        [eve, 'crew'],
        [eve, byAdmin.id],
        [eve, 'nosuchspace'],
        [cat, '~ann'],
      ] as const) {
        const r = await call(who, 'GET', `/v1/orgs/${encodeURIComponent(space)}`);
        assert.deepEqual([r.status, r.body.error.code, r.body.error.message], [403, 'FORBIDDEN', `no access to space ${space}`]);
      }
      assert.equal((await call(null, 'GET', '/v1/orgs')).status, 401);
    });

    test('every membership and policy change is in the space audit log, with actor, target and details', async () => {
      await ok(eve, 'POST', `/v1/invitations/${(await ok(eve, 'GET', '/v1/invitations')).invitations[0].id}/decline`);
      const again = (await ok(bob, 'POST', '/v1/orgs/crew/invitations', { username: 'eve' })).invitation;
      await ok(bob, 'DELETE', `/v1/orgs/crew/invitations/${again.id}`);
      await ok(bob, 'PUT', '/v1/orgs/crew/members/cat', { role: 'admin' });
      await ok(ann, 'PUT', '/v1/spaces/crew/policy', { policy: 'block' });
      await ok(ann, 'POST', '/v1/orgs/crew/transfer', { username: 'bob' });
      await ok(bob, 'DELETE', '/v1/orgs/crew/members/cat');
      await ok(ann, 'DELETE', '/v1/orgs/crew/members/ann'); // ann leaves (an admin since the transfer)
      // A refused change records nothing: the entry is written in the change's own transaction.
      const before = await auditCount();
      assert.equal((await call(bob, 'PUT', '/v1/orgs/crew/members/bob', { role: 'member' })).status, 403);
      assert.equal((await call(bob, 'DELETE', '/v1/orgs/crew/members/bob')).status, 403);
      assert.equal(await auditCount(), before);

      const { entries, space } = await ok(bob, 'GET', '/v1/orgs/crew/audit?limit=100');
      assert.equal(space, 'crew');
      const log = (entries as Array<{ actor: string; action: string; target: string; details: Record<string, unknown> }>)
        .reverse()
        .map((e) => [e.actor, e.action, e.target, e.details.role ?? e.details.policy ?? e.details.previous_owner ?? null]);
      assert.deepEqual(log, [
        ['ann', 'space.create', 'crew', null],
        ['ann', 'invitation.create', 'bob', 'admin'],
        ['bob', 'invitation.accept', 'bob', 'admin'],
        ['ann', 'invitation.create', 'cat', 'member'],
        ['cat', 'invitation.accept', 'cat', 'member'],
        ['ann', 'invitation.create', 'eve', 'member'],
        ['eve', 'invitation.decline', 'eve', null],
        ['bob', 'invitation.create', 'eve', 'member'],
        ['bob', 'invitation.cancel', 'eve', null],
        ['bob', 'member.role', 'cat', 'admin'],
        ['ann', 'space.policy', 'crew', 'block'],
        ['ann', 'owner.transfer', 'bob', 'ann'],
        ['bob', 'member.remove', 'cat', 'admin'],
        ['ann', 'member.leave', 'ann', 'admin'],
      ]);
      // Pages: newest first, `before` continues.
      const first = (await ok(bob, 'GET', '/v1/orgs/crew/audit?limit=2')).entries;
      assert.deepEqual(
        first.map((e: { action: string }) => e.action),
        ['member.leave', 'member.remove'],
      );
      const next = (await ok(bob, 'GET', `/v1/orgs/crew/audit?limit=2&before=${first[1].id}`)).entries;
      assert.deepEqual(
        next.map((e: { action: string }) => e.action),
        ['owner.transfer', 'space.policy'],
      );
      assert.equal((await call(bob, 'GET', '/v1/orgs/crew/audit?limit=-1')).status, 400);
    });

    test('attacker: only owners and admins of the space read its log; nobody writes it through the API', async () => {
      await joinTeam(relay.url, bob.token, cat.token, 'crew', 'cat'); // cat is back, as a member
      const crewId = (await ok(bob, 'GET', '/v1/orgs/crew')).id as string;
      // A member, a former member, a stranger, a stranger naming the space by id, a space that does not exist:
      // one answer, which does not tell whether the space exists.
      for (const [who, space] of [
        [cat, 'crew'],
        [ann, 'crew'],
        [eve, 'crew'],
        [eve, crewId],
        [eve, 'nosuchspace'],
        [eve, '~bob'],
      ] as const) {
        const r = await call(who, 'GET', `/v1/orgs/${encodeURIComponent(space)}/audit`);
        assert.deepEqual(
          [r.status, r.body.error.code, r.body.error.message],
          [403, 'FORBIDDEN', `no access to space ${space}`],
          `${who.account.username} ${space}`,
        );
        assert.equal(r.body.entries, undefined);
      }
      assert.equal((await call(null, 'GET', '/v1/orgs/crew/audit')).status, 401);
      assert.equal((await call({ token: 'sfs_' + 'x'.repeat(40), account: { id: '', username: '' } }, 'GET', '/v1/orgs/crew/audit')).status, 401);
      // No route writes, edits or deletes the log.
      const n = await auditCount();
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        for (const path of ['/v1/orgs/crew/audit', '/v1/audit', '/v1/orgs/crew/audit/1']) {
          const r = await call(bob, method, path, method === 'DELETE' ? undefined : { actor: 'ann', action: 'owner.transfer', target: 'eve' });
          assert.equal(r.status, 404, `${method} ${path}`);
        }
      }
      assert.equal(await auditCount(), n);
      // Fields a client adds to a change are dropped (the schema allows none), never recorded: the actor is always the token's account.
      assert.equal((await call(bob, 'PUT', '/v1/orgs/crew/members/cat', { role: 'admin', actor: 'ann', details: { forged: true } })).status, 200);
      const newest = (await ok(bob, 'GET', '/v1/orgs/crew/audit?limit=1')).entries[0];
      assert.deepEqual([newest.actor, newest.action, newest.target, newest.details], ['bob', 'member.role', 'cat', { role: 'admin', previous: 'member' }]);
      // Session text cannot reach the log either: it is written from the relay's own values.
      const entries = (await ok(bob, 'GET', '/v1/orgs/crew/audit?limit=1000')).entries as Array<{ actor: string }>;
      assert.ok(entries.every((e) => ['ann', 'bob', 'cat', 'eve'].includes(e.actor)));
    });

    test("tokens and devices: list with the current one marked, name a device, revoke one and its socket closes; the account's own log", async () => {
      const laptop = await ok(eve, 'POST', '/v1/tokens', { name: 'laptop' });
      const tokens = (await ok(eve, 'GET', '/v1/tokens')).tokens as Array<{ id: string; name: string; current: boolean }>;
      assert.deepEqual(
        tokens.map((t) => [t.name, t.current]),
        [
          ['signup', true],
          ['laptop', false],
        ],
      );
      const c = await WireClient.connect(relay.url);
      const w = await c.hello(laptop.token, 'eveslaptop01');
      c.send({ t: 'sub', space: w.spaces[0]!.id, after: 0 });
      await c.next('events');
      let devices = (await ok(eve, 'GET', '/v1/devices?origin=eveslaptop01')).devices;
      assert.deepEqual(
        devices.map((d: Record<string, unknown>) => [d.origin, d.token, d.token_name, d.active, d.current]),
        [['eveslaptop01', laptop.id, 'laptop', true, true]],
      );
      const renamed = await ok(eve, 'PUT', '/v1/devices/eveslaptop01', { name: 'work laptop' });
      assert.deepEqual([renamed.origin, renamed.name], ['eveslaptop01', 'work laptop']);
      // Another account cannot see, name or revoke it: the same answer as for no such device.
      assert.deepEqual((await ok(bob, 'GET', '/v1/devices')).devices, []);
      for (const [m, body] of [
        ['PUT', { name: 'mine' }],
        ['DELETE', undefined],
      ] as const) {
        const r = await call(bob, m, '/v1/devices/eveslaptop01', body);
        assert.deepEqual([r.status, r.body.error.code], [404, 'NOT_FOUND']);
      }
      assert.equal((await call(bob, 'DELETE', `/v1/tokens/${laptop.id}`)).status, 404);
      // Revoked by its name: the token goes, the socket closes.
      const gone = await ok(eve, 'DELETE', `/v1/devices/${encodeURIComponent('work laptop')}`);
      assert.deepEqual([gone.origin, gone.token], ['eveslaptop01', laptop.id]);
      const closed = await c.waitClosed();
      assert.equal(closed.code, 4401);
      devices = (await ok(eve, 'GET', '/v1/devices')).devices;
      assert.deepEqual(
        devices.map((d: Record<string, unknown>) => [d.name, d.active]),
        [['work laptop', false]],
      );
      assert.equal((await call(eve, 'DELETE', '/v1/devices/eveslaptop01')).status, 404);
      const extra = await ok(eve, 'POST', '/v1/tokens', { name: 'ci' });
      await ok(eve, 'DELETE', `/v1/tokens/${extra.id}`);
      await ok(eve, 'PUT', '/v1/account/email', { email: 'eve@example.com' });
      assert.equal((await call(eve, 'PUT', '/v1/account/email', { email: 'eve@example.com\r\nBcc: x@y.z' })).status, 400);
      // Eve's own log: her tokens, devices and settings, nobody else's; the address itself is not in it.
      const mine = (
        (await ok(eve, 'GET', '/v1/audit')).entries as Array<{ actor: string; action: string; target: string | null; details: Record<string, unknown> }>
      )
        .reverse()
        .map((e) => [e.actor, e.action, e.target]);
      assert.deepEqual(mine, [
        ['eve', 'token.create', tokens[0]!.id],
        ['eve', 'token.create', laptop.id],
        ['eve', 'device.rename', 'eveslaptop01'],
        ['eve', 'device.revoke', 'eveslaptop01'],
        ['eve', 'token.create', extra.id],
        ['eve', 'token.revoke', extra.id],
        ['eve', 'account.email', null],
      ]);
      assert.ok(!JSON.stringify(await ok(eve, 'GET', '/v1/audit')).includes('eve@example.com'));
      const bobs = (await ok(bob, 'GET', '/v1/audit')).entries as Array<{ actor: string }>;
      assert.ok(bobs.length > 0 && bobs.every((e) => e.actor === 'bob'));
      // A device's hello does not undo the name its account gave it.
      const c2 = await WireClient.connect(relay.url);
      await c2.hello(eve.token, 'eveslaptop01');
      assert.equal((await ok(eve, 'GET', '/v1/devices')).devices[0].name, 'work laptop');
      c2.close();
    });

    test('list-remote: titles, tools and start dates from the events of spaces the caller belongs to', async () => {
      const c = await WireClient.connect(relay.url);
      const personal = (await c.hello(cat.token, 'catsdesktop1')).spaces.find((s) => s.kind === 'personal')!.id;
      c.send({
        t: 'push',
        id: 1,
        space: personal,
        from: 0,
        upTo: 4,
        ...dlp(personal),
        events: [
          discovered('catsdesktop1', 1, 'ses_cattitled01', 'Fix the login bug'),
          meta('catsdesktop1', 2, 'ses_cattitled01', 'Fix the login bug, then ship'),
          discovered('catsdesktop1', 3, 'ses_catuntitled', null, 'codex'),
          meta('catsdesktop1', 4, 'ses_catnodiscov', 'only a meta'),
        ],
      });
      assert.equal((await c.next('pushed')).written, 4);
      c.close();
      const rows = (await ok(cat, 'GET', '/v1/sessions')).sessions as Array<Record<string, unknown>>;
      const by = Object.fromEntries(rows.map((r) => [r.session, [r.title, r.tool, r.created_at]]));
      assert.deepEqual(by, {
        ses_cattitled01: ['Fix the login bug, then ship', 'claude-code', '2026-11-02T10:00:00.000Z'],
        ses_catuntitled: [null, 'codex', '2026-11-02T10:00:00.000Z'],
        ses_catnodiscov: ['only a meta', null, null],
      });
      // Nobody else lists them, titles included.
      for (const who of [ann, bob, eve]) {
        const theirs = JSON.stringify((await ok(who, 'GET', '/v1/sessions')).sessions);
        assert.ok(!theirs.includes('ses_cat') && !theirs.includes('login bug'), who.account.username);
      }
    });
  });
}
