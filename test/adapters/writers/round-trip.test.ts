import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Message } from '../../../engine/model/message.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { RESUME_TARGETS } from '../../../engine/resume/types.js';
import { WRITERS } from '../../../adapters/writers.js';
import { asSource, captureFile, fixtureFiles, fixtures, seedTarget, testEnv } from './fixtures.js';

/** What must survive a round trip: roles, block kinds and text, tool pairing and order, a signed thinking item's own id (not message ids or times). */
/** Codex's function_call_output has no error flag (nor has the Responses API), so it is not compared there. */
function shape(messages: Message[], errorFlag = true): unknown[] {
  return messages.map((m) => ({
    role: m.role,
    content: m.content.map((b) => {
      const x = b as Record<string, unknown>;
      if (b.type === 'tool_result')
        return {
          type: b.type,
          id: x.tool_use_id,
          content: typeof x.content === 'string' ? x.content : JSON.stringify(x.content),
          is_error: errorFlag && x.is_error === true,
        };
      if (b.type === 'tool_use') return { type: b.type, id: x.tool_use_id, name: x.name, input: x.input };
      if (b.type === 'thinking') return { type: b.type, text: x.text, signature: x.signature ?? null, native_id: x.native_id ?? null };
      return b;
    }),
  }));
}

for (const tool of RESUME_TARGETS) {
  test(`round trip: every ${tool} fixture → capture → write ${tool} → capture gives the same conversation`, async (t) => {
    const home = mkdtempSync(path.join(tmpdir(), 'sfs-rt-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const env = testEnv(home);
    seedTarget(tool, home);
    let checked = 0;
    for (const file of fixtureFiles(tool)) {
      for (const s of await captureFile(tool, file)) {
        const src = asSource(tool, s);
        const before = prepareForTarget(src, tool);
        if (!before.messages.some((m) => m.role === 'assistant')) continue; // nothing to resume
        const written = await WRITERS[tool].write(
          before,
          { cwd: '/home/dev/projects/demo-app', model: null, title: src.title, now: new Date('2026-11-24T10:00:00Z') },
          env,
        );
        // A database holds the tool's other sessions too: read back the written one.
        const again = (await captureFile(tool, written.path, env)).filter((x) => x.nativeId === written.nativeId);
        const name = `${path.relative(fixtures, file)} (${s.nativeId})`;
        assert.equal(again.length, 1, `${name}: one session read back`);
        const back = again[0]!;
        assert.equal(back.nativeId, written.nativeId, name);
        for (const m of back.messages) assert.equal(m.unfinished_tool_use_ids, undefined, `${name}: every call has its result`);
        const after = prepareForTarget(asSource(tool, back), tool);
        assert.deepEqual(shape(after.messages, tool !== 'codex'), shape(before.messages, tool !== 'codex'), name);
        assert.equal(after.report.syntheticResults, 0, `${name}: no call lost its result`);
        assert.equal(after.report.injected + after.report.compaction + after.report.apiErrors, 0, `${name}: nothing injected was written`);
        checked++;
      }
    }
    // The Kilo CLI fixture has two sessions with a conversation (the other two hold only API errors).
    assert.ok(checked >= (tool === 'kilo-code' ? 2 : 3), `${tool}: ${checked} sessions checked`);
  });
}

/** The reasoning items of a Codex rollout that carry an encrypted payload: their ids, in order. */
function signedReasoningIds(file: string): string[] {
  const ids: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"reasoning"')) continue;
    const p = (JSON.parse(line) as { payload?: { type?: string; id?: string; encrypted_content?: string | null } }).payload;
    if (p?.type === 'reasoning' && p.encrypted_content && p.id) ids.push(p.id);
  }
  return ids;
}

test('a same-tool Codex resume hands every signed reasoning item back with its own id', async (t) => {
  const home = mkdtempSync(path.join(tmpdir(), 'sfs-rt-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = testEnv(home);
  let checked = 0;
  for (const file of fixtureFiles('codex').filter((f) => f.endsWith('.jsonl'))) {
    const source = signedReasoningIds(file);
    if (!source.length) continue;
    for (const s of await captureFile('codex', file)) {
      const prepared = prepareForTarget(asSource('codex', s), 'codex');
      const written = await WRITERS.codex.write(
        prepared,
        { cwd: '/home/dev/projects/demo-app', model: null, title: null, now: new Date('2026-11-24T10:00:00Z') },
        env,
      );
      assert.deepEqual(signedReasoningIds(written.path), source, path.relative(fixtures, file));
      checked++;
    }
  }
  assert.ok(checked >= 1, `${checked} rollouts with signed reasoning checked`);
});
