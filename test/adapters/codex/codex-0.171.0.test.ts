import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/codex/index.js';
import { codexRecords } from '../../../adapters/codex/write-rollout.js';
import { captureSource } from '../../../engine/capture/capture-source.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { loadSourceSession } from '../../../engine/resume/source.js';
import { Store } from '../../../engine/store.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';
import { assertSchemaValid, assertToolsPaired, env, fixtures, readAll, walk } from '../shared/helpers.js';

/** Codex 0.171.0, the newest tested release: its rollouts parse, and a same-tool resume keeps each reasoning item whole. */
const day = path.join(fixtures, 'codex/generated-codex-0.171.0/dot-codex/sessions/2026/12/03');
const main = path.join(day, 'rollout-2026-12-03T10-33-33-01a23b77-740c-7002-aeab-4b993cb3d8bd.jsonl');

type Obj = Record<string, unknown>;
const reasoningItems = (lines: Obj[]) =>
  lines.filter((l) => l.type === 'response_item' && (l.payload as Obj).type === 'reasoning').map((l) => l.payload as Obj);

test('0.171.0: every rollout parses with its tool calls paired; reasoning keeps its id and encrypted payload', async () => {
  const files = await walk(day, (f) => f.endsWith('.jsonl'));
  assert.equal(files.length, 2);
  for (const f of files) {
    const r = await readAll(adapter, f);
    assert.deepEqual(r.problems, [], f);
    for (const s of r.sessions) assertToolsPaired(s.messages);
    await assertSchemaValid('codex', r.sessions, f);
  }
  const s = (await readAll(adapter, main)).sessions[0]!;
  assert.equal(s.header.tool_version, '0.171.0');
  const thinking = s.messages.flatMap((m) => m.content).filter((b) => b.type === 'thinking') as Array<{ signature: string; native_id: string }>;
  assert.equal(thinking.length, 4);
  assert.ok(thinking.every((t) => t.native_id.startsWith('rs_') && t.signature.startsWith('gAAAA')));
});

test('same-tool resume hands Codex 0.171.0 back every reasoning item with its id and its encrypted_content, paired as it wrote them', async (t) => {
  const dir = tempDir(t);
  const store = await Store.open(pathsIn(dir));
  t.after(() => store.close());
  const cap = await captureSource(store, adapter, { path: main, style: 'append' }, env());
  const p = prepareForTarget(loadSourceSession(await store.view(), cap.sessions[0]!), 'codex');
  const written = reasoningItems(codexRecords(p, '01a23b77-0000-7000-8000-000000000001', { cwd: '/w', model: null, title: null, now: new Date() }));
  const original = reasoningItems(
    readFileSync(main, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Obj),
  );
  assert.equal(original.length, 4);
  assert.deepEqual(
    written.map((r) => [r.id, r.encrypted_content]),
    original.map((r) => [r.id, r.encrypted_content]),
  );
});
