import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { adapterFor } from '../../../adapters/index.js';
import { captureAll } from '../../../engine/capture/capture-all.js';
import type { AdapterEnv, CaptureSource, ToolAdapter } from '../../../engine/capture/contract.js';
import { Store } from '../../../engine/store.js';
import { logDir } from '../../../engine/paths.js';
import { readStampCopy, readToolDigests, stampCopyFile, writeStampCopy } from '../../../engine/capture/stamp-copy.js';
import { unchangedSplit } from '../../../engine/capture/source-stamp.js';
import { fakeHome } from '../../helpers/fake-home.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';

/**
 * "Nothing changed → nothing read": a source whose stamped files (identity, size, mtime,
 * ctime) are as at its last complete read is not opened by a capture pass; any change to
 * one of them makes the next pass read it.
 */
const envFor = (home: string): AdapterEnv => ({ home, platform: 'linux', env: {} });

/** The adapter with every read recorded (the path it was asked to read). */
function spied(adapter: ToolAdapter): { adapter: ToolAdapter; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    adapter: {
      ...adapter,
      read: (source, cursor, env, opts) => {
        reads.push(source.path);
        return adapter.read(source, cursor, env, opts);
      },
    },
  };
}

async function claudeSetup(t: Parameters<typeof fakeHome>[0]) {
  const h = fakeHome(t, ['claude-code']);
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dir, f));
  const spy = spied(adapterFor('claude-code')!);
  const env = envFor(h.home);
  const pass = async () => {
    spy.reads.length = 0;
    const r = await captureAll(store, [spy.adapter], env);
    return { r, reads: [...spy.reads] };
  };
  return { store, files, pass, env };
}

test('unchanged sources: a second pass opens none and says so; a third does the same', async (t) => {
  const { pass } = await claudeSetup(t);
  const first = await pass();
  assert.equal(first.r.totals.unchanged, 0);
  assert.equal(first.reads.length, first.r.totals.sources);
  assert.ok(first.r.totals.sources >= 4);
  for (let i = 0; i < 2; i++) {
    const again = await pass();
    assert.deepEqual(again.reads, [], 'no source read');
    assert.deepEqual([again.r.totals.unchanged, again.r.totals.read, again.r.totals.sources], [first.r.totals.sources, 0, first.r.totals.sources]);
    assert.equal(again.r.tools[0]!.unchanged, first.r.totals.sources);
  }
});

test('unchanged sources: a grown file is read, and its new line captured', async (t) => {
  const { files, pass } = await claudeSetup(t);
  await pass();
  const file = files[0]!;
  const lines = (await import('node:fs')).readFileSync(file, 'utf8').trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]!);
  const user = lines.map((l) => JSON.parse(l)).find((r) => r.type === 'user');
  appendFileSync(
    file,
    JSON.stringify({ ...user, uuid: '11111111-2222-4333-8444-555555555555', parentUuid: last.uuid, message: { role: 'user', content: 'grown' } }) + '\n',
  );
  const r = await pass();
  assert.deepEqual(r.reads, [file]);
  assert.equal(r.r.totals.messagesAdded, 1);
  assert.deepEqual(r.reads, [file]);
  assert.deepEqual((await pass()).reads, [], 'and after that it is unchanged again');
});

test('unchanged sources: a file replaced by a copy (same size and mtime, new inode) is read', async (t) => {
  const { files, pass } = await claudeSetup(t);
  const file = files[1]!;
  utimesSync(file, 1_700_000_000, 1_700_000_000); // whole seconds, so the copy can carry exactly the same mtime
  await pass();
  const before = statSync(file);
  copyFileSync(file, file + '.tmp');
  utimesSync(file + '.tmp', before.atime, before.mtime);
  renameSync(file + '.tmp', file);
  const after = statSync(file);
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.notEqual(after.ino, before.ino);
  assert.deepEqual((await pass()).reads, [file]);
});

test('unchanged sources: a touched file (mtime only) is read', async (t) => {
  const { files, pass } = await claudeSetup(t);
  await pass();
  const file = files[2]!;
  const st = statSync(file);
  utimesSync(file, st.atime, new Date(st.mtimeMs + 5000));
  const r = await pass();
  assert.deepEqual(r.reads, [file]);
  assert.equal(r.r.totals.messagesAdded, 0, 'nothing new in it');
});

