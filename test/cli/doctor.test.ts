import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fakeHome, type FakeHome } from '../helpers/fake-home.js';

interface Check {
  id: string;
  status: 'ok' | 'info' | 'warn' | 'fail';
  summary: string;
  fixed: string[];
  data: Record<string, any>;
}

async function doctor(h: FakeHome, args: string[] = []): Promise<{ code: number; ok: boolean; checks: Record<string, Check> }> {
  const r = await h.run(['doctor', ...args, '--json']);
  const env = JSON.parse(r.stdout);
  assert.equal(env.command, 'doctor', r.stdout + r.stderr);
  return { code: r.code, ok: env.data.ok, checks: Object.fromEntries(env.data.checks.map((c: Check) => [c.id, c])) };
}

test('doctor: a tool whose store holds sessions but nothing was captured is a loud warning; after import it is ok', async (t) => {
  const h = fakeHome(t);
  const before = await doctor(h);
  assert.equal(before.code, 0, 'warnings do not fail');
  assert.equal(before.checks.store!.status, 'info');
  assert.equal(before.checks.store!.data.exists, false);
  for (const tool of ['claude-code', 'codex']) {
    const c = before.checks[`tool:${tool}`]!;
    assert.equal(c.status, 'warn', `${tool}: ${c.summary}`);
    assert.match(c.summary, /^NOTHING CAPTURED/);
    assert.equal(c.data.sources_on_disk, 4);
    assert.equal(c.data.sessions_captured, 0);
  }
  assert.equal(before.checks['tool:gemini']!.status, 'info');
  assert.equal(before.checks['tool:gemini']!.data.store_found, false);
  assert.equal(before.checks.disk!.status, 'ok');
  assert.ok(before.checks.disk!.data.free_bytes > 0);
  assert.equal(before.checks.daemon!.data.running, false);

  const human = await h.run(['doctor']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /WARN {2}Claude Code +NOTHING CAPTURED from .*\.claude\/projects: 4 session sources on disk, 0 sessions captured/);
  assert.match(human.stdout, /sfs import --from claude-code/);

  await h.json(['import', '--all']);
  const after = await doctor(h);
  assert.equal(after.code, 0);
  assert.equal(after.checks.store!.status, 'ok', after.checks.store!.summary);
  assert.ok(after.checks.store!.data.head > 0);
  assert.equal(after.checks.store!.data.position, after.checks.store!.data.head);
  for (const tool of ['claude-code', 'codex']) {
    const c = after.checks[`tool:${tool}`]!;
    assert.equal(c.status, 'ok', c.summary);
    assert.equal(c.data.sessions_captured, 4);
    assert.equal(c.data.sources_uncaptured, 0);
  }
  assert.equal(after.checks.permissions!.status, 'ok', after.checks.permissions!.summary);

  // A new session file on disk that nothing captured yet is counted.
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
  cpSync(path.join(dir, file), path.join(dir, '00000000-0000-4000-8000-000000000001.jsonl'));
  const later = await doctor(h);
  assert.equal(later.checks['tool:claude-code']!.status, 'warn');
  assert.equal(later.checks['tool:claude-code']!.data.sources_uncaptured, 1);
  assert.equal(later.checks['tool:claude-code']!.data.sources_on_disk, 5);
});

test('doctor: credentials readable by others fail the run (exit 1); 0600 passes', async (t) => {
  const h = fakeHome(t, []);
  const creds = path.join(h.sfsHome, 'credentials.json');
  mkdirSync(h.sfsHome, { recursive: true, mode: 0o700 });
  writeFileSync(creds, '{"relay":"http://x","token":"t","username":"u","account_id":"a"}\n', { mode: 0o644 });
  chmodSync(creds, 0o640);
  const bad = await doctor(h);
  assert.equal(bad.code, 1);
  assert.equal(bad.ok, false);
  assert.equal(bad.checks.permissions!.status, 'fail');
  assert.deepEqual(bad.checks.permissions!.data.problems, [{ path: creds, mode: '0640', want: '0600' }]);
  const human = await h.run(['doctor']);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /FAIL {2}Permissions/);
  assert.match(human.stdout, /1 check failed/);

  chmodSync(creds, 0o400);
  assert.equal((await doctor(h)).checks.permissions!.status, 'fail', 'the token file must be exactly 0600');
  chmodSync(creds, 0o600);
  const good = await doctor(h);
  assert.equal(good.code, 0);
  assert.equal(good.checks.permissions!.status, 'ok');
});

test("doctor --fix: removes a dead daemon's pid file and nothing else", async (t) => {
  const h = fakeHome(t, []);
  const state = path.join(h.sfsHome, 'state');
  mkdirSync(state, { recursive: true, mode: 0o700 });
  const pidFile = path.join(state, 'daemon.pid');
  // A pid that cannot be alive (above the kernel's pid_max).
  writeFileSync(pidFile, JSON.stringify({ pid: 99_999_999, started_at: '2026-01-01T00:00:00.000Z' }) + '\n');
  const seen = await doctor(h);
  assert.equal(seen.checks.daemon!.data.stale_pid, 99_999_999);
  assert.match(seen.checks.daemon!.summary, /pid file of a dead daemon/);
  assert.ok(existsSync(pidFile), 'doctor without --fix changes nothing');
  const fixed = await doctor(h, ['--fix']);
  assert.deepEqual(fixed.checks.daemon!.fixed, [`removed the stale pid file ${pidFile}`]);
  assert.ok(!existsSync(pidFile));
  assert.equal((await doctor(h)).checks.daemon!.data.stale_pid, null);
});

test('doctor --fix: projections with an old schema or past the log head are rebuilt', async (t) => {
  const h = fakeHome(t, ['codex']);
  await h.json(['import', '--all']);
  const file = path.join(h.sfsHome, 'data', 'projections.sqlite');
  const setMeta = (key: string, value: string) => {
    const db = new Database(file);
    db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(value, key);
    db.close();
  };

  setMeta('version', '0');
  const old = await doctor(h);
  assert.equal(old.code, 0);
  assert.equal(old.checks.store!.status, 'warn');
  assert.match(old.checks.store!.summary, /schema version 0/);
  const rebuilt = await doctor(h, ['--fix']);
  assert.equal(rebuilt.checks.store!.status, 'ok', rebuilt.checks.store!.summary);
  assert.match(rebuilt.checks.store!.fixed[0]!, /^rebuilt the projections from the log \(\d+ events\)$/);
  assert.equal(rebuilt.checks['tool:codex']!.data.sessions_captured, 4, 'counts come from the rebuilt projections');

  setMeta('position', '999999');
  const ahead = await doctor(h);
  assert.equal(ahead.code, 1);
  assert.equal(ahead.checks.store!.status, 'fail');
  assert.match(ahead.checks.store!.summary, /past the log head/);
  const again = await doctor(h, ['--fix']);
  assert.equal(again.code, 0);
  assert.equal(again.checks.store!.status, 'ok');
  assert.equal(again.checks.store!.data.position, again.checks.store!.data.head);
});
