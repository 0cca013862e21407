import assert from 'node:assert/strict';
import { appendFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fakeHome } from '../helpers/fake-home.js';

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

  const human = await h.run(['import', '--from', 'codex']);
  assert.equal(human.code, 0, human.stderr);
  assert.equal(human.stderr, '', 'no progress bar without a terminal');
  assert.match(human.stdout, /^1 tool, 4 sources, 0 new sessions, 0 messages added, 0 problems\n$/);
});

test('import --from: a corrupt line is listed with its file and the rest is captured', async (t) => {
  const h = fakeHome(t, ['claude-code']);
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.jsonl'))!);
  appendFileSync(file, '{"broken json\n');
  const r = await h.run(['import', '--from', 'claude-code']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  assert.ok(lines[0]!.startsWith(`problem ${file}:`), lines[0]);
  assert.match(lines[1]!, /^1 tool, 4 sources, 4 new sessions, \d+ messages added, 1 problem$/);
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
