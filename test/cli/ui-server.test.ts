import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fakeHome } from '../helpers/fake-home.js';
import { ROOT, IDS, example } from '../helpers/cli.js';
import { startUi } from '../helpers/ui.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js') as new (o: object) => {
  addSchema(s: object): void;
  getSchema(id: string): ((d: unknown) => boolean) & { errors?: unknown };
};
const addFormats = require('ajv-formats') as (a: object) => void;

/** The API's schemas (schemas/api/v1/): every JSON answer must match the envelope. */
function envelopeValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const dir = path.join(ROOT, 'schemas/api/v1');
  for (const f of readdirSync(dir)) ajv.addSchema(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
  const v = ajv.getSchema('api/v1/envelope.schema.json')!;
  return (body: unknown) => {
    assert.ok(v(body), `envelope does not match schemas/api/v1: ${JSON.stringify(v.errors).slice(0, 800)}`);
  };
}

/** A raw request, so the Host header is whatever the test says (fetch always sends the real one). */
function raw(
  port: number,
  p: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: p, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('sfs ui: loopback only, foreign Host and missing token refused, token becomes a cookie, state changes need this origin; answers match schemas/api/v1', async (t) => {
  const h = fakeHome(t, []);
  await h.json(['import', example('complete')]);
  const ui = await startUi(h);
  const check = envelopeValidator();
  assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const host = `127.0.0.1:${ui.port}`;
  const auth = { authorization: `Bearer ${ui.token}` };

  // No token: nothing but the application's code.
  assert.equal((await fetch(`${ui.url}api/v1/sessions`)).status, 401);
  assert.equal((await fetch(ui.url)).status, 401);
  assert.equal((await fetch(`${ui.url}api/v1/sessions`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  assert.equal((await fetch(`${ui.url}?token=wrong`, { redirect: 'manual' })).status, 401);
  assert.equal((await fetch(`${ui.url}app.js`)).status, 200);
  // A DNS-rebinding page names its own host: refused even with the token.
  for (const bad of ['evil.example:' + ui.port, 'evil.example', `127.0.0.1:${ui.port + 1}`, `localhost.evil.example:${ui.port}`]) {
    const r = await raw(ui.port, '/api/v1/sessions', { host: bad, ...auth });
    assert.equal(r.status, 421, bad);
    assert.doesNotMatch(r.body, /ses_/);
  }
  assert.equal((await raw(ui.port, '/api/v1/sessions', { host: `localhost:${ui.port}`, ...auth })).status, 200);

  // The opened URL sets an HttpOnly SameSite=Strict cookie and drops the token from the address.
  const first = await fetch(ui.openUrl, { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/');
  const cookie = first.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const jar = { cookie: cookie.split(';')[0]! };
  const page = await fetch(ui.url, { headers: jar });
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(await page.text(), /<script>|\son\w+=/i, 'no inline script in the page');

  // Reads, checked against the schemas.
  const get = async (p: string, status = 200) => {
    const r = await fetch(`${ui.url}api/v1${p}`, { headers: jar });
    const body = await r.json();
    assert.equal(r.status, status, `${p}: ${JSON.stringify(body)}`);
    check(body);
    return body.data;
  };
  const list = await get('/sessions');
  assert.equal(list.total, 1);
  assert.equal(list.sessions[0].id, IDS.complete);
  const show = await get(`/sessions/${IDS.complete.slice(0, 10)}?limit=3`);
  assert.equal(show.messages.items.length, 3);
  assert.equal(show.messages.total, 8);
  const win = await get(`/sessions/${IDS.complete}/messages?offset=6&limit=10`);
  assert.deepEqual(
    win.items.map((i: { index: number }) => i.index),
    [6, 7],
  );
  const hits = await get('/search?q=validation');
  assert.ok(hits.hits.length > 0);
  for (const hit of hits.hits) for (const [a, b] of hit.highlights) assert.match(hit.snippet.slice(a, b), /valid/i);
  await get('/project');
  await get('/project/knowledge');
  await get('/project/rules');
  await get('/capture');
  await get('/sync');
  await get('/sessions/ses_nope', 404);
  await get('/sessions?limit=100000', 400);

  // State changes: the token alone is not enough, the request must come from this origin.
  const post = (p: string, origin: string | null, body: unknown = {}) =>
    fetch(`${ui.url}api/v1${p}`, {
      method: 'POST',
      headers: { ...jar, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: JSON.stringify(body),
    });
  assert.equal((await post(`/sessions/${IDS.complete}/fork`, null)).status, 403);
  assert.equal((await post(`/sessions/${IDS.complete}/fork`, 'http://evil.example')).status, 403);
  assert.equal((await post(`/sessions/${IDS.complete}/fork`, `http://127.0.0.1:${ui.port + 1}`)).status, 403);
  assert.equal((await get('/sessions')).total, 1, 'nothing was forked');
  const forked = await post(`/sessions/${IDS.complete}/fork`, `http://${host}`, { name: 'forked in the browser' });
  const fb = await forked.json();
  assert.equal(forked.status, 200, JSON.stringify(fb));
  check(fb);
  assert.equal(fb.command, 'fork');
  assert.equal((await get('/sessions')).total, 2);
  const cp = await (await post(`/sessions/${IDS.complete}/checkpoints`, `http://${host}`, { name: 'v1' })).json();
  check(cp);
  // Resume writes the native session (as `sfs resume --print-command`) and hands back the command; it starts nothing.
  const resumed = await post(`/sessions/${IDS.complete}/resume`, `http://${host}`, { in: 'codex' });
  const rb = await resumed.json();
  assert.equal(resumed.status, 200, JSON.stringify(rb));
  check(rb);
  assert.equal(rb.data.tool, 'codex');
  assert.match(rb.data.command, /codex/);
  assert.ok(rb.data.path.startsWith(h.home), `written under the user's home: ${rb.data.path}`);
  assert.ok(existsSync(rb.data.path));
  assert.equal((await post(`/sessions/${IDS.complete}/resume`, `http://${host}`, { in: 'nope' })).status, 400);
  assert.equal((await post(`/sessions/${IDS.complete}/resume`, 'http://evil.example', { in: 'codex' })).status, 403);
  const del = await fetch(`${ui.url}api/v1/sessions/${fb.data.id}`, { method: 'DELETE', headers: { ...jar, origin: `http://${host}` } });
  check(await del.json());
  assert.equal((await get('/sessions?deleted=true')).total, 1);
  const md = await fetch(`${ui.url}api/v1/sessions/${IDS.complete}/export.md`, { headers: jar });
  assert.match(md.headers.get('content-disposition')!, /attachment/);
  assert.match(await md.text(), /Add user validation/);
  await ui.stop();
});

test('sfs ui: ticket filter and lineage grouping; .sfs and native exports download as tars and change nothing; resume runs in $TERMINAL or comes back as a command', async (t) => {
  const h = fakeHome(t, []);
  await h.json(['import', example('complete')]);
  const out = path.join(h.root, 'terminal-args.txt');
  const term = path.join(h.root, 'fake-terminal');
  writeFileSync(term, `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\n`, { mode: 0o755 });
  const ui = await startUi(h, [], { TERMINAL: term });
  const check = envelopeValidator();
  const jar = { cookie: (await fetch(ui.openUrl, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]! };
  const origin = `http://127.0.0.1:${ui.port}`;
  const get = async (p: string, status = 200) => {
    const r = await fetch(`${ui.url}api/v1${p}`, { headers: jar });
    const body = await r.json();
    assert.equal(r.status, status, `${p}: ${JSON.stringify(body)}`);
    check(body);
    return body.data;
  };
  const post = async (p: string, body: unknown = {}) => {
    const r = await fetch(`${ui.url}api/v1${p}`, {
      method: 'POST',
      headers: { ...jar, origin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const b = await r.json();
    assert.equal(r.status, 200, JSON.stringify(b));
    check(b);
    return b.data;
  };

  // A fork whose title names a ticket: a child of the original, found by the ticket.
  const fork = await post(`/sessions/${IDS.complete}/fork`, { name: 'PROJ-77 follow-up' });
  const flat = await get('/sessions');
  assert.equal(flat.total, 2);
  assert.deepEqual(flat.sessions.find((s: { id: string }) => s.id === fork.id).tickets, ['PROJ-77']);
  const byTicket = await get('/sessions?ticket=proj-77');
  assert.deepEqual(
    byTicket.sessions.map((s: { id: string }) => s.id),
    [fork.id],
  );
  assert.equal((await get('/sessions?ticket=PROJ-7')).total, 0, 'PROJ-7 is another ticket');
  await get('/sessions?ticket=signup', 400);
  const grouped = await get('/sessions?group=true');
  assert.deepEqual(
    grouped.sessions.map((s: { id: string; children: number }) => [s.id, s.children]),
    [[IDS.complete, 1]],
  );
  const children = await get(`/sessions?parent=${IDS.complete}`);
  assert.deepEqual(
    children.sessions.map((s: { id: string }) => s.id),
    [fork.id],
  );

  // Exports: one tar each, which the system's tar reads; the store does not change.
  const download = async (format: string) => {
    const r = await fetch(`${ui.url}api/v1/sessions/${IDS.complete}/export/${format}`, { headers: jar });
    assert.equal(r.status, 200, await r.clone().text());
    assert.match(r.headers.get('content-disposition')!, new RegExp(`attachment; filename="${IDS.complete}\\.${format}\\.tar"`));
    const file = path.join(h.root, `${format}.tar`);
    writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    const dir = path.join(h.root, `x-${format}`);
    mkdirSync(dir);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    return dir;
  };
  const sfsDir = await download('sfs');
  const manifest = JSON.parse(readFileSync(path.join(sfsDir, `${IDS.complete}.sfs`, 'manifest.json'), 'utf8'));
  assert.equal(manifest.session_id, IDS.complete);
  assert.equal(
    readFileSync(path.join(sfsDir, `${IDS.complete}.sfs`, 'messages.jsonl'), 'utf8')
      .trim()
      .split('\n').length,
    8,
  );
  const native = await download('claude-code');
  const jsonl = execFileSync('find', [native, '-name', '*.jsonl'], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(jsonl.length, 1);
  assert.ok(jsonl[0]!.includes(`${path.sep}.claude${path.sep}projects${path.sep}`), jsonl[0]);
  assert.match(readFileSync(jsonl[0]!, 'utf8'), /Add user validation|signup/);
  assert.equal((await get('/sessions')).total, 2, 'a native export records no resumed session');
  assert.ok(
    !existsSync(path.join(h.home, '.claude', 'projects')) ||
      execFileSync('find', [path.join(h.home, '.claude', 'projects'), '-name', '*.jsonl'], { encoding: 'utf8' }).trim() === '',
    'nothing written into the tool',
  );
  assert.equal((await fetch(`${ui.url}api/v1/sessions/${IDS.complete}/export/nope`, { headers: jar })).status, 400);
  assert.equal((await fetch(`${ui.url}api/v1/sessions/${IDS.complete}/export/sfs`)).status, 401, 'downloads need the token too');

  // Resume: started in the user's terminal, as an argv of the CLI with the session id only.
  const launched = await post(`/sessions/${IDS.complete}/resume/launch`, { in: 'codex' });
  assert.deepEqual(
    { ...launched, terminal: null },
    { session: IDS.complete, command: `sfs resume ${IDS.complete} --in codex`, launched: true, terminal: null },
  );
  assert.equal(launched.terminal, 'fake-terminal');
  for (let i = 0; i < 50 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
  const args = readFileSync(out, 'utf8').trim().split('\n');
  assert.deepEqual(args.slice(0, 1), ['-e']);
  assert.deepEqual(args.slice(-4), ['resume', IDS.complete, '--in', 'codex']);
  assert.match(args[2]!, /main\.js$/);
  await ui.stop();

  // Without a terminal (no $TERMINAL, no desktop): the command comes back for the page to show.
  const ui2 = await startUi(h);
  const jar2 = { cookie: (await fetch(ui2.openUrl, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]! };
  const r2 = await fetch(`${ui2.url}api/v1/sessions/${IDS.complete}/resume/launch`, {
    method: 'POST',
    headers: { ...jar2, origin: `http://127.0.0.1:${ui2.port}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const b2 = await r2.json();
  check(b2);
  assert.deepEqual(b2.data, { session: IDS.complete, command: `sfs resume ${IDS.complete}`, launched: false, terminal: null });
  const bad = await fetch(`${ui2.url}api/v1/sessions/${IDS.complete}/resume/launch`, {
    method: 'POST',
    headers: { ...jar2, origin: 'http://evil.example', 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(bad.status, 403);
  await ui2.stop();
});