test('unchanged sources: a sidecar the read depends on (Copilot workspace.yaml) counts as a change', async (t) => {
  const h = fakeHome(t, ['copilot']);
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const spy = spied(adapterFor('copilot')!);
  const env = envFor(h.home);
  await captureAll(store, [spy.adapter], env);
  spy.reads.length = 0;
  await captureAll(store, [spy.adapter], env);
  assert.deepEqual(spy.reads, []);
  const events = spy.adapter.listSources(env).then((s) => s.find((x) => x.path.endsWith('events.jsonl'))!.path);
  const ws = path.join(path.dirname(await events), 'workspace.yaml');
  appendFileSync(ws, '\n');
  await captureAll(store, [spy.adapter], env);
  assert.deepEqual(spy.reads, [await events]);
});

/** A directory source (like a Cline task folder): one session per folder, read whole. */
function folderAdapter(root: string, reads: string[], problemIn?: string): ToolAdapter {
  return {
    tool: 'roo-code',
    displayName: 'Folders',
    storeDirs: () => [root],
    newestTested: null,
    installation: () => ({ version: null, versionFrom: null, binary: null, traces: [] }),
    listSources: async () => readdirSync(root).map((n): CaptureSource => ({ path: path.join(root, n), style: 'rewrite' })),
    sourceFor: () => null,
    stampPaths: (source) => [source.path],
    read: async (source, cursor) => {
      reads.push(source.path);
      const id = path.basename(source.path);
      const header = {
        native_id: id,
        native_path: source.path,
        cwd: null,
        model: null,
        tool_version: null,
        title: null,
        created_at: new Date(0).toISOString(),
      };
      const messages = readdirSync(source.path)
        .sort()
        .map((n, i) => ({
          msg_id: n,
          parent_msg_id: i ? 'x' : null,
          role: 'user' as const,
          content: [{ type: 'text' as const, text: n }],
          timestamp: null,
        }));
      const problems = source.path === problemIn ? [{ path: source.path, message: 'a file could not be read' }] : [];
      return { sessions: [{ nativeId: id, header, messages }], cursor: cursor ?? 1, problems };
    },
  };
}

test('unchanged sources: a directory source is read again when a file in it changes, not otherwise', async (t) => {
  const root = tempDir(t);
  for (const d of ['a', 'b']) {
    mkdirSync(path.join(root, d));
    writeFileSync(path.join(root, d, 'one.json'), '1');
  }
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const reads: string[] = [];
  const adapter = folderAdapter(root, reads);
  const env = envFor(root);
  await captureAll(store, [adapter], env);
  assert.equal(reads.length, 2);
  reads.length = 0;
  await captureAll(store, [adapter], env);
  assert.deepEqual(reads, []);
  // Same size, later mtime, inside the folder: the folder's own mtime does not move.
  const f = path.join(root, 'b', 'one.json');
  writeFileSync(f, '2');
  utimesSync(f, new Date(), new Date(Date.now() + 5000));
  await captureAll(store, [adapter], env);
  assert.deepEqual(reads, [path.join(root, 'b')]);
});

test('unchanged sources: a pass that reported a problem is not stamped, so the source is read again', async (t) => {
  const root = tempDir(t);
  mkdirSync(path.join(root, 'a'));
  writeFileSync(path.join(root, 'a', 'one.json'), '1');
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  const reads: string[] = [];
  const env = envFor(root);
  const bad = folderAdapter(root, reads, path.join(root, 'a'));
  const first = await captureAll(store, [bad], env);
  assert.equal(first.totals.problems, 1);
  const again = await captureAll(store, [bad], env);
  assert.equal(again.totals.problems, 1, 'reported again: the source was read again');
  assert.equal(reads.length, 2);
  reads.length = 0;
  await captureAll(store, [folderAdapter(root, reads)], env);
  await captureAll(store, [folderAdapter(root, reads)], env);
  assert.equal(reads.length, 1, 'once clean, it is stamped');
});

/** The store with every call its capture pass makes to the log counted, by method. */
function countingLog(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const log = new Proxy(store.log, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: Object.create(store, { log: { value: log } }) as Store, calls };
}

