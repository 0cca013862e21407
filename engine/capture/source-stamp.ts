import { readdirSync, statSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import type { Store } from '../store.js';
import type { DirListing } from './dir-listing.js';
import { readStampCopy, readToolDigests, stampDigest, updateToolDigests, writeStampCopy } from './stamp-copy.js';
import type { AdapterEnv, CaptureSource, ToolAdapter } from './contract.js';

/**
 * "Nothing changed → nothing read": a source's stamp is the identity (dev + inode), size,
 * modification and change time of every file its read depends on (the adapter names them:
 * `ToolAdapter.stampPaths`). It is taken just before a read and stored with the cursor of
 * a complete, clean pass; a later pass whose stamp is the same has nothing new to find and
 * does not open the source at all. A change during the read leaves the stored stamp older
 * than the file, so the next pass reads again. ctime is in the stamp so that a chmod (an
 * unreadable file made readable) or a file replaced with a copy of the same mtime counts.
 */
export function stampKey(tool: string, path: string): string {
  return `capture-stamp:${tool}:${path}`;
}

const STAMP_PREFIX = 'capture-stamp:';

/**
 * Part of every stamp: bump it when an adapter learns to read more from files it has read
 * before, or the stamp's form changes, so the next import reads every source once again
 * instead of skipping it. 2: a directory's part is its entries alone, without its own stat.
 */
const STAMP_VERSION = 2;

function part(st: Stats | undefined): string {
  return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '-';
}

/**
 * One path's part of a stamp. A directory stands for the entries directly in it, by name and
 * stat (an entry added, removed or changed changes it; the directory's own times add nothing).
 * With the pass's listing (dir-listing.ts) a path a listed directory lacks is absent without a
 * stat, and a listed directory is not listed again: same stamp, fewer system calls.
 */
function pathStamp(path: string, listing?: DirListing): string {
  const kind = listing?.kindOf(path);
  if (kind === 'absent') return '-';
  let names: string[];
  if (kind === 'dir' || listing?.listed(path)) {
    try {
      names = listing!.list(path).map((e) => e.name);
    } catch {
      return 'd!';
    }
  } else {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return part(st);
    try {
      names = listing ? listing.list(path).map((e) => e.name) : readdirSync(path);
    } catch {
      return 'd!';
    }
  }
  names.sort();
  // path + sep + name: the directory's path is already normal (join would normalise it again per entry).
  const prefix = path.endsWith(sep) ? path : path + sep;
  let out = 'd[';
  for (let i = 0; i < names.length; i++) out += `${i ? ',' : ''}${names[i]}=${part(statSync(prefix + names[i], { throwIfNoEntry: false }))}`;
  return `${out}]`;
}

/**
 * The source's stamp now, or null when its adapter names no stamp paths (such a source is
 * always read). `seen` caches path stamps within one pass: thousands of task folders share
 * one task index file. The pass's listing (env.listing) saves stats, never changes the stamp.
 */
export function sourceStamp(adapter: ToolAdapter, source: CaptureSource, env: AdapterEnv, seen?: Map<string, string>): string | null {
  try {
    const paths = adapter.stampPaths?.(source, env);
    if (!paths) return null;
    return `${STAMP_VERSION}|${paths
      .map((p, i) => {
        if (i === 0 || !seen) return pathStamp(p, env.listing); // the source itself is nobody else's
        let s = seen.get(p);
        if (s === undefined) seen.set(p, (s = pathStamp(p, env.listing)));
        return s;
      })
      .join('|')}`;
  } catch {
    return null; // a stat that fails for another reason than a missing file: read the source, which reports it
  }
}

export interface StampedSource<T> {
  item: T;
  /** Stamp taken now (null: always read). */
  stamp: string | null;
}

/** Stats between yields to the event loop, so a daemon's catch-up does not hold its watcher and socket for long. */
const STAT_SLICE = 256;

/** Up to this many stamps are asked of the log one by one; more, in one range read. */
const FEW_STAMPS = 32;

/**
 * Splits sources into those to read and those unchanged since their last complete read,
 * with one stat per stamp path (no source opened). A tool whose sources and stamps give the
 * digest its last all-unchanged pass recorded is unchanged as a whole (stamp-copy.ts: a small
 * file, no copy read). Otherwise the stamps are compared with the store's copy of them (one
 * file read, no LevelDB); only those that differ are looked up in the log, where a newer stamp
 * may be (another process captured the source since the copy was written), and the copy is
 * brought up to date with what was found.
 */
export async function unchangedSplit<T extends { adapter: ToolAdapter; source: CaptureSource }>(
  store: Store,
  items: readonly T[],
  env: AdapterEnv,
): Promise<{ changed: T[]; unchanged: T[]; byDigest: number }> {
  const changed: T[] = [];
  const unchanged: T[] = [];
  if (!items.some((i) => i.adapter.stampPaths)) return { changed: [...items], unchanged, byDigest: 0 };
  /** Per tool, its stamped sources in listing order with their stamps now; whole: none of its sources is without a stamp. */
  const byTool = new Map<string, { entries: Array<{ it: T; key: string; stamp: string }>; whole: boolean }>();
  const seen = new Map<string, string>();
  for (let i = 0; i < items.length; i++) {
    if (i % STAT_SLICE === STAT_SLICE - 1) await new Promise((r) => setImmediate(r));
    const it = items[i]!;
    const tool = it.adapter.tool;
    const stamp = sourceStamp(it.adapter, it.source, env, seen);
    let group = byTool.get(tool);
    if (!group) byTool.set(tool, (group = { entries: [], whole: true }));
    if (stamp === null) {
      changed.push(it);
      group.whole = false;
      continue;
    }
    group.entries.push({ it, key: stampKey(tool, it.source.path), stamp });
  }
  const digests = readToolDigests(store.paths);
  let byDigest = 0;
  const toCompare: Array<{ it: T; key: string; stamp: string }> = [];
  /** Digests to record: the tools compared entry by entry, while all their sources are found unchanged. */
  const record = new Map<string, string | null>();
  for (const [tool, { entries, whole }] of byTool) {
    if (!whole) {
      if (digests[tool] !== undefined) record.set(tool, null);
      toCompare.push(...entries);
      continue;
    }
    const digest = stampDigest(entries);
    if (digests[tool] === digest) {
      for (const e of entries) unchanged.push(e.it);
      byDigest += entries.length;
      continue;
    }
    record.set(tool, digest);
    toCompare.push(...entries);
  }
  const pending: Array<{ it: T; key: string; stamp: string }> = [];
  if (toCompare.length) {
    const copy = readStampCopy(store.paths);
    for (const e of toCompare) {
      if (copy.get(e.key) === e.stamp) unchanged.push(e.it);
      else pending.push(e);
    }
  }
  if (pending.length) {
    const stored = await storedStamps(
      store,
      pending.map((p) => p.key),
      new Set(pending.map((p) => p.it.adapter.tool)),
    );
    const found = new Map<string, string>();
    for (const { it, key, stamp } of pending) {
      const before = stored.get(key);
      if (before !== undefined) found.set(key, before);
      if (before === stamp) unchanged.push(it);
      else {
        changed.push(it);
        record.set(it.adapter.tool, null);
      }
    }
    rememberStamps(store, found);
  }
  if (record.size) updateToolDigests(store.paths, Object.fromEntries(record));
  return { changed, unchanged, byDigest };
}

/** The log's stamps of these keys: one by one when few, else one range read (of one tool's when only one is asked). */
async function storedStamps(store: Store, keys: string[], tools: Set<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length <= FEW_STAMPS) {
    for (const key of keys) {
      const v = await store.log.getCursor<string>(key);
      if (typeof v === 'string') out.set(key, v);
    }
    return out;
  }
  const all = await store.log.getCursors<string>(tools.size === 1 ? stampKey([...tools][0]!, '') : STAMP_PREFIX);
  for (const key of keys) {
    const v = all[key];
    if (typeof v === 'string') out.set(key, v);
  }
  return out;
}

/** Puts stamps read from the log into the store's copy (nothing to do when it has them already). */
function rememberStamps(store: Store, found: Map<string, string>): void {
  const had = readStampCopy(store.paths);
  if ([...found].every(([key, stamp]) => had.get(key) === stamp)) return;
  const copy = new Map(had);
  for (const [key, stamp] of found) copy.set(key, stamp);
  writeStampCopy(store.paths, copy);
}

/**
 * After sources were captured: copies their stamps, as the log now holds them, into the
 * store's copy, so the next pass finds them unchanged without opening the log.
 */
export async function refreshStampCopy(store: Store, sources: ReadonlyArray<{ tool: string; path: string }>): Promise<void> {
  if (!sources.length) return;
  const tools = new Set(sources.map((s) => s.tool));
  rememberStamps(
    store,
    await storedStamps(
      store,
      sources.map((s) => stampKey(s.tool, s.path)),
      tools,
    ),
  );
}
