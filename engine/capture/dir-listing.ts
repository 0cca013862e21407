import { readdirSync, type Dirent } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AdapterEnv } from './contract.js';

/**
 * The directory listings of one capture pass, shared by everything in it that lists: the
 * daemon's watcher set-up, the adapters' source listing (through listDir) and the source
 * stamps (source-stamp.ts). At 20,000 sessions a pass lists ~13,000 directories; listing
 * each once instead of two or three times is most of what separates a no-op start from a
 * bare stat walk.
 *
 * A listing is a snapshot. It may only be used where a stale answer costs a read and never
 * misses a change: a stamp that says "absent" for a file created since reads the source again
 * next pass (its stamp then differs), and the daemon lists a directory only after it watches
 * it, so a change after the listing is reported by the watch. A source's read never uses it.
 */
export class DirListing {
  private readonly entries = new Map<string, Dirent[]>();
  /** By directory, its entries by name: built on first lookup. */
  private readonly byName = new Map<string, Map<string, Dirent>>();

  /** The entries of `dir`, listed once per pass; throws as readdirSync does (a failure is not kept). */
  list(dir: string): Dirent[] {
    let e = this.entries.get(dir);
    if (!e) this.entries.set(dir, (e = readdirSync(dir, { withFileTypes: true })));
    return e;
  }

  /** Keeps a listing taken elsewhere (the watcher's walk). */
  remember(dir: string, entries: Dirent[]): void {
    this.entries.set(dir, entries);
  }

  /** Forgets every listing (the pass is over; its memory goes back). */
  clear(): void {
    this.entries.clear();
    this.byName.clear();
  }

  /** The entries of `dir` when this pass listed it, without listing it now. */
  listed(dir: string): Dirent[] | undefined {
    return this.entries.get(dir);
  }

  /**
   * What the pass's listings say of `path`: 'absent' when a listed directory above it lacks
   * the next name, 'dir' or 'file' when its own directory was listed, undefined when unknown
   * (nothing above it listed, or a symbolic link, whose target only a stat can tell).
   */
  kindOf(path: string): 'absent' | 'dir' | 'file' | undefined {
    let child = path;
    // Three levels up covers every optional file the adapters stamp (a sidecar in a session's folder).
    for (let level = 0; level < 3; level++) {
      const parent = dirname(child);
      if (parent === child) return undefined;
      const names = this.namesOf(parent);
      if (names) {
        const e = names.get(basename(child));
        if (!e) return 'absent';
        if (child !== path || e.isSymbolicLink()) return undefined;
        return e.isDirectory() ? 'dir' : 'file';
      }
      child = parent;
    }
    return undefined;
  }

  private namesOf(dir: string): Map<string, Dirent> | undefined {
    let m = this.byName.get(dir);
    if (m) return m;
    const e = this.entries.get(dir);
    if (!e) return undefined;
    m = new Map(e.map((d) => [d.name, d]));
    this.byName.set(dir, m);
    return m;
  }
}

/**
 * How an adapter lists a directory while locating sources: through the pass's shared listing
 * when the engine gave one, else directly. Throws as readdirSync does.
 */
export function listDir(env: AdapterEnv, dir: string): Dirent[] {
  return env.listing ? env.listing.list(dir) : readdirSync(dir, { withFileTypes: true });
}

/** The same environment with a fresh listing for one pass. */
export function withListing(env: AdapterEnv, listing = new DirListing()): AdapterEnv {
  return { ...env, listing };
}

/** The environment a source's read gets: never a listing (a read must see the files as they are now). */
export function withoutListing(env: AdapterEnv): AdapterEnv {
  if (!env.listing) return env;
  const { listing: _listing, ...rest } = env;
  return rest;
}