test('unchanged sources: a pass with nothing changed compares against the stamp copy and never asks the log', async (t) => {
  const { store, pass, files, env } = await claudeSetup(t);
  await pass();
  assert.ok(readStampCopy(store.paths).size >= files.length, 'the first pass copied the stamps it stored');
  const spy = spied(adapterFor('claude-code')!);
  const counted = countingLog(store);
  const again = await captureAll(counted.store, [spy.adapter], env);
  assert.equal(again.totals.unchanged, again.totals.sources);
  assert.deepEqual(spy.reads, []);
  assert.deepEqual([...counted.calls.keys()], [], 'no log call at all');
});

test('unchanged sources: a stale or damaged stamp copy only sends the pass to the log, which decides', async (t) => {
  const { store, pass, files } = await claudeSetup(t);
  const first = await pass();
  const copyFile = stampCopyFile(store.paths);
  // Stale: every entry says something else; the log still has the right stamps, so nothing is read.
  const stale = new Map([...readStampCopy(store.paths)].map(([k, v]) => [k, `${v}-old`]));
  writeStampCopy(store.paths, stale);
  const r1 = await pass();
  assert.deepEqual(r1.reads, []);
  assert.equal(r1.r.totals.unchanged, first.r.totals.sources);
  assert.ok(
    [...readStampCopy(store.paths).values()].every((v) => !v.endsWith('-old')),
    'the copy now has the log’s stamps',
  );
  // Damaged: read as empty.
  writeFileSync(copyFile, '{"v":1,"stamps":[["x"');
  assert.equal(readStampCopy(store.paths).size, 0);
  assert.deepEqual((await pass()).reads, []);
  // A copy that vouches for a file which has changed since does not hide the change.
  const file = files[0]!;
  const st = statSync(file);
  utimesSync(file, st.atime, new Date(st.mtimeMs + 5000));
  assert.deepEqual((await pass()).reads, [file]);
  assert.deepEqual((await pass()).reads, [], 'and its new stamp is copied');
});

test('unchanged sources: the stamp copy lives in the log folder, so a fresh log is not told sources are captured', async (t) => {
  const { store, env } = await claudeSetup(t);
  const spy = spied(adapterFor('claude-code')!);
  await captureAll(store, [spy.adapter], env);
  assert.equal(path.dirname(stampCopyFile(store.paths)), logDir(store.paths));
  // Another store (its own log) with the same sources: nothing vouched for, everything read.
  const other = await Store.open(pathsIn(tempDir(t)));
  t.after(() => other.close());
  spy.reads.length = 0;
  const r = await captureAll(other, [spy.adapter], env);
  assert.equal(r.totals.unchanged, 0);
  assert.equal(spy.reads.length, r.totals.sources);
});

test('unchanged sources: once a pass finds a tool all unchanged, the next knows it from the tool’s digest without the copy or the log', async (t) => {
  const { store, pass, files, env } = await claudeSetup(t);
  await pass();
  const adapter = adapterFor('claude-code')!;
  const split = async (s: Store = store) =>
    unchangedSplit(
      s,
      (await adapter.listSources(env)).map((source) => ({ adapter, source })),
      env,
    );
  const second = await split();
  assert.equal(second.changed.length, 0);
  assert.equal(second.byDigest, 0, 'compared with the copy, and the digest recorded');
  assert.ok(readToolDigests(store.paths)['claude-code']);
  // The copy damaged: only the digest can vouch without asking the log.
  writeFileSync(stampCopyFile(store.paths), '{"v":1,"stamps":[["x"');
  const counted = countingLog(store);
  const third = await split(counted.store);
  assert.deepEqual([third.changed.length, third.byDigest], [0, third.unchanged.length]);
  assert.deepEqual([...counted.calls.keys()], [], 'no log call at all');
  // A changed file breaks the digest: it is read, and the digest is dropped until a pass finds the tool unchanged again.
  const file = files[0]!;
  const st = statSync(file);
  utimesSync(file, st.atime, new Date(st.mtimeMs + 5000));
  const r = await pass();
  assert.deepEqual(r.reads, [file]);
  assert.equal(readToolDigests(store.paths)['claude-code'], undefined);
  assert.deepEqual((await pass()).reads, []);
  assert.equal((await split()).byDigest, third.unchanged.length);
  // A source that appears breaks it too.
  copyFileSync(file, path.join(path.dirname(file), '00000000-1111-4222-8333-444444444444.jsonl'));
  const grown = await split();
  assert.equal(grown.byDigest, 0);
  assert.equal(grown.changed.length, 1);
});
