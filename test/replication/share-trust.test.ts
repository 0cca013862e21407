import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import { backends, relayOn, signup, type Backend } from '../server/backends.js';
import { tempDir } from '../helpers/tmp.js';
import { joinTeam } from '../helpers/team.js';
import { syncOnce } from '../../engine/replication/start-sync.js';
import { RelayApi } from '../../engine/replication/api.js';
import type { SfsError } from '../../engine/errors.js';
import { decodeFrame, encodeFrame, type ClientFrame, type Push, type RelayFrame, type SpaceInfo, type Welcome } from '../../engine/replication/protocol.js';
import type { Relay } from '../../server/relay.js';
import { allEvents, discover, openStore, say, signIn } from './helpers.js';

const make = (await backends()).at(-1)!;

describe('share trust with real stores', { concurrency: false }, () => {
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

  test("a teammate who knows her session id cannot get Alice's sync to push it into his team, even with a share row of his in the database", async (t) => {
    const alice = await signup(relay, 'alice7');
    const bob = await signup(relay, 'bob7');
    const [da, dc] = [tempDir(t), tempDir(t)];
    signIn(da, relay.url, alice.token, 'alice7');
    signIn(dc, relay.url, bob.token, 'bob7');
    const A = await openStore(da);
    const C = await openStore(dc);
    t.after(async () => {
      await A.close();
      await C.close();
    });
    const S = 'ses_alicesprivate7';
    await discover(A, S, 'private');
    await say(A, S, 'm1', 'alice private one');
    await syncOnce(A);
    // Bob makes a team, gets Alice into it, and shares her session (its id derives from a native uuid he saw).
    const bobApi = new RelayApi(relay.url, bob.token);
    const team = (await bobApi.call('POST', '/v1/orgs', { name: 'team7' })).id as string;
    await joinTeam(relay.url, bob.token, alice.token, 'team7', 'alice7');
    await assert.rejects(
      bobApi.call('POST', '/v1/shares', { session: S, space: 'team7' }),
      (e: SfsError) => e.code === 'NOT_FOUND' && /no events of yours/.test(e.message),
    );
    const onTeam = async () => (await relay.rdb.db.selectFrom('events').select('seq').where('space_id', '=', team).where('session', '=', S).execute()).length;
    const bobCannotRead = async () => {
      await syncOnce(C);
      assert.deepEqual(
        (await allEvents(C)).filter((e) => e.session === S),
        [],
        'bob pulled nothing of it',
      );
      await assert.rejects(bobApi.sessionEvents(S), (e: SfsError) => e.code === 'NOT_FOUND');
      await assert.rejects(bobApi.sessionEvents(S, 'team7'), (e: SfsError) => e.code === 'NOT_FOUND');
      const listed = (await bobApi.call('GET', '/v1/sessions')).sessions.map((s: { session: string }) => s.session);
      assert.ok(!listed.includes(S));
    };
    // Alice's ordinary sync pushes nothing into his team.
    await say(A, S, 'm2', 'alice private two');
    await syncOnce(A);
    assert.equal(await onTeam(), 0);
    await bobCannotRead();
    // Even with a share row of Bob's for her session (as the old relay made on his request).
    await relay.rdb.db.insertInto('shares').values({ space_id: team, session: S, shared_by: bob.account.id }).execute();
    await say(A, S, 'm3', 'alice private three');
    const r = await syncOnce(A);
    assert.equal(r.pushed, 1);
    assert.equal(await onTeam(), 0);
    await bobCannotRead();
    // The same observation sees what Alice does share herself.
    await new RelayApi(relay.url, alice.token).call('POST', '/v1/shares', { session: S, space: 'team7' });
    await syncOnce(C);
    assert.ok((await allEvents(C)).some((e) => e.session === S && JSON.stringify(e.body).includes('alice private three')));
  });

  test('the client pushes into a team space only sessions its account shared there, whatever the relay asks', async (t) => {
    const personal: SpaceInfo = { id: 'spc_personal', name: '~alice', kind: 'personal', role: 'owner', dlp_policy: 'redact' };
    const team: SpaceInfo = { id: 'spc_team', name: 'team', kind: 'team', role: 'member', dlp_policy: 'redact' };
    const S = 'ses_fakerelay0001';
    // A relay that asks the client to backfill S into the team, listing (or not) a share of it.
    const fakeRelay = async (shares: Record<string, string[]>) => {
      const pushes: Push[] = [];
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await once(wss, 'listening');
      const send = (ws: WebSocket, f: RelayFrame) => ws.send(encodeFrame(f));
      wss.on('connection', (ws) =>
        ws.on('message', (d: Buffer) => {
          const f = decodeFrame<ClientFrame>(d);
          if (f.t === 'hello') {
            const w: Welcome = {
              t: 'welcome',
              version: 1,
              account: { id: 'acc_alice', username: 'alice' },
              spaces: [personal, team],
              frontiers: { [personal.id]: 0, [team.id]: 0 },
              shares,
              backfill: [{ space: team.id, session: S }],
            };
            send(ws, w);
          } else if (f.t === 'sub') send(ws, { t: 'events', space: f.space, cursor: 0, events: [], tail: true });
          else if (f.t === 'push') {
            pushes.push(f);
            send(ws, { t: 'pushed', id: f.id, space: f.space, frontier: f.upTo, written: f.events.length });
          }
        }),
      );
      t.after(() => new Promise<void>((r) => wss.close(() => r())));
      return { url: `http://127.0.0.1:${(wss.address() as { port: number }).port}`, pushes };
    };
    const sync = async (shares: Record<string, string[]>) => {
      const fake = await fakeRelay(shares);
      const A = await openStore(tempDir(t));
      await discover(A, S);
      await say(A, S, 'm1', 'hello');
      await syncOnce(A, { credentials: { relay: fake.url, token: 'sfs_x', username: 'alice', account_id: '' } });
      await A.close();
      return fake.pushes;
    };
    // Not shared by this account: no backfill into the team, no route there.
    const refused = await sync({});
    assert.ok(refused.length > 0);
    assert.deepEqual([...new Set(refused.map((p) => p.space))], [personal.id]);
    assert.ok(refused.every((p) => (p.routes?.[S] ?? []).length === 0));
    // A share into a space the account does not belong to is no route either.
    const elsewhere = await sync({ [S]: ['spc_notmine'] });
    assert.deepEqual([...new Set(elsewhere.map((p) => p.space))], [personal.id]);
    assert.ok(elsewhere.every((p) => (p.routes?.[S] ?? []).length === 0));
    // Its own share: backfilled into the team and routed there (what the two checks above would have seen).
    const own = await sync({ [S]: [team.id] });
    assert.ok(own.some((p) => p.space === team.id && p.lane === S));
    assert.ok(own.filter((p) => p.space === personal.id).every((p) => p.routes?.[S]?.includes(team.id)));
  });
});
