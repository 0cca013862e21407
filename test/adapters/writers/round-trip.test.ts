import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Message } from '../../../engine/model/message.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { RESUME_TARGETS } from '../../../engine/resume/types.js';
import { WRITERS } from '../../../adapters/writers.js';
import { asSource, captureFile, fixtureFiles, fixtures, testEnv } from './fixtures.js';

/** What must survive a round trip: roles, block kinds and text, tool pairing and order (not ids or times). */
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
      if (b.type === 'thinking') return { type: b.type, text: x.text, signature: x.signature ?? null };
      return b;
    }),
  }));
}

for (const tool of RESUME_TARGETS) {
  test(`round trip: every ${tool} fixture → capture → write ${tool} → capture gives the same conversation`, async (t) => {
    const home = mkdtempSync(path.join(tmpdir(), 'sfs-rt-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const env = testEnv(home);
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
        const again = await captureFile(tool, written.path, env);
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
    assert.ok(checked >= 3, `${tool}: ${checked} sessions checked`);
  });
}
