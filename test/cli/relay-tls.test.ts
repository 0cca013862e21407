import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { CLI, example, newSfs } from '../helpers/cli.js';
import { backends } from '../server/backends.js';

const make = (await backends()).at(-1)!;
const PASSWORD = 'correct horse 1';

/** A self-signed certificate for localhost and 127.0.0.1, made with openssl. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
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
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** `sfs relay start` as a process with stdout piped: JSON log lines; resolves with the URL it logged. */
function startRelay(args: string[], output: { text: string }): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'relay', 'start', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const seen = (d: Buffer) => {
      output.text += d;
      const m = /Server listening at (https:\/\/127\.0\.0\.1:\d+)/.exec(output.text);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', (d) => (output.text += d));
    child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${output.text}`)));
  });
}

function httpsJson(url: string, method: string, ca: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ca, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

test(
  'sfs relay start --tls-cert/--tls-key serves HTTPS and WSS: sign-in and sync work with the CA trusted, JSON logs hold no secret',
  { timeout: 180_000 },
  async (t) => {
    const backend = await make();
    const a = newSfs();
    const b = newSfs();
    const { cert, key } = selfSigned(a.dir);
    const output = { text: '' };
    const dbArgs = backend.options.databaseUrl ? ['--database-url', backend.options.databaseUrl] : ['--data-dir', backend.options.dataDir!];
    const { child, url } = await startRelay(['--tls-cert', cert, '--tls-key', key, ...dbArgs], output);
    t.after(async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      a.dispose();
      b.dispose();
      await backend.drop();
    });
    const ca = readFileSync(cert, 'utf8');
    const health = await httpsJson(url + '/health', 'GET', ca);
    assert.equal(health.status, 200);
    assert.equal(health.body.ok, true);

    // Without the certificate trusted, the client refuses the relay.
    const untrusted = await a.json(['auth', 'signup', '--relay', url, '--username', 'tlsuser'], { env: { SFS_PASSWORD: PASSWORD } });
    assert.notEqual(untrusted.code, 0);
    assert.equal(untrusted.envelope.error?.code, 'IO', untrusted.stdout);
    assert.match(untrusted.envelope.error!.message, /self-signed certificate.*NODE_EXTRA_CA_CERTS/);

    const env = { SFS_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: cert };
    await a.ok(['auth', 'signup', '--relay', url, '--username', 'tlsuser'], { env });
    await a.ok(['import', example('minimal')]);
    const pushed = await a.ok(['sync', 'now'], { env });
    assert.ok(pushed.pushed > 0, `pushed ${pushed.pushed}`);
    // A second device of the account pulls the session over WSS.
    await b.ok(['auth', 'login', '--relay', url, '--username', 'tlsuser'], { env });
    const pulled = await b.ok(['sync', 'now'], { env });
    assert.ok(pulled.pulled > 0, `pulled ${pulled.pulled}`);
    const listA = await a.ok(['list']);
    const listB = await b.ok(['list']);
    assert.deepEqual(
      JSON.stringify(listB)
        .match(/ses_[a-z0-9]+/g)
        ?.sort()[0],
      JSON.stringify(listA)
        .match(/ses_[a-z0-9]+/g)
        ?.sort()[0],
    );

    // A token used over HTTPS never reaches the logs either.
    const login = await httpsJson(url + '/v1/login', 'POST', ca, { username: 'tlsuser', password: PASSWORD });
    assert.equal((await httpsJson(url + '/v1/me', 'GET', ca, undefined, login.body.token)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    const lines = output.text.trim().split('\n');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, any>);
    assert.ok(entries.some((e) => e.path === '/v1/me' && e.status === 200 && e.method === 'GET'));
    assert.ok(entries.some((e) => e.msg === 'sync connected'));
    assert.ok(!output.text.includes(PASSWORD), 'the password is not logged');
    assert.ok(!output.text.includes(login.body.token), 'the token is not logged');
  },
);

test('sfs relay start refuses half a TLS configuration or a file that is not PEM, in one line', async (t) => {
  const a = newSfs();
  t.after(() => a.dispose());
  const { cert, key } = selfSigned(a.dir);
  const only = await a.fails(['relay', 'start', '--port', '0', '--tls-cert', cert], 'USAGE', 2);
  assert.match(only.message, /--tls-cert FILE and --tls-key FILE/);
  const swapped = await a.fails(['relay', 'start', '--port', '0', '--tls-cert', key, '--tls-key', cert], 'USAGE', 2);
  assert.match(swapped.message, /--tls-cert .*key\.pem: not a PEM certificate/);
  const missing = await a.fails(['relay', 'start', '--port', '0', '--tls-cert', cert, '--tls-key', a.path('nope.pem')], 'USAGE', 2);
  assert.match(missing.message, /nope\.pem: no such file/);
});
