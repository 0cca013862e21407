import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { adapterFor } from '../adapters/index.js';
import { captureSource } from '../engine/capture/capture-source.js';
import { resolvePaths } from '../engine/paths.js';
import { Store } from '../engine/store.js';
import { cliSetups } from './clis.js';
import { REPLY, startMockModel } from './mock-model.js';

/**
 * A Claude Code session linked to a pull request, resumed into Claude Code: the real CLI reads the
 * `pr-link` record the writer handed back and keeps it (it appends the link again after the new turn,
 * as it does for its own sessions), and capture of the continued file still names the pull request.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binDir = path.join(repo, '.e2e-clis', 'node_modules', '.bin');
const sfsBin = path.join(repo, 'dist', 'bin', 'main.js');
const SOURCE = path.join(
  repo,
  'test/fixtures/claude-code/generated-claude-code-2.1.332/dot-claude/projects/-home-dev-projects-demo-app/a774d2b0-0f2d-4724-b8f9-c03d4b29fa8b.jsonl',
);
const PR = { url: 'https://github.com/acme/demo-app/pull/42', number: 42, repository: 'acme/demo-app' };

test('claude-code → claude-code: the real CLI keeps the pull request link the resumed session carries', async (t) => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sfs-e2e-pr-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const sfsHome = path.join(scratch, 'sfs');
  const home = path.join(scratch, 'home');
  const project = path.join(scratch, 'project');
  mkdirSync(path.join(home, '.tmp'), { recursive: true });
  mkdirSync(project, { recursive: true });
  const store = await Store.open(resolvePaths({ ...process.env, SFS_HOME: sfsHome }));
  let id: string;
  try {
    const cap = await captureSource(store, adapterFor('claude-code')!, { path: SOURCE, style: 'append' }, { home: '/home/dev', platform: 'linux', env: {} });
    id = cap.sessions[0]!;
  } finally {
    await store.close();
  }
  const { stdout } = await promisify(execFile)(process.execPath, [sfsBin, 'resume', id, '--in', 'claude-code', '--no-launch', '--project', project, '--json'], {
    env: { ...process.env, HOME: home, SFS_HOME: sfsHome },
  });
  const w = JSON.parse(stdout).data as { native_id: string; path: string };
  const mock = await startMockModel();
  t.after(() => mock.close());
  const setup = cliSetups(binDir)['claude-code'];
  setup.prepare(home, project, mock.url);
  const env = { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: path.join(home, '.tmp'), TERM: 'dumb', ...setup.env(home, mock.url, '') };
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn(setup.bin, setup.resumeArgs(w.native_id, 'E2E_PR_FOLLOWUP'), { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
  assert.equal(out.code, 0, out.text.slice(-600));
  assert.ok(out.text.includes(REPLY));
  const lines = readFileSync(w.path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const prompt = lines.findIndex((l) => l.type === 'user' && JSON.stringify(l.message).includes('E2E_PR_FOLLOWUP'));
  assert.ok(prompt > 0, 'the CLI appended the new turn to the written file');
  // It re-writes the link as it saves the session, once or more depending on timing: every copy must be ours.
  const again = lines.slice(prompt).filter((l) => l.type === 'pr-link');
  assert.ok(again.length >= 1, 'Claude Code wrote the link again after the resumed turn: it read ours');
  assert.deepEqual(
    [...new Set(again.map((l) => JSON.stringify([l.sessionId, l.prNumber, l.prUrl, l.prRepository])))],
    [JSON.stringify([w.native_id, PR.number, PR.url, PR.repository])],
    'every link it wrote is the one the resumed session carries',
  );
  const read = await adapterFor('claude-code')!.read({ path: w.path, style: 'append' }, null, { home, platform: 'linux', env: {} });
  assert.deepEqual(read.sessions[0]!.header.git?.pull_requests, [PR]);
});
