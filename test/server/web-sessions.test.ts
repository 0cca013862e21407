import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, relayOn, signup, type Backend } from './backends.js';
import type { Relay } from '../../server/relay.js';
import { CSRF_HEADER, sessionCookie } from '../../server/web-sessions.js';
import { browserCall, webLogin } from './web-client.js';

const make = (await backends()).at(-1)!;

describe('dashboard sign-in: cookie session, CSRF, lockout', { concurrency: false }, () => {
  let b: Backend;
  let relay: Relay;
  let alice: { token: string };
  before(async () => {
    b = await make();
    relay = await relayOn(b, { loginLockout: { failures: 3, lockMs: 60_000 } });
    alice = await signup(relay, 'alice');
    await signup(relay, 'bob');
  });
  after(async () => {
    await relay?.close();
    await b?.drop();
  });

  test('signing in sets an HttpOnly SameSite=Strict cookie that authenticates the relay routes; the table keeps only its hash', async () => {
    const r = await browserCall(relay, 'POST', '/v1/web/login', { body: { username: 'alice', password: 'correct horse 1' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.account.username, 'alice');
    assert.match(r.body.csrf, /^[\w-]{43}$/);
    const c = r.setCookie!;
    assert.match(c, /^sfs_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    const cookie = c.split(';')[0]!;
    const secret = cookie.split('=')[1]!;
    const rows = await relay.rdb.db.selectFrom('web_sessions').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(secret), 'the secret itself is not stored');
    const me = await browserCall(relay, 'GET', '/v1/me', { cookie });
    assert.equal(me.status, 200);
    assert.equal(me.body.account.username, 'alice');
    assert.ok((await relay.rdb.db.selectFrom('web_sessions').select('last_used_at').executeTakeFirstOrThrow()).last_used_at, 'its last use is recorded');
    const session = await browserCall(relay, 'GET', '/v1/web/session', { cookie });
    assert.equal(session.body.csrf, r.body.csrf);
    // Every answer carries the dashboard's CSP.
    const res = await fetch(relay.url + '/v1/me', { headers: { cookie } });
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);
    // Behind TLS the cookie is Secure and __Host- prefixed.
    assert.match(sessionCookie('x', new Date(Date.now() + 60_000), true), /^__Host-sfs_session=x; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
  });

  test('a change made with the cookie needs the CSRF header and the relay’s own Origin; a bearer token needs neither', async () => {
    const { cookie, csrf } = await webLogin(relay, 'alice');
    const tokens = async () => (await browserCall(relay, 'GET', '/v1/tokens', { cookie })).body.tokens.length as number;
    const before = await tokens();
    for (const o of [
      { cookie },
      { cookie, csrf: 'x'.repeat(43) },
      { cookie, csrf, origin: 'http://evil.example' },
      { cookie, csrf, origin: null },
      { cookie, csrf, origin: relay.url.replace('http:', 'https:').replace(/\/$/, '') },
    ]) {
      const r = await browserCall(relay, 'POST', '/v1/tokens', { ...o, body: { name: 'csrf' } });
      assert.equal(r.status, 403, JSON.stringify(o));
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    assert.equal(await tokens(), before, 'nothing was created');
    // Another session's CSRF token does not fit this cookie.
    const other = await webLogin(relay, 'alice');
    assert.equal((await browserCall(relay, 'POST', '/v1/tokens', { cookie, csrf: other.csrf, body: { name: 'x' } })).status, 403);
    assert.equal((await browserCall(relay, 'POST', '/v1/tokens', { cookie, csrf, body: { name: 'ok' } })).status, 200);
    assert.equal(await tokens(), before + 1);
    // The CLI's bearer token: no cookie, no CSRF, no Origin.
    assert.equal((await browserCall(relay, 'POST', '/v1/tokens', { token: alice.token, origin: null, body: { name: 'cli' } })).status, 200);
  });

  test('sign-in only from the relay’s own page; signing out ends the session; an expired one is refused', async () => {
    const foreign = await browserCall(relay, 'POST', '/v1/web/login', {
      origin: 'http://evil.example',
      body: { username: 'alice', password: 'correct horse 1' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.setCookie, null);
    const { cookie, csrf } = await webLogin(relay, 'alice');
    assert.equal((await browserCall(relay, 'POST', '/v1/web/logout', { cookie, body: {} })).status, 403, 'sign-out needs the CSRF token');
    const out = await browserCall(relay, 'POST', '/v1/web/logout', { cookie, csrf, body: {} });
    assert.equal(out.status, 200);
    assert.match(out.setCookie!, /^sfs_session=; .*Max-Age=0/);
    assert.equal((await browserCall(relay, 'GET', '/v1/me', { cookie })).status, 401);
    const later = await webLogin(relay, 'alice');
    await relay.rdb.db
      .updateTable('web_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    const expired = await browserCall(relay, 'GET', '/v1/me', { cookie: later.cookie });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'AUTH');
  });

  test('an open page’s event stream ends once its session is signed out', async () => {
    const live = await relayOn(b, { dashboardPingMs: 50 });
    try {
      const { cookie, csrf } = await webLogin(live, 'alice');
      const res = await fetch(live.url + '/api/v1/events', { headers: { cookie } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      assert.equal((await browserCall(live, 'POST', '/v1/web/logout', { cookie, csrf, body: {} })).status, 200);
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        text += new TextDecoder().decode(r.value);
      }
      assert.match(text, /^: sfs relay/);
    } finally {
      await live.close();
    }
  });

  test('wrong passwords lock the account for the browser and the CLI alike', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await browserCall(relay, 'POST', '/v1/web/login', { body: { username: 'bob', password: 'wrong password' } });
      assert.equal(r.status, 401);
    }
    const locked = await browserCall(relay, 'POST', '/v1/web/login', { body: { username: 'bob', password: 'correct horse 1' } });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'LOCKED');
    assert.equal(locked.setCookie, null);
    const cli = await browserCall(relay, 'POST', '/v1/login', { origin: null, body: { username: 'bob', password: 'correct horse 1' } });
    assert.equal(cli.body.error.code, 'LOCKED');
  });

  test('the dashboard: the page and its files are public, /api/v1/host says who is signed in, and what the relay cannot do is UNSUPPORTED', async () => {
    const anon = await browserCall(relay, 'GET', '/api/v1/host');
    assert.equal(anon.status, 200);
    assert.deepEqual([anon.body.data.kind, anon.body.data.account, anon.body.data.csrf], ['relay', null, null]);
    assert.equal(anon.body.data.can.fork, false);
    assert.equal((await browserCall(relay, 'GET', '/api/v1/sessions')).status, 401);
    const { cookie, csrf } = await webLogin(relay, 'alice');
    const host = await browserCall(relay, 'GET', '/api/v1/host', { cookie });
    assert.equal(host.body.data.account.username, 'alice');
    assert.equal(host.body.data.csrf, csrf);
    assert.deepEqual(
      host.body.data.spaces.map((s: { name: string }) => s.name),
      ['~alice'],
    );
    // The page's query strings (numbers, booleans) read as on the local host.
    const page = await browserCall(relay, 'GET', '/api/v1/sessions?offset=0&limit=50&deleted=false&subagents=true', { cookie });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.deepEqual(page.body.data, { total: 0, sessions: [], next_offset: null });
    assert.equal((await browserCall(relay, 'GET', '/api/v1/sessions?limit=many', { cookie })).status, 400);
    const fork = await browserCall(relay, 'POST', '/api/v1/sessions/ses_abcdefgh12/fork', { cookie, csrf, body: {} });
    assert.equal(fork.status, 501);
    assert.equal(fork.body.error.code, 'UNSUPPORTED');
    assert.equal((await browserCall(relay, 'POST', '/api/v1/sessions/ses_abcdefgh12/fork', { cookie, body: {} })).status, 403, 'CSRF first');
    assert.equal((await browserCall(relay, 'GET', '/api/v1/doctor', { cookie })).body.error.code, 'UNSUPPORTED');
  });
});

test('behind TLS the cookie is __Host- and Secure, and only an https Origin of the relay signs in or changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sfs-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'));
  const b = await make();
  const relay = await relayOn(b, { tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
  t.after(async () => {
    await relay.close();
    await b.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `https://127.0.0.1:${relay.port}`;
  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    new Promise<{ status: number; setCookie: string[]; body: string }>((resolve, reject) => {
      const req = httpsRequest(base + path, { method, ca: cert, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, setCookie: res.headers['set-cookie'] ?? [], body: text }));
      });
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  const creds = { username: 'tlsweb', password: 'correct horse 1' };
  // Signing up over https (the helper speaks http): through the API directly.
  await call('POST', '/v1/signup', {}, creds);
  assert.equal((await call('POST', '/v1/web/login', { origin: base.replace('https:', 'http:') }, creds)).status, 403, 'an http Origin is another origin');
  const r = await call('POST', '/v1/web/login', { origin: base }, creds);
  assert.equal(r.status, 200, r.body);
  assert.match(r.setCookie[0]!, /^__Host-sfs_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
  const cookie = r.setCookie[0]!.split(';')[0]!;
  const csrf = JSON.parse(r.body).csrf as string;
  assert.equal((await call('GET', '/v1/me', { cookie })).status, 200);
  // The plain-HTTP name of the cookie does not authenticate here.
  assert.equal((await call('GET', '/v1/me', { cookie: cookie.replace('__Host-', '') })).status, 401);
  assert.equal((await call('POST', '/v1/tokens', { cookie, [CSRF_HEADER]: csrf, origin: base.replace('https:', 'http:') }, { name: 'x' })).status, 403);
  assert.equal((await call('POST', '/v1/tokens', { cookie, [CSRF_HEADER]: csrf, origin: base }, { name: 'x' })).status, 200);
});
