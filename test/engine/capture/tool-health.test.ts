import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { captureSource, cursorKey } from '../../../engine/capture/capture-source.js';
import type { AdapterEnv, CaptureSource, ReadResult, ToolAdapter } from '../../../engine/capture/contract.js';
import { compareVersions, findOnPath, probeInstallation } from '../../../engine/capture/installation.js';
import { toolHealth, UNKNOWN_TYPE_WARN_AFTER } from '../../../engine/capture/tool-health.js';
import { Store } from '../../../engine/store.js';
import { pathsIn, tempDir } from '../../helpers/tmp.js';

/**
 * Silence is impossible (issue 14): every way capture can quietly miss sessions is a warning
 * naming the tool and the file — a tool installed whose store is not where sfs looks, a
 * version newer than tested, a session file that yields nothing, a record type sfs does not know.
 */

const header = (id: string) => ({
  native_id: id,
  native_path: id,
  cwd: null,
  model: null,
  tool_version: null,
  title: null,
  created_at: new Date(0).toISOString(),
});

interface FakeOpts {
  store: string;
  /** Per source path: what each read returns (the last entry repeats). */
  reads: Record<string, Array<Partial<ReadResult>>>;
  install?: (env: AdapterEnv) => ReturnType<ToolAdapter['installation']>;
  newestTested?: string | null;
}

function fakeAdapter(o: FakeOpts): ToolAdapter {
  const passes = new Map<string, number>();
  return {
    tool: 'amp',
    displayName: 'Fake Amp',
    storeDirs: () => [o.store],
    listSources: async () => Object.keys(o.reads).map((p): CaptureSource => ({ path: p, style: 'append' })),
    sourceFor: () => null,
    read: async (source) => {
      const list = o.reads[source.path]!;
      const n = passes.get(source.path) ?? 0;
      passes.set(source.path, n + 1);
      const r = list[Math.min(n, list.length - 1)]!;
      return { sessions: [], problems: [], ...r, cursor: { pass: n + 1 } };
    },
    newestTested: o.newestTested ?? null,
    installation: o.install ?? (() => ({ version: null, versionFrom: null, binary: null, traces: [] })),
  };
}

const session = (id: string) => ({ nativeId: id, header: header(id), messages: [] });

async function openStore(t: Parameters<typeof tempDir>[0]) {
  const store = await Store.open(pathsIn(tempDir(t)));
  t.after(() => store.close());
  return store;
}

test('tool health: a record type sfs does not know, seen more than N times across passes, is a warning naming the file and the type', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'a.jsonl');
  writeFileSync(file, 'x\n');
  const other = path.join(dir, 'b.jsonl');
  writeFileSync(other, 'y\n');
  const adapter = fakeAdapter({
    store: dir,
    reads: {
      [file]: [{ sessions: [session('a')], unknownTypes: { 'turn-v2': 2 } }],
      [other]: [{ sessions: [session('b')], unknownTypes: { rare: 1 } }],
    },
  });
  const store = await openStore(t);
  const env: AdapterEnv = { home: dir, platform: 'linux', env: {} };
  const src = { path: file, style: 'append' as const };
  await captureSource(store, adapter, src, env);
  await captureSource(store, adapter, { path: other, style: 'append' }, env);
  let h = await toolHealth(adapter, env, { log: store.log });
  assert.deepEqual(h.unknown_records, { 'turn-v2': 2, rare: 1 });
  assert.equal(h.warnings.length, 0, 'at or under the threshold it is counted, not a warning');
  // Append-style passes add up: the stored count grows with each pass's new records.
  await captureSource(store, adapter, src, env);
  h = await toolHealth(adapter, env, { log: store.log });
  assert.equal(h.unknown_records['turn-v2'], 4);
  assert.ok(4 > UNKNOWN_TYPE_WARN_AFTER);
  assert.equal(h.warnings.length, 1);
  const w = h.warnings[0]!;
  assert.equal(w.kind, 'unknown-record');
  assert.equal(w.record_type, 'turn-v2');
  assert.equal(w.path, file);
  assert.equal(w.count, 4);
  assert.match(w.message, /4 records of unknown type "turn-v2" in Fake Amp sessions \(most in .*a\.jsonl\)/);
});

