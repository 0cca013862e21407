import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AdapterEnv, CaptureSource, ReadResult, ToolAdapter } from '../../../engine/capture/contract.js';
import type { Message } from '../../../engine/model/message.js';
import { check } from '../../../engine/schema/validator.js';

/** Calls `read` and fails the test (with the source named) if anything escapes it. */
export async function safeRead(adapter: ToolAdapter, source: CaptureSource, cursor: unknown, env: AdapterEnv, label = source.path): Promise<ReadResult> {
  let result: ReadResult;
  try {
    result = await adapter.read(source, cursor, env);
  } catch (err) {
    assert.fail(`${adapter.tool}: read threw on ${label}: ${(err as Error)?.stack ?? String(err)}`);
  }
  assert.ok(result && Array.isArray(result.sessions) && Array.isArray(result.problems), `${adapter.tool}: malformed ReadResult for ${label}`);
  for (const p of result.problems) {
    assert.ok(
      typeof p.path === 'string' && p.path !== '' && typeof p.message === 'string' && p.message !== '',
      `${adapter.tool}: problem without path or message for ${label}: ${JSON.stringify(p)}`,
    );
  }
  // The cursor is stored in the log: it must survive JSON.
  assert.doesNotThrow(() => JSON.stringify(result.cursor), `${adapter.tool}: cursor is not JSON-serialisable for ${label}`);
  return result;
}

export function allMessages(r: ReadResult): Message[] {
  return r.sessions.flatMap((s) => s.messages);
}

/** msg ids per native session id, in returned order. */
export function idsBySession(r: ReadResult): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of r.sessions) out.set(s.nativeId, [...(out.get(s.nativeId) ?? []), ...s.messages.map((m) => m.msg_id)]);
  return out;
}

export function duplicateIds(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/** Tool calls with neither a result in the session nor a listing in their message's `unfinished_tool_use_ids`. */
export function unpairedToolCalls(messages: Message[]): string[] {
  const results = new Set<string>();
  const collect = (blocks: unknown): void => {
    if (!Array.isArray(blocks)) return;
    for (const b of blocks) {
      if (b && typeof b === 'object' && (b as { type?: unknown }).type === 'tool_result') {
        results.add(String((b as { tool_use_id?: unknown }).tool_use_id));
        collect((b as { content?: unknown }).content);
      }
    }
  };
  for (const m of messages) collect(m.content);
  const out: string[] = [];
  for (const m of messages) {
    const open = new Set(m.unfinished_tool_use_ids ?? []);
    for (const b of m.content) {
      if (b.type !== 'tool_use') continue;
      const id = (b as { tool_use_id: string }).tool_use_id;
      if (!results.has(id) && !open.has(id)) out.push(`${m.msg_id}:${id}`);
    }
  }
  return out;
}

/** Messages the SessionFS message schema refuses (the engine would skip them). */
export function schemaFailures(messages: Message[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    const problem = check('sfs/message.schema.json', m);
    if (problem) out.push(`${String(m.msg_id)}: ${problem}`);
  }
  return out;
}

/** What a message says, without its identity: for comparing reads of files whose byte offsets moved. */
export function contentSignatures(r: ReadResult): string[] {
  return allMessages(r)
    .map((m) => `${m.role}|${JSON.stringify(m.content)}`)
    .sort();
}

/** True when every element of `small` occurs in `big` at least as often (both sorted). */
export function isSubMultiset(small: string[], big: string[]): string[] {
  const counts = new Map<string, number>();
  for (const s of big) counts.set(s, (counts.get(s) ?? 0) + 1);
  const missing: string[] = [];
  for (const s of small) {
    const n = counts.get(s) ?? 0;
    if (n === 0) missing.push(s.slice(0, 160));
    else counts.set(s, n - 1);
  }
  return missing;
}

/** sha256 of every file under `root` (plus the list of entries), to prove the fixtures were only read. */
export function hashTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        out.set(full + '/', 'dir');
        walk(full);
      } else out.set(full, createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(root);
  return out;
}
