import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { captureSource } from '../../../engine/capture/capture-source.js';
import { resumeInto } from '../../../engine/ops/resume.js';
import { resumedFrom, resumedInto } from '../../../engine/queries/resume-lineage.js';
import { getSessionDetail } from '../../../engine/queries/sessions.js';
import { Store } from '../../../engine/store.js';
import { adapterFor } from '../../../adapters/index.js';
import { WRITERS } from '../../../adapters/writers.js';
import { fixtures, testEnv } from '../../adapters/writers/fixtures.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';

const CLAUDE = path.join(
  fixtures,
  'claude-code/generated-claude-code-2.1.197/dot-claude/projects/-home-dev-projects-demo-app/54966ca3-cfa7-46f3-97ab-335ba9fada5a.jsonl',
);

test('resume: writes the native session, records lineage, and capture of the written file continues that session', async (t) => {
  const dir = tempDir(t);
  const home = path.join(dir, 'home');
  const project = path.join(dir, 'proj');
  mkdirSync(project, { recursive: true });
  // A Codex home that already has its state database: the writer must add the threads row.
  mkdirSync(path.join(home, '.codex'), { recursive: true });
  copyFileSync(path.join(fixtures, 'codex/generated-codex-0.169.0/dot-codex/state_5.sqlite'), path.join(home, '.codex/state_5.sqlite'));
  const store = await Store.open(pathsIn(dir));
  t.after(() => store.close());
  const env = testEnv(home);
  const cap = await captureSource(store, adapterFor('claude-code')!, { path: CLAUDE, style: 'append' }, testEnv('/home/dev'));
  const sourceId = cap.sessions[0]!;

  const r = await resumeInto(store, {
    sessionId: sourceId,
    target: 'codex',
    fallbackCwd: project,
    env,
    writerFor: (x) => WRITERS[x],
    adapterFor: (x) => adapterFor(x)!,
    now: new Date('2026-11-25T08:00:00Z'),
  });
  assert.equal(r.projectFallback, '/home/dev/projects/demo-app', 'the recorded cwd does not exist here');
  assert.equal(r.written.cwd, project);
  assert.ok(existsSync(r.written.path));
  assert.ok(r.capture.messagesAdded > 0);
  assert.deepEqual(r.capture.sessions, [r.session]);

  const db = await store.view();
  // It continues from the last message of the source (the fixture's final assistant line).
  assert.deepEqual(resumedFrom(db, r.session), { from: sourceId, at_msg: '19b481b9-89f5-4228-84ca-30f31ec5f4a8' });
  assert.deepEqual(resumedInto(db, sourceId), [{ id: r.session, tool: 'codex' }]);
  const before = getSessionDetail(db, r.session);
  assert.equal(before.tool, 'codex');
  assert.equal(before.cwd, project);

  const row = new Database(path.join(home, '.codex/state_5.sqlite'), { readonly: true })
    .prepare('SELECT rollout_path, cwd, source, title FROM threads WHERE id = ?')
    .get(r.written.nativeId) as Record<string, string>;
  assert.deepEqual(row, { rollout_path: r.written.path, cwd: project, source: 'cli', title: before.title });

  // The tool appends its new turn to the same file; capture continues the same SessionFS session.
  appendFileSync(
    r.written.path,
    JSON.stringify({
      timestamp: '2026-11-25T08:01:00Z',
      type: 'response_item',
      payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'continued in codex' }] },
    }) + '\n',
  );
  const again = await captureSource(store, adapterFor('codex')!, { path: r.written.path, style: 'append' }, env);
  assert.deepEqual(again.sessions, [r.session]);
  assert.equal(again.messagesAdded, 1);
  const after = getSessionDetail(await store.view(), r.session);
  assert.equal(after.message_count, before.message_count + 1);
  assert.equal(resumedFrom(await store.view(), r.session)!.from, sourceId);
});

test('resume: a capture-only source needs --in; an unknown target is refused', async (t) => {
  const dir = tempDir(t);
  const store = await Store.open(pathsIn(dir));
  t.after(() => store.close());
  const amp = path.join(fixtures, 'amp/public/Dicklesworthstone-cross_agent_session_resumer/T-aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.json');
  const cap = await captureSource(store, adapterFor('amp')!, { path: amp, style: 'rewrite' }, testEnv('/home/dev'));
  const base = {
    sessionId: cap.sessions[0]!,
    fallbackCwd: dir,
    env: testEnv(path.join(dir, 'home')),
    writerFor: (x: 'codex') => WRITERS[x],
    adapterFor: (x: 'codex') => adapterFor(x)!,
  };
  await assert.rejects(resumeInto(store, base), (e: Error & { code?: string }) => e.code === 'USAGE' && /capture-only/.test(e.message));
  await assert.rejects(resumeInto(store, { ...base, target: 'cursor' }), (e: Error & { code?: string }) => e.code === 'USAGE');
  const ok = await resumeInto(store, { ...base, target: 'gemini' });
  assert.equal(ok.target, 'gemini');
});
