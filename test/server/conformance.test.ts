import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import { packBody, unpackBody } from '../../engine/replication/protocol.js';
import type { Relay } from '../../server/relay.js';

const origin = () => 'org' + randomBytes(6).toString('hex');
let n = 0;
const user = () => `u${process.pid}x${n++}`;

for (const make of await backends()) {
  // Every title names its backend, so a failure says which database broke it.
  const name = make.name.replace(/Backend$/, '');
  describe(`relay conformance: ${name}`, { concurrency: false }, () => {
    let b: Backend;
    let relay: Relay;
    before(async () => {
      b = await make();
      relay = await relayOn(b, { maxFrameBytes: 1024 * 1024, rateLimit: { rate: 20, burst: 60 } });
    });
    after(async () => {
      await relay?.close();
      await b?.drop();
    });

    test(`${name}: health reports the backend`, async () => {
      const h = (await (await fetch(relay.url + '/health')).json()) as { ok: boolean; database: string };
      assert.deepEqual([h.ok, h.database], [true, b.name]);
    });

    test(`${name}: handshake: version negotiation, welcome with personal space and frontier 0`, async () => {
      const { token } = await signup(relay, user());
      const c = await WireClient.connect(relay.url);
      c.send({ t: 'hello', versions: [1, 7], token, origin: origin() });
      const w = await c.next('welcome');
      assert.equal(w.version, 1);
      assert.equal(w.spaces.length, 1);
      assert.equal(w.spaces[0]!.kind, 'personal');
      assert.equal(w.frontiers[w.spaces[0]!.id], 0);
      c.close();
      const bad = await WireClient.connect(relay.url);
      bad.send({ t: 'hello', versions: [99], token, origin: origin() });
      assert.equal((await bad.next('error')).code, 'VERSION');
      assert.equal((await bad.waitClosed()).code, 4401);
    });

    test(`${name}: bad, revoked and missing tokens are refused; frames before hello are refused`, async () => {
      const { token } = await signup(relay, user());
      for (const t of ['sfs_nope', '', undefined]) {
        const c = await WireClient.connect(relay.url);
        c.send({ t: 'hello', versions: [1], token: t, origin: origin() });
        assert.equal((await c.next('error')).code, 'AUTH');
        assert.equal((await c.waitClosed()).code, 4401);
      }
      const me = (await (await fetch(relay.url + '/v1/me', { headers: { authorization: `Bearer ${token}` } })).json()) as { token_id: string };
      const del = await fetch(relay.url + `/v1/tokens/${me.token_id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      assert.equal(del.status, 200);
      const c = await WireClient.connect(relay.url);
      c.send({ t: 'hello', versions: [1], token, origin: origin() });
      assert.equal((await c.next('error')).code, 'AUTH');
      const early = await WireClient.connect(relay.url);
      early.send({ t: 'sub', space: 'x', after: 0 });
      assert.equal((await early.next('error')).code, 'AUTH');
    });

    test(`${name}: push, pull by cursor, live tail, duplicate and gapped pushes, reconnect`, async () => {
      const { token } = await signup(relay, user());
      const oa = origin();
      const a = await WireClient.connect(relay.url);
      const wa = await a.hello(token, oa);
      const space = wa.spaces[0]!.id;
      a.send({ t: 'push', id: 1, space, from: 0, upTo: 3, ...dlp(space), events: [meta(oa, 1), meta(oa, 2), meta(oa, 3)] });
      assert.deepEqual(await a.next('pushed'), { t: 'pushed', id: 1, space, frontier: 3, written: 3 });
      // A retry of the same push changes nothing.
      a.send({ t: 'push', id: 2, space, from: 0, upTo: 3, ...dlp(space), events: [meta(oa, 1), meta(oa, 2), meta(oa, 3)] });
      assert.deepEqual(await a.next('pushed'), { t: 'pushed', id: 2, space, frontier: 3, written: 0 });
      // A push that starts past the frontier is a gap: refused, the frontier reported, the connection kept.
      a.send({ t: 'push', id: 3, space, from: 5, upTo: 6, ...dlp(space), events: [meta(oa, 6)] });
      const gap = await a.next('error');
      assert.deepEqual([gap.id, gap.code, gap.frontier], [3, 'GAP', 3]);
      // Filtered pushes: seq 4 was not for this space; frontier moves over it.
      a.send({ t: 'push', id: 4, space, from: 3, upTo: 5, ...dlp(space), events: [meta(oa, 5)] });
      assert.equal((await a.next('pushed')).frontier, 5);

      const ob = origin();
      const bc = await WireClient.connect(relay.url);
      await bc.hello(token, ob);
      bc.send({ t: 'sub', space, after: 0 });
      const first = await bc.next('events');
      assert.deepEqual(
        first.events.map((e) => e[1]),
        [1, 2, 3, 5],
      );
      assert.equal(first.tail, true);
      assert.deepEqual(unpackBody(first.events[0]![6]), { title: 't1' });
      bc.send({ t: 'ack', space, cursor: first.cursor });
      // Live: a new push reaches the subscriber without asking.
      const t0 = Date.now();
      a.send({ t: 'push', id: 5, space, from: 5, upTo: 6, ...dlp(space), events: [meta(oa, 6)] });
      const live = await bc.next('events');
      assert.deepEqual(
        live.events.map((e) => e[1]),
        [6],
      );
      assert.ok(live.cursor > first.cursor);
      assert.ok(Date.now() - t0 < 2000);
      bc.send({ t: 'ack', space, cursor: live.cursor });
      // The pusher's own events are passed over in its pull.
      a.send({ t: 'sub', space, after: 0 });
      const own = await a.next('events');
      assert.deepEqual([own.events.length, own.cursor], [0, live.cursor]);
      // Reconnect: the welcome carries the frontier, and a sub from the stored cursor sends only what is newer.
      a.close();
      bc.close();
      const a2 = await WireClient.connect(relay.url);
      const w2 = await a2.hello(token, oa);
      assert.equal(w2.frontiers[space], 6);
      const b2 = await WireClient.connect(relay.url);
      await b2.hello(token, ob);
      b2.send({ t: 'sub', space, after: first.cursor });
      assert.deepEqual(
        (await b2.next('events')).events.map((e) => e[1]),
        [6],
      );
      a2.close();
      b2.close();
    });

    test(`${name}: pull batches wait for acknowledgement (back-pressure)`, async () => {
      const { token } = await signup(relay, user());
      const oa = origin();
      const a = await WireClient.connect(relay.url);
      const space = (await a.hello(token, oa)).spaces[0]!.id;
      const events = Array.from({ length: 1600 }, (_, i) => meta(oa, i + 1));
      for (let i = 0; i < 1600; i += 400) {
        a.send({ t: 'push', id: i, space, from: i, upTo: i + 400, ...dlp(space), events: events.slice(i, i + 400) });
        await a.next('pushed');
      }
      const bc = await WireClient.connect(relay.url);
      await bc.hello(token, origin());
      bc.send({ t: 'sub', space, after: 0 });
      const b1 = await bc.next('events');
      const b2 = await bc.next('events');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(bc.frames.filter((f) => f.t === 'events').length, 0, 'a third batch before any ack');
      bc.send({ t: 'ack', space, cursor: b1.cursor });
      const b3 = await bc.next('events');
      bc.send({ t: 'ack', space, cursor: b2.cursor });
      bc.send({ t: 'ack', space, cursor: b3.cursor });
      const b4 = await bc.next('events');
      assert.deepEqual(
        [b1, b2, b3, b4].map((x) => x.events.length),
        [500, 500, 500, 100],
      );
      assert.equal(b4.tail, true);
      a.close();
      bc.close();
    });

    // A backlog that is an exact multiple of the pull batch once left the reader waiting for a
    // final frame that never came (sync now never returned). Sizes around the pull batch
    // (BATCH_EVENTS, 500) and a multiple of the client's push size (2,000).
    test(`${name}: a pull reaches the tail at every backlog size, batch boundaries included`, async () => {
      for (const size of [0, 1, 499, 500, 501, 1000, 2000]) {
        const { token } = await signup(relay, user());
        const oa = origin();
        const a = await WireClient.connect(relay.url);
        const space = (await a.hello(token, oa)).spaces[0]!.id;
        const events = Array.from({ length: size }, (_, i) => meta(oa, i + 1));
        for (let at = 0; at < size; at += 1000) {
          const upTo = Math.min(size, at + 1000);
          a.send({ t: 'push', id: at, space, from: at, upTo, ...dlp(space), events: events.slice(at, upTo) });
          assert.equal((await a.next('pushed')).frontier, upTo);
        }
        a.close();
        const reader = await WireClient.connect(relay.url);
        await reader.hello(token, origin());
        reader.send({ t: 'sub', space, after: 0 });
        const seqs: number[] = [];
        for (;;) {
          const f = await reader.next('events');
          seqs.push(...f.events.map((e) => e[1]));
          reader.send({ t: 'ack', space, cursor: f.cursor });
          if (f.tail) break;
        }
        assert.deepEqual(
          seqs,
          events.map((e) => e[1]),
          `backlog of ${size}`,
        );
        reader.close();
      }
    });

    test(`${name}: invalid events, foreign origins and bound origins are refused`, async () => {
      const { token } = await signup(relay, user());
      const other = await signup(relay, user());
      const oa = origin();
      const c = await WireClient.connect(relay.url);
      const space = (await c.hello(token, oa)).spaces[0]!.id;
      c.send({ t: 'push', id: 1, space, from: 0, upTo: 1, ...dlp(space), events: [[oa, 1, 'session.meta', 1, 1, 'ses_aaaaaaaa', packBody({ title: 5 })]] });
      assert.equal((await c.next('error')).code, 'INVALID');
      await c.waitClosed();
      const d = await WireClient.connect(relay.url);
      await d.hello(token, oa);
      d.send({ t: 'push', id: 1, space, from: 0, upTo: 1, ...dlp(space), events: [meta(origin(), 1)] });
      assert.equal((await d.next('error')).code, 'FORBIDDEN');
      // The origin belongs to the first account now.
      const e = await WireClient.connect(relay.url);
      e.send({ t: 'hello', versions: [1], token: other.token, origin: oa });
      assert.equal((await e.next('error')).code, 'FORBIDDEN');
    });

    test(`${name}: oversized frames close the connection`, async () => {
      const { token } = await signup(relay, user());
      const c = await WireClient.connect(relay.url);
      const space = (await c.hello(token, origin())).spaces[0]!.id;
      c.send({ t: 'push', id: 1, space, from: 0, upTo: 1, ...dlp(space), events: [], pad: 'x'.repeat(2 * 1024 * 1024) });
      assert.equal((await c.waitClosed()).code, 1009);
    });

    test(`${name}: rate limit per token`, async () => {
      const { token } = await signup(relay, user());
      const c = await WireClient.connect(relay.url);
      const space = (await c.hello(token, origin())).spaces[0]!.id;
      for (let i = 0; i < 200; i++) c.send({ t: 'ack', space, cursor: 0 });
      const err = await c.next('error');
      assert.ok(['RATE_LIMIT', 'PROTOCOL'].includes(err.code));
      // Acks for unsubscribed spaces are a protocol error; subscribe first and flood again.
      const d = await WireClient.connect(relay.url);
      await d.hello(token, origin());
      d.send({ t: 'sub', space, after: 0 });
      for (let i = 0; i < 200; i++) d.send({ t: 'sub', space, after: 0 });
      assert.equal((await d.next('error')).code, 'RATE_LIMIT');
    });

    test(`${name}: a share or handoff copies only events scrubbed for the target policy; the rest is backfilled by its device`, async () => {
      const u = user();
      const { token } = await signup(relay, u);
      const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(relay.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
        assert.equal(res.status, 200, `${method} ${path}: ${res.status}`);
        return (await res.json()) as Record<string, any>;
      };
      await call('PUT', `/v1/spaces/~${u}/policy`, { policy: 'warn' });
      const team = (await call('POST', '/v1/orgs', { name: `t${u}` })).id as string;
      const oa = origin();
      const ses = 'ses_sharelater01';
      const secret = (seq: number, text: string) => [oa, seq, 'session.meta', 1, seq, ses, packBody({ title: text })] as const;
      const a = await WireClient.connect(relay.url);
      const space = (await a.hello(token, oa)).spaces.find((s) => s.kind === 'personal')!.id;
      // Pushed under warn: event 2 carried a finding and went out as is.
      a.send({
        t: 'push',
        id: 1,
        space,
        from: 0,
        upTo: 3,
        ...dlp(space, 'warn'),
        findings: [2],
        events: [secret(1, 'clean one'), secret(2, 'raw AKIAIOSFODNN7REALKEY'), secret(3, 'clean three')],
      });
      assert.equal((await a.next('pushed')).written, 3);
      // A push without its DLP context is refused and stores nothing.
      a.send({ t: 'push', id: 2, space, from: 3, upTo: 4, events: [meta(oa, 4, ses)] });
      assert.equal((await a.next('error')).code, 'STALE');
      a.close();
      const teamRows = async () =>
        (await relay.rdb.db.selectFrom('events').select(['seq', 'body', 'dlp_level']).where('space_id', '=', team).orderBy('seq').execute()).map((r) => [
          Number(r.seq),
          unpackBody(r.body) as { title: string },
          r.dlp_level,
        ]);
      const shared = await call('POST', '/v1/shares', { session: ses, space: team });
      assert.deepEqual([shared.copied, shared.withheld], [2, 1]);
      assert.deepEqual(
        (await teamRows()).map((r) => r[0]),
        [1, 3],
        'the event pushed under warn was not copied into the redact team',
      );
      // The device that wrote it learns at its next handshake that it has to push it again, scrubbed for the team.
      const b = await WireClient.connect(relay.url);
      const w = await b.hello(token, oa);
      assert.deepEqual(w.backfill, [{ space: team, session: ses }]);
      const other = await WireClient.connect(relay.url);
      assert.deepEqual((await other.hello(token, origin())).backfill, [], 'only the origin that wrote the events is asked');
      other.close();
      b.send({
        t: 'push',
        id: 1,
        space: team,
        lane: ses,
        from: 0,
        upTo: 3,
        ...dlp(team, 'redact', { [ses]: [team] }, { [space]: 'warn' }),
        findings: [2],
        events: [secret(1, 'clean one'), secret(2, 'raw [REDACTED:aws-access-key]'), secret(3, 'clean three')],
      });
      assert.equal((await b.next('pushed')).written, 1);
      assert.deepEqual(await teamRows(), [
        [1, { title: 'clean one' }, 2],
        [2, { title: 'raw [REDACTED:aws-access-key]' }, 1],
        [3, { title: 'clean three' }, 2],
      ]);
      b.close();
      const c = await WireClient.connect(relay.url);
      assert.deepEqual((await c.hello(token, oa)).backfill, [], 'nothing left to backfill');
      c.close();
      // A handoff picks, per event, the most strictly scrubbed copy, and withholds what the recipient's policy forbids.
      const r = user();
      const rt = await signup(relay, r);
      const rh = { authorization: `Bearer ${rt.token}`, 'content-type': 'application/json' };
      assert.equal(
        (await fetch(relay.url + `/v1/spaces/~${r}/policy`, { method: 'PUT', headers: rh, body: JSON.stringify({ policy: 'redact' }) })).status,
        200,
      );
      const ho = await call('POST', '/v1/handoffs', { session: ses, to: r });
      const acc = (await (
        await fetch(relay.url + `/v1/handoffs/${ho.id}/accept`, { method: 'POST', headers: { authorization: rh.authorization } })
      ).json()) as { copied: number; withheld: number };
      assert.deepEqual([acc.copied, acc.withheld], [3, 0]);
      const got = await relay.rdb.db
        .selectFrom('events')
        .innerJoin('spaces', 'spaces.id', 'events.space_id')
        .select(['events.body'])
        .where('spaces.name', '=', `~${r}`)
        .execute();
      assert.ok(
        got.every((x) => !Buffer.from(x.body!).includes('AKIAIOSFODNN7REALKEY')),
        'the raw secret never reached the recipient',
      );
    });

    test(`${name}: a purge erases the session content on the relay`, async () => {
      const { token } = await signup(relay, user());
      const oa = origin();
      const c = await WireClient.connect(relay.url);
      const space = (await c.hello(token, oa)).spaces[0]!.id;
      c.send({
        t: 'push',
        id: 1,
        space,
        from: 0,
        upTo: 3,
        ...dlp(space),
        events: [meta(oa, 1), meta(oa, 2, 'ses_bbbbbbbb'), [oa, 3, 'session.purged', 1, 3, 'ses_aaaaaaaa', packBody({})]],
      });
      await c.next('pushed');
      const rows = await relay.rdb.db.selectFrom('events').select(['seq', 'body']).where('space_id', '=', space).orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => [Number(r.seq), r.body === null]),
        [
          [1, true],
          [2, false],
          [3, false],
        ],
      );
      // Late events of a purged session arrive without content.
      c.send({ t: 'push', id: 2, space, from: 3, upTo: 4, ...dlp(space), events: [meta(oa, 4)] });
      await c.next('pushed');
      const late = await relay.rdb.db
        .selectFrom('events')
        .select('body')
        .where('space_id', '=', space)
        .where('seq', '=', 4 as never)
        .executeTakeFirstOrThrow();
      assert.equal(late.body, null);
    });
  });
}
