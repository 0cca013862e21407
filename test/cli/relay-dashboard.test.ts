import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';

/** `sfs relay start` says where its team dashboard is, and serves it there: the page, under its strict CSP. */
test('sfs relay start serves the team dashboard at / and names its address', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sfs-relay-dash-'));
  const proc = spawn(process.execPath, [CLI, 'relay', 'start', '--port', '0', '--json', '--data-dir', join(dir, 'db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SFS_LOG_LEVEL: 'warn' },
  });
  t.after(() => {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const started = await new Promise<{ url: string; dashboard: string }>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      try {
        resolve(JSON.parse(out).data);
      } catch {
        // not the whole line yet
      }
    });
    proc.stderr!.on('data', (d) => (out += d));
    proc.once('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
  });
  assert.equal(started.dashboard, started.url.replace(/\/?$/, '/'));
  const page = await fetch(started.dashboard);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
  assert.match(await page.text(), /<script type="module" src="app.js">/);
  assert.equal((await fetch(started.dashboard + 'app.js')).status, 200);
  const host = (await (await fetch(started.url + '/api/v1/host')).json()) as { data: { kind: string; account: null } };
  assert.deepEqual([host.data.kind, host.data.account], ['relay', null]);
});
