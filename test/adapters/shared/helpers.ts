import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterEnv, ReadResult, ToolAdapter } from '../../../engine/capture/contract.js';
import type { Message } from '../../../engine/model/message.js';

/** Test helpers every adapter's tests may use (test/adapters/<tool>/ imports these, never another tool's helpers). */
const here = path.dirname(fileURLToPath(import.meta.url));
// dist/test/adapters/shared → repository root
export const repoRoot = path.resolve(here, '..', '..', '..', '..');
export const fixtures = path.resolve(repoRoot, 'test/fixtures');
export const srcTestDir = (tool: string) => path.join(repoRoot, 'test', 'adapters', tool);

export const env = (extra: NodeJS.ProcessEnv = {}, platform: NodeJS.Platform = 'linux', home = '/home/dev'): AdapterEnv => ({ home, platform, env: extra });

export async function walk(dir: string, pred: (f: string) => boolean, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, pred, out);
    else if (pred(full)) out.push(full);
  }
  return out.sort();
}

export const tmp = () => mkdtemp(path.join(tmpdir(), 'sfs-adapter-'));

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes files (JSON values are serialised; strings and Buffers written as they are). */
export function writeTree(root: string, files: Record<string, unknown>): void {
  for (const [rel, value] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
  }
}

export async function readAll(adapter: ToolAdapter, file: string, cursor: unknown = null): Promise<ReadResult> {
  return adapter.read({ path: file, style: file.endsWith('.zst') ? 'rewrite' : 'append' }, cursor, env());
}

/** Latest revision per msg_id, in first-seen order. */
export function merge(...results: ReadResult[]): Message[] {
  const byId = new Map<string, Message>();
  for (const r of results) for (const s of r.sessions) for (const m of s.messages) byId.set(m.msg_id, m);
  return [...byId.values()];
}

/** Reads a copy of `file` cut at `cut` bytes (mid-line), then the rest from the cursor. */
export async function readInHalves(
  adapter: ToolAdapter,
  file: string,
  cut: number,
  name = path.basename(file),
): Promise<{ first: ReadResult; second: ReadResult }> {
  const dir = await tmp();
  const copy = path.join(dir, name);
  const bytes = await readFile(file);
  await writeFile(copy, bytes.subarray(0, cut));
  const first = await readAll(adapter, copy);
  await appendFile(copy, bytes.subarray(cut));
  const second = await readAll(adapter, copy, first.cursor);
  return { first, second };
}

export function assertSameMessages(whole: ReadResult, parts: ReadResult[]): void {
  const a = merge(whole);
  const b = merge(...parts);
  const order = (ms: Message[]) => [...ms].sort((x, y) => (x.msg_id < y.msg_id ? -1 : 1));
  assert.deepEqual(order(b), order(a));
}

/** Every tool call has a result in the session or is listed as unfinished. */
export function assertToolsPaired(messages: Message[]): void {
  const results = new Set<string>();
  for (const m of messages) for (const b of m.content) if (b.type === 'tool_result') results.add(b.tool_use_id as string);
  for (const m of messages) {
    for (const b of m.content) {
      if (b.type !== 'tool_use') continue;
      const id = b.tool_use_id as string;
      assert.ok(results.has(id) || (m.unfinished_tool_use_ids ?? []).includes(id), `tool call ${id} has no result`);
    }
  }
}

export function usageTotals(messages: Message[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const m of messages) for (const [k, v] of Object.entries(m.usage ?? {})) t[k] = (t[k] ?? 0) + (v ?? 0);
  return t;
}

/** Bad inputs that must never throw: returns the results. */
export async function badInputs(adapter: ToolAdapter, name: string, goodLine: string): Promise<ReadResult[]> {
  const dir = await tmp();
  const out: ReadResult[] = [];
  const f = (n: string) => path.join(dir, n.replace('NAME', name));
  await writeFile(f('empty-NAME'), '');
  await writeFile(
    f('garbage-NAME'),
    `not json\n{"unterminated": \n[1,2,3]\n"str"\n${goodLine}\n{"type":"user","uuid":"x","message":{"content":"\\ud800 lone"}}\n`,
  );
  await writeFile(
    f('utf8-NAME'),
    Buffer.concat([Buffer.from(goodLine + '\n'), Buffer.from([0xff, 0xfe, 0x80, 0x0a]), Buffer.from('{"type":"\xff"}\n', 'latin1')]),
  );
  await writeFile(f('partial-NAME'), goodLine + '\n' + goodLine.slice(0, 20));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(f('dir-NAME'));
  for (const n of ['empty-NAME', 'garbage-NAME', 'utf8-NAME', 'partial-NAME', 'dir-NAME', 'missing-NAME']) {
    out.push(await readAll(adapter, f(n)));
  }
  return out;
}

/** Messages and headers satisfy the SessionFS schemas the engine validates events with. */
export async function assertSchemaValid(tool: string, sessions: ReadResult['sessions'], where: string): Promise<void> {
  const { check } = await import('../../../engine/schema/validator.js');
  for (const s of sessions) {
    const h = check('events/session.discovered.schema.json', { ...s.header, tool, via: 'capture' });
    assert.equal(h, null, `${where}: header ${h}`);
    for (const m of s.messages) {
      const p = check('sfs/message.schema.json', m);
      assert.equal(p, null, `${where}: ${m.msg_id} ${p}`);
    }
  }
}
