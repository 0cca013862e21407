import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resolvePaths } from '../../engine/paths.js';
import { Store } from '../../engine/store.js';
import { fakeHome, type FakeHome } from '../helpers/fake-home.js';

/** The projections' read position and the log's head, read without catching up (opening a store folds nothing). */
async function foldState(h: FakeHome): Promise<{ position: number; head: number }> {
  const store = await Store.open(resolvePaths({ SFS_HOME: h.sfsHome }));
  try {
    return { position: store.projections.position(), head: await store.log.head() };
  } finally {
    await store.close();
  }
}

test('import --all captures every tool once; a second run adds nothing', async (t) => {
  const h = fakeHome(t);
  const first = await h.json(['import', '--all']);
  const byTool = Object.fromEntries(first.tools.map((x: any) => [x.tool, x]));
  assert.equal(byTool['claude-code'].sources, 4);
  assert.equal(byTool.codex.sources, 4);
  assert.equal(first.totals.tools, 2);
  assert.equal(first.totals.sessionsNew, 8);
  assert.ok(first.totals.messagesAdded > 100, `messages added: ${first.totals.messagesAdded}`);
  assert.equal(first.totals.problems, 0);
  assert.equal(byTool.gemini.storeFound, false);

  const listed = await h.json(['list', '--subagents', '--limit', '100']);
  const sessions = listed.sessions ?? listed.items ?? listed;
  assert.equal(sessions.length, 8);

  const second = await h.json(['import', '--all']);
  assert.equal(second.totals.sessionsNew, 0);
  assert.equal(second.totals.messagesAdded, 0);
  assert.equal(second.totals.messagesRevised, 0);
  assert.deepEqual([second.totals.unchanged, second.totals.read], [8, 0], 'nothing changed: no source read');

  const human = await h.run(['import', '--from', 'codex']);
  assert.equal(human.code, 0, human.stderr);
  assert.equal(human.stderr, '', 'no progress bar without a terminal');
  assert.match(human.stdout, /^1 tool, 4 sources \(4 unchanged, 0 read\), 0 new sessions, 0 messages added, 0 problems\n$/);
});

test('import --all returns with the projections caught up: the next command has nothing to fold', async (t) => {
  const h = fakeHome(t, ['claude-code', 'codex', 'gemini', 'copilot']);
  const r = await h.json(['import', '--all']);
  assert.ok(r.totals.messagesAdded > 100);
  const after = await foldState(h);
  assert.ok(after.head > 20, `log head ${after.head}`);
  assert.equal(after.position, after.head, 'no catch-up left for the next command');
  // An import that adds to a populated store catches up too (not only a fresh one).
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const file = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.jsonl'))!,
  );
  const user = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .find((r) => r.type === 'user');
  const line = { ...user, uuid: '0c8c3d1e-7d77-4d1b-9d36-5f0b5d3f9e01', message: { role: 'user', content: [{ type: 'text', text: 'one more prompt' }] } };
  appendFileSync(file, JSON.stringify(line) + '\n');
  const again = await h.json(['import', '--from', 'claude-code']);
  assert.equal(again.totals.messagesAdded, 1);
  const next = await foldState(h);
  assert.ok(next.head > after.head);
  assert.equal(next.position, next.head);
});

