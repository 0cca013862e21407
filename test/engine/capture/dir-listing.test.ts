import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ADAPTERS } from '../../../adapters/index.js';
import { writeNativeCorpus } from '../../../bench/native-corpus.js';
import { DirListing, withListing } from '../../../engine/capture/dir-listing.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { sourceStamp } from '../../../engine/capture/source-stamp.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * One capture pass lists each directory once (dir-listing.ts): the listing saves system calls,
 * and must never change what a source's stamp says.
 */

test('dir listing: a stamp taken with the pass listing equals one taken without, for every source of every tool', async (t) => {
  const home = path.join(tempDir(t), 'home');
  mkdirSync(home);
  writeNativeCorpus(home, 40);
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const scan = withListing(env);
  let compared = 0;
  const tools = new Set<string>();
  for (const adapter of ADAPTERS) {
    const sources = await adapter.listSources(scan);
    const plain = await adapter.listSources(env);
    assert.deepEqual(sources, plain, `${adapter.tool}: the same sources listed either way`);
    for (const source of sources) {
      const withIt = sourceStamp(adapter, source, scan, new Map());
      const without = sourceStamp(adapter, source, env);
      assert.equal(withIt, without, `${adapter.tool} ${source.path}`);
      if (withIt !== null) {
        compared++;
        tools.add(adapter.tool);
      }
    }
  }
  assert.ok(compared >= 30, `compared ${compared} stamps`);
  // Directory sources (task folders), optional sidecars that are absent, and plain files all took part.
  for (const tool of ['claude-code', 'codex', 'gemini', 'copilot', 'cline', 'roo-code', 'kilo-code', 'amp']) assert.ok(tools.has(tool), tool);
});

test('dir listing: kindOf tells absent, directory and file from the listings taken, and nothing it was not shown', (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(path.join(dir, 'a', 'f.json'), '{}');
  symlinkSync(path.join(dir, 'a', 'b'), path.join(dir, 'a', 'link'));
  const listing = new DirListing();
  assert.equal(listing.kindOf(path.join(dir, 'a', 'f.json')), undefined, 'nothing listed yet: unknown');
  listing.list(path.join(dir, 'a'));
  assert.equal(listing.kindOf(path.join(dir, 'a', 'f.json')), 'file');
  assert.equal(listing.kindOf(path.join(dir, 'a', 'b')), 'dir');
  assert.equal(listing.kindOf(path.join(dir, 'a', 'link')), undefined, 'a symbolic link needs a stat');
  assert.equal(listing.kindOf(path.join(dir, 'a', 'gone.json')), 'absent');
  assert.equal(listing.kindOf(path.join(dir, 'a', 'gone', 'custom-title.json')), 'absent', 'a missing folder holds nothing');
  assert.equal(listing.kindOf(path.join(dir, 'a', 'b', 'x.json')), undefined, 'b itself was not listed');
  listing.clear();
  assert.equal(listing.kindOf(path.join(dir, 'a', 'gone.json')), undefined, 'cleared');
  assert.throws(() => listing.list(path.join(dir, 'nope')), /ENOENT/);
});

test('dir listing: a file created after the listing makes the stamp differ at the next pass (a stale listing costs a read, never a change)', async (t) => {
  const home = path.join(tempDir(t), 'home');
  mkdirSync(home);
  writeNativeCorpus(home, 20);
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const roo = ADAPTERS.find((a) => a.tool === 'roo-code')!;
  const scan = withListing(env);
  const [source] = await roo.listSources(scan);
  assert.ok(source);
  const before = sourceStamp(roo, source, scan, new Map());
  // Roo Code's history_item.json appears in the task folder after this pass listed it.
  writeFileSync(path.join(source.path, 'history_item.json'), '{}');
  assert.equal(sourceStamp(roo, source, scan, new Map()), before, 'the same pass still answers from its listing');
  const next = withListing(env);
  await roo.listSources(next);
  assert.notEqual(sourceStamp(roo, source, next, new Map()), before, 'the next pass sees it');
  assert.equal(sourceStamp(roo, source, next, new Map()), sourceStamp(roo, source, env));
});
