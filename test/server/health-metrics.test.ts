import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import pg from 'pg';
import { backends, postgresBackend, postgresReachable, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';
import type { Relay } from '../../server/relay.js';
import { isLoopback, metricsAllowed } from '../../server/metrics.js';

const origin = () => 'org' + randomBytes(6).toString('hex');
let n = 0;
const user = () => `hm${process.pid}x${n++}`;

/** The value of a sample line `name{labels} value` (labels matched as written), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [key, value] = [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1)];
    if (key === name + labels) return Number(value);
  }
  return undefined;
}

for (const make of await backends()) {
  describe('health and metrics', { concurrency: false }, () => {
    let b: Backend;
    let relay: Relay;
    before(async () => {
      b = await make();
      relay = await relayOn(b, { version: '9.9.9-test' });
    });
    after(async () => {
      await relay?.close();
      await b?.drop();
    });

    test(`${make.name}: /health says the database is reachable, the version and the uptime, without a token`, async () => {
      const res = await fetch(relay.url + '/health');
      assert.equal(res.status, 200);
      const h = (await res.json()) as Record<string, unknown>;
      assert.equal(h.ok, true);
      assert.equal(h.database_reachable, true);
      assert.equal(h.database, b.name);
      assert.equal(h.version, '9.9.9-test');
      assert.equal(typeof h.uptime_s, 'number');
    });

    test(`${make.name}: /metrics counts connections, pushes, events, bytes, errors and request latency, naming no account, space or session`, async () => {
      const { token, account } = await signup(relay, user());
      const oa = origin();
      const a = await WireClient.connect(relay.url);
      const wa = await a.hello(token, oa);
      const space = wa.spaces[0]!.id;
      a.send({ t: 'push', id: 1, space, from: 0, upTo: 3, ...dlp(space), events: [meta(oa, 1), meta(oa, 2), meta(oa, 3)] });
      await a.next('pushed');
      // A second device reads them back: pull bytes.
      const r = await WireClient.connect(relay.url);
      await r.hello(token, origin());
      r.send({ t: 'sub', space, after: 0 });
      await r.next('events');
      // A refused request and a refused frame.
      assert.equal((await fetch(relay.url + '/v1/me', { headers: { authorization: 'Bearer nope' } })).status, 401);
      a.send({ t: 'push', id: 2, space, from: 5, upTo: 6, ...dlp(space), events: [meta(oa, 6)] });
      await a.next('error');

      const res = await fetch(relay.url + '/metrics');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await res.text();
      assert.equal(sample(text, 'sfs_relay_sync_connections'), 2);
      assert.equal(sample(text, 'sfs_relay_pushes_total'), 1);
      assert.equal(sample(text, 'sfs_relay_events_stored_total'), 3);
      assert.ok(sample(text, 'sfs_relay_push_bytes_total')! > 0);
      assert.ok(sample(text, 'sfs_relay_pull_bytes_total')! > 0);
      assert.equal(sample(text, 'sfs_relay_errors_total', '{transport="http",code="AUTH"}'), 1);
      assert.equal(sample(text, 'sfs_relay_errors_total', '{transport="sync",code="GAP"}'), 1);
      assert.equal(sample(text, 'sfs_relay_http_request_duration_seconds_count', '{method="POST",route="/v1/signup",status="200"}'), 1);
      assert.ok(sample(text, 'process_resident_memory_bytes')! > 0);
      // The views folded the three events (this process did): no lag, a last fold time.
      await relay.views!.idle();
      const after = await (await fetch(relay.url + '/metrics')).text();
      assert.equal(sample(after, 'sfs_relay_view_lag_events'), 0);
      assert.equal(sample(after, 'sfs_relay_view_lag_spaces'), 0);
      assert.equal(sample(after, 'sfs_relay_view_events_folded_total'), 3);
      const lastFold = sample(after, 'sfs_relay_view_last_fold_timestamp_seconds')!;
      assert.ok(lastFold > Date.now() / 1000 - 600 && lastFold <= Date.now() / 1000 + 60, `last fold ${lastFold}`);
      for (const secret of [token, account.id, account.username, space, oa, 'ses_aaaaaaaa']) assert.ok(!text.includes(secret), `metrics mention ${secret}`);
      a.close();
      r.close();
    });
  });
}

for (const make of await backends()) {
  test(`${make.name}: /metrics and /health show the events the views have not folded yet, over every relay on the database`, async (t) => {
    const b = await make();
    // A relay that does not fold (as when the folding processes are down or behind): its pushes stay in the lag.
    const relay = await relayOn(b, { views: false });
    t.after(async () => {
      await relay.close();
      await b.drop();
    });
    const { token } = await signup(relay, user());
    const oa = origin();
    const a = await WireClient.connect(relay.url);
    const space = (await a.hello(token, oa)).spaces[0]!.id;
    a.send({ t: 'push', id: 1, space, from: 0, upTo: 4, ...dlp(space), events: [meta(oa, 1), meta(oa, 2), meta(oa, 3), meta(oa, 4)] });
    await a.next('pushed');
    a.close();
    let text = await (await fetch(relay.url + '/metrics')).text();
    assert.equal(sample(text, 'sfs_relay_view_lag_events'), 4);
    assert.equal(sample(text, 'sfs_relay_view_lag_spaces'), 1);
    assert.equal(sample(text, 'sfs_relay_view_last_fold_timestamp_seconds'), 0, 'nothing was ever folded');
    let h = (await (await fetch(relay.url + '/health')).json()) as { views: Record<string, unknown> };
    assert.deepEqual(h.views, { lag_events: 4, lagging_spaces: 1, last_fold_at: null });
    // A second relay on the same database folds them; the first one's figures follow. (PGlite is one process's database.)
    if (make !== postgresBackend) return;
    const folder = await relayOn(b);
    t.after(() => folder.close());
    await folder.views!.wakeAll();
    await folder.views!.idle();
    text = await (await fetch(relay.url + '/metrics')).text();
    assert.equal(sample(text, 'sfs_relay_view_lag_events'), 0);
    assert.equal(sample(text, 'sfs_relay_view_lag_spaces'), 0);
    assert.ok(sample(text, 'sfs_relay_view_last_fold_timestamp_seconds')! > 0);
    assert.equal(sample(text, 'sfs_relay_view_events_folded_total'), undefined, 'this relay folds nothing');
    h = (await (await fetch(relay.url + '/health')).json()) as { views: Record<string, unknown> };
    assert.equal(h.views.lag_events, 0);
    assert.match(String(h.views.last_fold_at), /^\d{4}-\d\d-\d\dT/);
  });
}

test('/metrics asks for the metrics token when one is set', async (t) => {
  const make = (await backends()).at(-1)!;
  const b = await make();
  const relay = await relayOn(b, { metricsToken: 'scrape-secret-1' });
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  assert.equal((await fetch(relay.url + '/metrics')).status, 401);
  assert.equal((await fetch(relay.url + '/metrics', { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const ok = await fetch(relay.url + '/metrics', { headers: { authorization: 'Bearer scrape-secret-1' } });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /sfs_relay_pushes_total/);
});

test('without a metrics token, /metrics answers loopback clients only', async (t) => {
  assert.equal(metricsAllowed(undefined, undefined, '127.0.0.1'), true);
  assert.equal(metricsAllowed(undefined, undefined, '::ffff:127.0.0.1'), true);
  assert.equal(metricsAllowed(undefined, undefined, '::1'), true);
  assert.equal(metricsAllowed(undefined, undefined, '10.1.2.3'), false);
  assert.equal(metricsAllowed(undefined, 'Bearer x', '192.168.1.2'), false);
  assert.equal(metricsAllowed('s', 'Bearer s', '192.168.1.2'), true);
  assert.equal(metricsAllowed('s', 'Bearer s', '127.0.0.1') && !metricsAllowed('s', undefined, '127.0.0.1'), true);
  assert.equal(isLoopback(undefined), false);
  // Over the wire too, when the machine has an address other than loopback.
  const ip = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!ip) return t.skip('no non-loopback IPv4 address on this machine');
  const make = (await backends()).at(-1)!;
  const b = await make();
  const relay = await relayOn(b, { host: '0.0.0.0' });
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  const res = await fetch(`http://${ip}:${relay.port}/metrics`);
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
  assert.equal((await fetch(`http://${ip}:${relay.port}/health`)).status, 200);
});

test('/health answers 503 when the database is not reachable', { skip: !(await postgresReachable()) && 'PostgreSQL not reachable' }, async (t) => {
  const b = await postgresBackend();
  const relay = await relayOn(b);
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  assert.equal((await fetch(relay.url + '/health')).status, 200);
  // The database goes away under the relay (dropped, its connections ended).
  const name = new URL(b.options.databaseUrl!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: b.options.databaseUrl!.replace(`/${name}`, '/postgres') });
  await admin.connect();
  await admin.query(`drop database ${name} with (force)`);
  await admin.end();
  const res = await fetch(relay.url + '/health');
  assert.equal(res.status, 503);
  const h = (await res.json()) as Record<string, unknown>;
  assert.equal(h.ok, false);
  assert.equal(h.database_reachable, false);
});
