import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeHome, type FakeHome } from '../helpers/fake-home.js';

/**
 * Silence is impossible (issue 14), end to end: `sfs doctor` and `sfs daemon status` (text and
 * --json) warn, naming the tool, the file and the record type, when a tool's sessions moved
 * somewhere sfs does not look, when the installed version is newer than the newest tested, and
 * when session files hold record types sfs does not know; the daemon logs each warning.
 */

/** A fake `claude` on PATH, installed the npm way: its package.json says `version`. */
function fakeClaude(h: FakeHome, version: string): string {
  const bin = path.join(h.root, 'bin');
  const pkg = path.join(h.root, 'npm', 'lib', 'node_modules', '@anthropic-ai', 'claude-code');
  mkdirSync(bin, { recursive: true });
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version }));
  writeFileSync(path.join(pkg, 'cli.js'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(pkg, 'cli.js'), 0o755);
  symlinkSync(path.join(pkg, 'cli.js'), path.join(bin, 'claude'));
  return `${bin}:/usr/bin:/bin`;
}

/** Appends `n` records of a type Claude Code has never written to one transcript; returns its path. */
function addUnknownRecords(h: FakeHome, n: number): string {
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const file = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.jsonl'))!,
  );
  for (let i = 0; i < n; i++) appendFileSync(file, JSON.stringify({ type: 'hologram-snapshot', sessionId: 'x', frame: i }) + '\n');
  return file;
}

async function doctorJson(h: FakeHome, env: Record<string, string>) {
  const r = await h.run(['doctor', '--json'], { env });
  return Object.fromEntries(JSON.parse(r.stdout).data.checks.map((c: any) => [c.id, c])) as Record<string, any>;
}

test('doctor: a tool installed here whose sessions moved to a place sfs does not read is a warning naming the tool', async (t) => {
  const h = fakeHome(t);
  const env = { PATH: '/usr/bin:/bin' };
  // Claude Code's own prompt history is there, its projects/ folder is not (moved elsewhere).
  rmSync(h.claudeProjects, { recursive: true });
  const checks = await doctorJson(h, env);
  const c = checks['tool:claude-code'];
  assert.equal(c.status, 'warn', c.summary);
  assert.match(c.summary, /INSTALLED BUT NO SESSION STORE where sfs looks \(.*\.claude\/projects/);
  assert.equal(c.data.warnings.length, 1);
  assert.equal(c.data.warnings[0].kind, 'store-missing');
  assert.equal(c.data.warnings[0].tool, 'claude-code');
  assert.equal(checks['tool:gemini'].status, 'info', 'a tool not installed at all stays a plain fact');
  const human = await h.run(['doctor'], { env });
  assert.equal(human.code, 0, 'a warning does not fail doctor');
  assert.match(human.stdout, /WARN {2}Claude Code +INSTALLED BUT NO SESSION STORE/);
  assert.match(human.stdout, /warning: Claude Code is installed here \(.*history\.jsonl\) but none of its session stores exists/);
});

test('doctor: a version newer than tested and unknown record types are warnings naming the version, the file and the type', async (t) => {
  const h = fakeHome(t);
  const env = { PATH: fakeClaude(h, '9.0.1') };
  const file = addUnknownRecords(h, 4);
  await h.run(['import', '--all'], { env });
  const c = (await doctorJson(h, env))['tool:claude-code'];
  assert.equal(c.status, 'warn', c.summary);
  assert.equal(c.data.installed_version, '9.0.1');
  assert.equal(c.data.newest_tested, '2.1.332');
  assert.match(
    c.summary,
    /^Claude Code 9\.0\.1; 4 session sources on disk, 4 sessions captured; newer than tested \(2\.1\.332\); unknown record types: hologram-snapshot/,
  );
  const byKind = Object.fromEntries(c.data.warnings.map((w: any) => [w.kind, w]));
  assert.deepEqual(Object.keys(byKind).sort(), ['newer-version', 'unknown-record']);
  assert.equal(byKind['unknown-record'].record_type, 'hologram-snapshot');
  assert.equal(byKind['unknown-record'].path, file);
  assert.equal(byKind['unknown-record'].count, 4);
  assert.deepEqual(c.data.unknown_records, { 'hologram-snapshot': 4 });
  // Codex, with neither, stays ok.
  const codex = (await doctorJson(h, env))['tool:codex'];
  assert.equal(codex.status, 'ok', codex.summary);
});

test('daemon status (text and --json) shows the warnings, and the daemon log has each one once', async (t) => {
  const h = fakeHome(t);
  const env = { PATH: fakeClaude(h, '9.0.1') };
  h.beforeRemove(async () => void (await h.run(['daemon', 'stop'], { env })));
  const file = addUnknownRecords(h, 4);
  const started = await h.run(['daemon', 'start', '--json'], { env });
  assert.equal(started.code, 0, started.stderr);
  let status: any;
  for (let i = 0; i < 100; i++) {
    const r = await h.run(['daemon', 'status', '--json'], { env });
    status = JSON.parse(r.stdout).data.status;
    const cc = status?.tools.find((x: any) => x.tool === 'claude-code');
    if (status?.phase === 'watching' && cc?.warnings.length === 2) break;
    await sleep(150);
  }
  const cc = status.tools.find((x: any) => x.tool === 'claude-code');
  assert.equal(cc.installed_version, '9.0.1');
  assert.equal(cc.newest_tested, '2.1.332');
  assert.deepEqual(cc.warnings.map((w: any) => w.kind).sort(), ['newer-version', 'unknown-record']);
  assert.equal(cc.warnings.find((w: any) => w.kind === 'unknown-record').path, file);
  const text = (await h.run(['daemon', 'status'], { env })).stdout;
  assert.match(text, /claude-code\s+9\.0\.1\s+yes\s+found/);
  assert.match(text, /warnings \(capture may be missing sessions\)/);
  assert.match(text, /claude-code unknown-record "hologram-snapshot": 4 records of unknown type "hologram-snapshot"/);
  assert.match(text, /claude-code newer-version: Claude Code 9\.0\.1 is installed, newer than 2\.1\.332/);
  const log = readFileSync(path.join(h.sfsHome, 'state', 'daemon.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const warned = log.filter((l) => l.msg === 'capture warning');
  assert.deepEqual(warned.map((l) => l.kind).sort(), ['newer-version', 'unknown-record']);
  assert.equal(warned.find((l) => l.kind === 'unknown-record').record_type, 'hologram-snapshot');
});
