import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/claude-code/index.js';
import { claudeRecords } from '../../../adapters/claude-code/write-session.js';
import { captureSource } from '../../../engine/capture/capture-source.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { loadSourceSession } from '../../../engine/resume/source.js';
import { Store } from '../../../engine/store.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';
import { assertSchemaValid, assertToolsPaired, env, fixtures, readAll, walk } from '../shared/helpers.js';

/** Claude Code 2.1.332, the newest tested release: its record types, pr-link, and a same-tool resume. */
const gen = path.join(fixtures, 'claude-code/generated-claude-code-2.1.332/dot-claude');
const proj = path.join(gen, 'projects/-home-dev-projects-demo-app');
const main = path.join(proj, 'a774d2b0-0f2d-4724-b8f9-c03d4b29fa8b.jsonl');
const tui = path.join(proj, '87349122-8647-4ff1-b9da-599ab8262ad9.jsonl');
const PR = { url: 'https://github.com/acme/demo-app/pull/42', number: 42, repository: 'acme/demo-app' };

test('2.1.332: the main session carries its PR link, signed thinking, attachments and compaction; every record type is captured or counted as skipped', async () => {
  const r = await readAll(adapter, main);
  assert.deepEqual(r.problems, []);
  const s = r.sessions[0]!;
  assert.equal(s.header.tool_version, '2.1.332');
  assert.deepEqual(s.header.git, { branch: 'feature/demo', pull_requests: [PR] });
  assertToolsPaired(s.messages);
  await assertSchemaValid('claude-code', r.sessions, main);
  const blocks = s.messages.flatMap((m) => m.content);
  // display "omitted": the thinking text is empty, the signature is what a resume must hand back
  const thinking = blocks.filter((b) => b.type === 'thinking') as Array<{ text: string; signature: string }>;
  assert.ok(thinking.length >= 3 && thinking.every((t) => t.text === '' && t.signature.endsWith('mocksig')));
  assert.ok(s.messages.some((m) => m.is_compaction));
  assert.ok(s.messages.some((m) => m.content.some((b) => b.type === 'attachment') && m.is_injected));
  assert.deepEqual(r.records?.unknown, {});
  for (const t of ['api-request', 'api-request-blob', 'api-request-shape', 'last-prompt', 'queue-operation', 'cost-state', 'tools-used', 'atis-latch', 'mode'])
    assert.ok((r.records?.skipped[t] ?? 0) > 0, `${t} counted as skipped`);
});

test('2.1.332: no record type in any file of the release is unknown to the adapter', async () => {
  const files = await walk(gen, (f) => f.endsWith('.jsonl'));
  assert.equal(files.length, 4);
  for (const f of files) {
    const r = await readAll(adapter, f);
    assert.deepEqual(r.problems, [], f);
    assert.deepEqual(r.records?.unknown, {}, f);
    assert.equal(r.sessions.length, 1, f);
  }
});

test('2.1.332 interactive: the custom-title.json sidecar names the session, over the transcript, and its change re-reads the transcript', async (t) => {
  const r = await readAll(adapter, tui);
  const s = r.sessions[0]!;
  assert.equal(s.header.title, 'demo-inspection');
  assert.equal(s.header.interface, 'cli');
  assert.deepEqual(r.records?.unknown, {});
  assert.ok((r.records?.skipped['permission-mode'] ?? 0) > 0 && (r.records?.skipped['file-history-snapshot'] ?? 0) > 0);
  const shown = s.messages.flatMap((m) => m.content).filter((b) => b.type === 'thinking') as Array<{ text: string; signature: string }>;
  assert.ok(shown.length >= 3 && shown.every((b) => b.text.length > 0 && b.signature)); // display "updates": the text is kept
  // A copy whose sidecar says otherwise (a rename not appended to the transcript): the sidecar wins.
  const root = tempDir(t);
  const dir = path.join(root, 'projects', '-w');
  mkdirSync(dir, { recursive: true });
  const copy = path.join(dir, path.basename(tui));
  const text = readFileSync(tui, 'utf8');
  writeFileSync(copy, text);
  const sidecar = path.join(dir, '87349122-8647-4ff1-b9da-599ab8262ad9', 'custom-title.json');
  mkdirSync(path.dirname(sidecar));
  writeFileSync(sidecar, JSON.stringify({ customTitle: 'renamed elsewhere', by: 'peer', at: '2026-12-03T11:00:00.000Z' }));
  assert.equal((await readAll(adapter, copy)).sessions[0]!.header.title, 'renamed elsewhere');
  assert.deepEqual(adapter.stampPaths!({ path: copy, style: 'append' }, env()), [copy, sidecar]);
  assert.deepEqual(adapter.sourceFor(sidecar, env({ CLAUDE_CONFIG_DIR: root })), { path: copy, style: 'append' });
  // Without the sidecar and the custom-title record, the generated title (ai-title) names it.
  writeFileSync(sidecar, 'not json');
  writeFileSync(
    copy,
    text
      .split('\n')
      .filter((l) => !l.includes('"type":"custom-title"'))
      .join('\n'),
  );
  assert.equal((await readAll(adapter, copy)).sessions[0]!.header.title, 'Inspect the demo project');
});