test('import --from: a corrupt line is listed with its file and the rest is captured', async (t) => {
  const h = fakeHome(t, ['claude-code']);
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const file = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.jsonl'))!,
  );
  appendFileSync(file, '{"broken json\n');
  const r = await h.run(['import', '--from', 'claude-code']);
  assert.equal(r.code, 1, `exit 1 when something was skipped: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  assert.ok(lines[0]!.startsWith(`problem ${file}:`), lines[0]);
  assert.match(lines[1]!, /^1 tool, 4 sources \(0 unchanged, 4 read\), 4 new sessions, \d+ messages added, 1 problem$/);
  const j = await h.json(['import', '--from', 'claude-code']);
  assert.equal(j.totals.problems, 0, 'the bad line is behind the cursor now');
});

test('import: usage errors', async (t) => {
  const h = fakeHome(t, []);
  for (const args of [['import', '--from', 'codex', '--all'], ['import', 'x.sfs', '--all'], ['import'], ['import', '--from', 'nope']]) {
    const r = await h.run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /\[USAGE\]/);
  }
  const empty = await h.json(['import', '--all']);
  assert.equal(empty.totals.sources, 0);
  assert.equal(empty.totals.tools, 0);
});

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

/** A JSON object nested `depth` levels deep (JSON.parse takes it; anything that recurses over it overflows the stack). */
const deepJson = (depth: number) => `{"type":"user","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** Inserts `line` after the `n`th line of `file`. */
function insertLine(file: string, n: number, line: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(n, 0, line);
  writeFileSync(file, lines.join('\n'));
}

test('import --all: a FIFO and a 100,000-deep line beside good sessions are skipped and named; the rest is imported', async (t) => {
  const tools = ['claude-code', 'gemini', 'copilot'] as const;
  const clean = fakeHome(t, [...tools]);
  const baseline = JSON.parse((await clean.run(['import', '--all', '--json'])).stdout).data;
  assert.equal(baseline.totals.problems, 0);

  const h = fakeHome(t, [...tools]);
  const geminiChats = path.join(h.home, '.gemini', 'tmp', 'demo-app', 'chats');
  const geminiFifo = path.join(geminiChats, 'session-2026-11-25T00-00-deadbeef.jsonl');
  mkfifo(geminiFifo);
  const copilotDir = path.join(h.home, '.copilot', 'session-state', '11111111-2222-3333-4444-555555555555');
  mkdirSync(copilotDir);
  const copilotFifo = path.join(copilotDir, 'events.jsonl');
  mkfifo(copilotFifo);
  const claudeDir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const claudeFile = path.join(
    claudeDir,
    readdirSync(claudeDir).find((f) => f.endsWith('.jsonl'))!,
  );
  insertLine(claudeFile, 2, deepJson(100_000));
  const geminiFile = path.join(
    geminiChats,
    readdirSync(geminiChats).find((f) => f.startsWith('session-') && f.endsWith('.jsonl') && f !== path.basename(geminiFifo))!,
  );
  insertLine(geminiFile, 2, deepJson(100_000));

  const r = await h.run(['import', '--all', '--json'], { timeoutMs: 60_000 });
  assert.notEqual(r.code, 128, 'import hung and was killed');
  assert.equal(r.code, 1, `exit code reflects the problems: ${r.stderr}`);
  const got = JSON.parse(r.stdout).data;
  const problems = got.problems.map((p: any) => `${p.path}${p.where ? `:${p.where}` : ''}: ${p.message}`);
  assert.ok(problems.includes(`${geminiFifo}: cannot read: not a regular file (FIFO)`), problems.join('\n'));
  assert.ok(problems.includes(`${copilotFifo}: cannot read: not a regular file (FIFO)`), problems.join('\n'));
  assert.ok(problems.includes(`${claudeFile}:3: JSON nested deeper than 512 levels, skipped`), problems.join('\n'));
  assert.ok(problems.includes(`${geminiFile}:3: JSON nested deeper than 512 levels, skipped`), problems.join('\n'));
  assert.equal(got.totals.problems, 4, problems.join('\n'));
  // Every good session and message, the ones after the deep lines included.
  assert.equal(got.totals.sessionsNew, baseline.totals.sessionsNew);
  assert.equal(got.totals.messagesAdded, baseline.totals.messagesAdded);

  const human = await h.run(['import', '--all']);
  assert.equal(human.code, 1, 'the FIFOs are still there');
  assert.match(human.stdout, /, 0 new sessions, 0 messages added, 2 problems\n$/);
});

test('import: a line over capture.max_line_bytes is skipped, reported once, and never read again', async (t) => {
  const h = fakeHome(t, ['gemini']);
  assert.equal((await h.run(['config', 'set', 'capture.max_line_bytes', '4096'])).code, 0);
  const chats = path.join(h.home, '.gemini', 'tmp', 'demo-app', 'chats');
  const file = path.join(
    chats,
    readdirSync(chats).find((f) => f.startsWith('session-') && f.endsWith('.jsonl'))!,
  );
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').length;
  appendFileSync(file, `{"type":"user","text":"${'a'.repeat(10 * 1024)}"}\n`);
  const first = await h.run(['import', '--from', 'gemini']);
  assert.equal(first.code, 1, first.stderr);
  assert.ok(first.stdout.includes(`problem ${file}:${lines + 1}: 10.0 KB line over the 4.0 KB limit, skipped\n`), first.stdout);
  const second = await h.run(['import', '--from', 'gemini']);
  assert.equal(second.code, 0, second.stdout);
  assert.match(second.stdout, /, 0 problems\n$/);
});