test('tool health: a non-empty session file that never yielded a session is a warning naming it; an empty file or a legacy cursor is not', async (t) => {
  const dir = tempDir(t);
  const bad = path.join(dir, 'changed-format.jsonl');
  writeFileSync(bad, '{"kind":"something new"}\n');
  const empty = path.join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  const good = path.join(dir, 'good.jsonl');
  writeFileSync(good, '{}\n');
  const legacy = path.join(dir, 'legacy.jsonl');
  writeFileSync(legacy, '{}\n');
  const adapter = fakeAdapter({
    store: dir,
    reads: {
      [bad]: [{}],
      [empty]: [{}],
      // Yielded once, then nothing new: still fine (sticky).
      [good]: [{ sessions: [session('g')] }, {}],
      [legacy]: [{}],
    },
  });
  const store = await openStore(t);
  const env: AdapterEnv = { home: dir, platform: 'linux', env: {} };
  for (const p of [bad, empty, good, good]) await captureSource(store, adapter, { path: p, style: 'append' }, env);
  // A cursor stored before sfs kept `yielded` says nothing either way.
  await store.log.append({ events: [], cursors: { [cursorKey('amp', legacy)]: { adapter: { pass: 1 }, titles: {} } } });
  const h = await toolHealth(adapter, env, { log: store.log });
  assert.deepEqual(
    h.warnings.map((w) => [w.kind, w.path]),
    [['empty-source', bad]],
  );
  assert.match(h.warnings[0]!.message, /a session file of Fake Amp yielded nothing sfs could read: .*changed-format\.jsonl/);
  assert.equal(h.sources_on_disk, 4);
  assert.equal(h.sources_uncaptured, 0);
});

test('tool health: installed (binary or traces) but no store where sfs looks is a warning naming the tool', async (t) => {
  const dir = tempDir(t);
  const config = path.join(dir, '.fake');
  mkdirSync(config);
  writeFileSync(path.join(config, 'history.jsonl'), '{}\n');
  const adapter = fakeAdapter({
    store: path.join(config, 'projects'),
    reads: {},
    install: (env) => probeInstallation(env, { traces: [path.join(config, 'history.jsonl'), path.join(config, 'absent')] }),
  });
  const env: AdapterEnv = { home: dir, platform: 'linux', env: { PATH: '' } };
  const h = await toolHealth(adapter, env, { log: null });
  assert.equal(h.store_found, false);
  assert.equal(h.warnings.length, 1);
  assert.equal(h.warnings[0]!.kind, 'store-missing');
  assert.match(h.warnings[0]!.message, /^Fake Amp is installed here \(.*history\.jsonl\) but none of its session stores exists \(.*projects\)/);
  // Not installed at all: nothing to say.
  const none = fakeAdapter({ store: path.join(dir, 'nowhere'), reads: {} });
  assert.deepEqual((await toolHealth(none, env, { log: null })).warnings, []);
});

test('installed version: from the npm package.json next to the binary on PATH, or the versioned path of a native install; newer than tested is a warning', async (t) => {
  const dir = tempDir(t);
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // npm: bin/fake -> lib/node_modules/@acme/fake/cli.js, whose package.json holds the version.
  const pkg = path.join(dir, 'lib', 'node_modules', '@acme', 'fake');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@acme/fake', version: '2.10.0' }));
  writeFileSync(path.join(pkg, 'cli.js'), '#!/usr/bin/env node\n');
  chmodSync(path.join(pkg, 'cli.js'), 0o755);
  symlinkSync(path.join(pkg, 'cli.js'), path.join(bin, 'fake'));
  // Native installer: bin/native -> share/native/versions/3.4.5 (the file is the version).
  const versions = path.join(dir, 'share', 'native', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(versions, '3.4.5'), '');
  chmodSync(path.join(versions, '3.4.5'), 0o755);
  symlinkSync(path.join(versions, '3.4.5'), path.join(bin, 'native'));
  const env: AdapterEnv = { home: dir, platform: 'linux', env: { PATH: `${path.join(dir, 'empty')}:${bin}` } };

  assert.equal(findOnPath(['nope', 'fake'], env), path.join(bin, 'fake'));
  const npm = probeInstallation(env, { bins: ['fake'], packages: ['@acme/fake'] });
  assert.deepEqual([npm.version, npm.versionFrom, npm.binary], ['2.10.0', path.join(pkg, 'package.json'), path.join(bin, 'fake')]);
  // A package.json of another name is not trusted.
  assert.equal(probeInstallation(env, { bins: ['fake'], packages: ['@other/fake'] }).version, null);
  assert.equal(probeInstallation(env, { bins: ['native'] }).version, '3.4.5');
  assert.equal(compareVersions('2.10.0', '2.9.9'), 1);
  assert.equal(compareVersions('1.0.102', '1.0.102'), 0);

  const store = path.join(dir, 'store');
  mkdirSync(store);
  const install = (e: AdapterEnv) => probeInstallation(e, { bins: ['fake'], packages: ['@acme/fake'] });
  const newer = await toolHealth(fakeAdapter({ store, reads: {}, install, newestTested: '2.9.0' }), env, { log: null });
  assert.equal(newer.installed_version, '2.10.0');
  assert.deepEqual(
    newer.warnings.map((w) => w.kind),
    ['newer-version'],
  );
  assert.match(newer.warnings[0]!.message, /Fake Amp 2\.10\.0 is installed, newer than 2\.9\.0, the newest version sfs was tested with/);
  const same = await toolHealth(fakeAdapter({ store, reads: {}, install, newestTested: '2.10.0' }), env, { log: null });
  assert.deepEqual(same.warnings, []);
});
