import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { backends, relayOn } from './backends.js';
import { WireClient, dlp, meta } from './wire-client.js';

const make = (await backends()).at(-1)!;
const PASSWORD = 'hunter2-never-logged';

/** Starts a relay logging into a buffer; returns what it wrote so far, on demand. */
async function loggedRelay(format: 'pretty' | 'json') {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const b = await make();
  const relay = await relayOn(b, { logger: { format, level: 'info', destination: out, colorize: false } });
  return { relay, b, logs: () => text };
}

/** Signs up, logs in, calls with the token, opens a sync socket and pushes: everything that carries a secret. */
async function exercise(url: string): Promise<string[]> {
  const username = 'lg' + randomBytes(4).toString('hex');
  const post = (path: string, body: unknown, token?: string) =>
    fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const { token } = (await (await post('/v1/signup', { username, password: PASSWORD })).json()) as { token: string };
  const { token: token2 } = (await (await post('/v1/login', { username, password: PASSWORD, token_name: 'laptop' })).json()) as { token: string };
  assert.equal((await post('/v1/login', { username, password: PASSWORD + 'x' })).status, 401);
  assert.equal((await fetch(url + '/v1/me?space=x', { headers: { authorization: `Bearer ${token}`, cookie: 'sid=cookie-secret-1' } })).status, 200);
  assert.equal((await fetch(url + '/v1/me', { headers: { authorization: 'Bearer sfs_wrong_secret_token' } })).status, 401);
  const { token: token3 } = (await (await post('/v1/tokens', { name: 'ci' }, token)).json()) as { token: string };
  const c = await WireClient.connect(url);
  const o = 'org' + randomBytes(6).toString('hex');
  const w = await c.hello(token2, o);
  const space = w.spaces[0]!.id;
  c.send({ t: 'push', id: 1, space, from: 0, upTo: 1, ...dlp(space), events: [meta(o, 1)] });
  await c.next('pushed');
  c.close();
  return [PASSWORD, token, token2, token3, 'sfs_wrong_secret_token', 'cookie-secret-1'];
}

test('JSON logs: one line per request with method, path, status and time; no password, token or cookie', async (t) => {
  const { relay, b, logs } = await loggedRelay('json');
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  const secrets = await exercise(relay.url);
  await new Promise((r) => setTimeout(r, 100));
  const lines = logs().trim().split('\n');
  const entries = lines.map((l) => JSON.parse(l) as Record<string, any>);
  for (const s of secrets) assert.ok(!logs().includes(s), `the logs hold a secret: ${s.slice(0, 6)}…`);
  const requests = entries.filter((e) => e.path);
  // signup, login, failed login, /v1/me twice, /v1/tokens: one line each (the sync upgrade is logged as its own events).
  assert.deepEqual(
    requests.map((e) => `${e.method} ${e.path} ${e.status}`),
    ['POST /v1/signup 200', 'POST /v1/login 200', 'POST /v1/login 401', 'GET /v1/me 200', 'GET /v1/me 401', 'POST /v1/tokens 200'],
  );
  for (const e of requests) {
    assert.equal(typeof e.time, 'number');
    assert.equal(typeof e.ms, 'number');
    assert.equal(e.level, 30);
  }
  assert.ok(
    entries.some((e) => e.msg === 'sync connected' && e.account),
    'the sync connection is logged',
  );
});

test('readable logs: time, level, message and key fields on one line; no secret either', async (t) => {
  const { relay, b, logs } = await loggedRelay('pretty');
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  const secrets = await exercise(relay.url);
  await new Promise((r) => setTimeout(r, 100));
  for (const s of secrets) assert.ok(!logs().includes(s), `the logs hold a secret: ${s.slice(0, 6)}…`);
  const lines = logs().trim().split('\n');
  const signup = lines.find((l) => l.includes('POST /v1/signup 200'));
  assert.ok(signup, logs());
  assert.match(signup, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO( \(\d+\))?: POST \/v1\/signup 200 .*"status":200/);
  assert.ok(!lines.some((l) => l.startsWith('{')), 'no JSON line in the readable form');
  assert.ok(
    lines.some((l) => / WARN .*|INFO.*sync connected/.test(l)),
    'events are logged too',
  );
});
