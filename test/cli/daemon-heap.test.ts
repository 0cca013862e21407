import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The idle daemon's memory: `sfs daemon run` keeps the young generation small however node was
// started, and a collection after the catch-up gives the emptied heap back. Each case runs in
// its own process, since both change V8 flags for the whole process.
const HEAP = fileURLToPath(new URL('../../cli/daemon/heap.js', import.meta.url));

/** A burst that keeps much of what it allocates for a while, as the catch-up does; prints the new space's size after it. */
const BURST = `
const v8 = await import('node:v8');
let keep = [];
for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 2e5) keep = []; }
keep = null;
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const used = process.memoryUsage().heapUsed;
if (process.env.RELEASE) (await import(process.env.HEAP)).releaseHeap();
console.log(JSON.stringify({ newSpace: newSpace(), usedBefore: used, usedAfter: process.memoryUsage().heapUsed, gcExposed: typeof globalThis.gc }));
`;

interface Burst {
  newSpace: number;
  usedBefore: number;
  usedAfter: number;
  gcExposed: string;
}

function burst(setup: string, env: Record<string, string> = {}): Burst {
  const src = `${setup}\n${BURST}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { env: { ...process.env, HEAP, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as Burst;
}

test('keepYoungGenerationSmall: the young generation does not grow during a burst that keeps what it reads', () => {
  const grown = burst('');
  const kept = burst(`(await import(process.env.HEAP)).keepYoungGenerationSmall();`);
  assert.ok(kept.newSpace * 4 <= grown.newSpace, `new space ${kept.newSpace} with the setting vs ${grown.newSpace} without`);
});

test('releaseHeap runs a full collection without node started with --expose-gc, and leaves no global gc behind', () => {
  const r = burst('', { RELEASE: '1' });
  assert.ok(r.usedAfter * 2 < r.usedBefore, `heap used ${r.usedBefore} → ${r.usedAfter}`);
  assert.equal(r.gcExposed, 'undefined');
});