test('a record type the adapter does not know is counted, never a crash, and the conversation is still read', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'b1b2b3b4-0000-4000-8000-000000000001.jsonl');
  const line = (o: object) => JSON.stringify(o) + '\n';
  writeFileSync(
    file,
    line({ type: 'user', uuid: 'u1', parentUuid: null, sessionId: 'b1', message: { role: 'user', content: 'hi' } }) +
      line({ type: 'brand-new-thing', sessionId: 'b1', x: 1 }) +
      line({ type: 'brand-new-thing', sessionId: 'b1', x: 2 }) +
      line({ type: 'pr-link', sessionId: 'b1', prNumber: 'not a number', prUrl: 'javascript:alert(1)', prRepository: 'a/b' }),
  );
  const r = await readAll(adapter, file);
  assert.deepEqual(r.records, { skipped: {}, unknown: { 'brand-new-thing': 2 } });
  assert.equal(r.sessions[0]!.messages.length, 1);
  assert.equal(r.sessions[0]!.header.git, null, 'a pr-link without an http(s) URL is ignored');
});

test('a transcript nested as <id>/<id>.jsonl is listed beside flat ones and sub-agents', async (t) => {
  const root = tempDir(t);
  const p = path.join(root, 'projects', '-w');
  const id = 'c1c2c3c4-0000-4000-8000-000000000002';
  mkdirSync(path.join(p, id, 'subagents'), { recursive: true });
  writeFileSync(path.join(p, id, `${id}.jsonl`), '');
  writeFileSync(path.join(p, id, 'subagents', 'agent-a1.jsonl'), '');
  writeFileSync(path.join(p, id, 'notes.jsonl'), ''); // not the session's own name: not a transcript
  const sources = await adapter.listSources(env({ CLAUDE_CONFIG_DIR: root }));
  assert.deepEqual(
    sources.map((s) => path.relative(p, s.path)),
    [`${id}/${id}.jsonl`, `${id}/subagents/agent-a1.jsonl`],
  );
});

test('same-tool resume hands Claude Code back its signed thinking, its PR link and the last prompt', async (t) => {
  const dir = tempDir(t);
  const store = await Store.open(pathsIn(dir));
  t.after(() => store.close());
  const cap = await captureSource(store, adapter, { path: main, style: 'append' }, env());
  const src = loadSourceSession(await store.view(), cap.sessions[0]!);
  assert.deepEqual(src.pullRequests, [PR]);
  const p = prepareForTarget(src, 'claude-code');
  const records = claudeRecords(p, 'd1d2d3d4-0000-4000-8000-000000000003', { cwd: '/w', model: null, title: 'T', now: new Date('2026-12-03T00:00:00Z') });
  const byType = (t: string) => records.filter((r) => r.type === t);
  assert.deepEqual(
    byType('pr-link').map((r) => [r.sessionId, r.prNumber, r.prUrl, r.prRepository]),
    [['d1d2d3d4-0000-4000-8000-000000000003', 42, PR.url, PR.repository]],
  );
  const last = byType('last-prompt')[0]!;
  const chain = records.filter((r) => r.type === 'user' || r.type === 'assistant');
  assert.equal(last.leafUuid, chain.at(-1)!.uuid);
  assert.equal(last.lastPrompt, 'What did we do so far?');
  type Block = { type: string; signature?: string };
  const written = chain
    .flatMap((r) => {
      const c = (r.message as { content: Block[] | string }).content;
      return typeof c === 'string' ? [] : c;
    })
    .filter((b) => b.type === 'thinking');
  const original: string[] = readFileSync(main, 'utf8').match(/EuYBCkQYAiJA[A-Za-z0-9+/=]*mocksig/g) ?? [];
  assert.ok(written.length >= 3);
  for (const b of written) assert.ok(original.includes(b.signature!), 'a signature Claude Code wrote itself');
  // Reading the written transcript gives the link back: capture of the resumed session keeps it.
  const out = path.join(dir, 'd1d2d3d4-0000-4000-8000-000000000003.jsonl');
  writeFileSync(out, records.map((r) => JSON.stringify(r) + '\n').join(''));
  assert.deepEqual((await readAll(adapter, out)).sessions[0]!.header.git?.pull_requests, [PR]);
});
