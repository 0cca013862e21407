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

/** Old space left sparse, as after the catch-up: many objects promoted, then most of them dropped across every page. */
const SPARSE = `
const v8 = await import('node:v8');
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
let all = [];
for (let i = 0; i < 1.5e6; i++) all.push({ i, s: 'x' + i });
await new Promise((r) => setTimeout(r, 50));
let kept = all.filter((_, i) => i % 8 === 0);
all = null;
const { releaseHeap } = await import(process.env.HEAP);
const runInNewContext = (await import('node:vm')).runInNewContext;
v8.setFlagsFromString('--expose-gc');
runInNewContext('gc')();
const plain = oldSpace();
releaseHeap();
const released = oldSpace();
console.log(JSON.stringify({ plain: plain.space_size, released: released.space_size, used: released.space_used_size, kept: kept.length }));
`;

test('releaseHeap compacts: the old-space pages a plain full collection keeps are given back', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SPARSE], { env: { ...process.env, HEAP }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim()) as { plain: number; released: number; used: number };
  assert.ok(o.released * 2 < o.plain, `old space ${o.plain} after a plain collection, ${o.released} after releaseHeap (${o.used} used)`);
});

/** HeapReleaser's answers in order: released; not grown; grown but too soon; grown and due; just released. */
const RELEASER = `
const { HeapReleaser } = await import(process.env.HEAP);
const r = new HeapReleaser();
const t0 = Date.now();
r.released(t0);
const answers = [r.maybeRelease(t0 + 61_000)];
const grown = [];
for (let i = 0; i < 6e5; i++) grown.push({ i, s: 'y' + i });
answers.push(r.maybeRelease(t0 + 30_000), r.maybeRelease(t0 + 61_000), r.maybeRelease(t0 + 62_000));
console.log(JSON.stringify({ answers, grown: grown.length }));
`;

test('HeapReleaser: releases once the heap grew and a minute passed since the last release, not before', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', RELEASER], { env: { ...process.env, HEAP }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim()) as { answers: boolean[]; grown: number };
  assert.equal(o.answers[0], false, 'not grown');
  assert.equal(o.answers[1], false, 'grown, but released 30 s ago');
  assert.equal(o.answers[2], true);
  assert.equal(o.answers[3], false, 'just released');
  assert.ok(o.grown);
});
