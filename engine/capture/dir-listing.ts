import { readdirSync, type Dirent } from 'node:fs';
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
/** Directories up to this many entries are searched in order; larger ones get a map by name. */
const SCAN_UP_TO = 16;

/** Where the last path separator is (on Windows either kind; elsewhere a backslash is part of a name). */
const lastSep: (p: string) => number = process.platform === 'win32' ? (p) => Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) : (p) => p.lastIndexOf('/');

export class DirListing {
  private readonly entries = new Map<string, Dirent[]>();
  /** By large directory, its entries by name: built on first lookup. */
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
    // Called for every stamped path of a pass: plain string slicing, no path normalisation
    // (the listing's keys are the adapters' own joined paths).
    let end = path.length;
    // Three levels up covers every optional file the adapters stamp (a sidecar in a session's folder).
    for (let level = 0; level < 3; level++) {
      const cut = lastSep(path.slice(0, end));
      if (cut <= 0) return undefined;
      const list = this.entries.get(path.slice(0, cut));
      if (list) {
        const e = this.entry(path.slice(0, cut), list, path.slice(cut + 1, end));
        if (!e) return 'absent';
        if (end !== path.length || e.isSymbolicLink()) return undefined;
        return e.isDirectory() ? 'dir' : 'file';
      }
      end = cut;
    }
    return undefined;
  }

  private entry(dir: string, list: Dirent[], name: string): Dirent | undefined {
    if (list.length <= SCAN_UP_TO) {
      for (const e of list) if (e.name === name) return e;
      return undefined;
    }
    let m = this.byName.get(dir);
    if (!m) this.byName.set(dir, (m = new Map(list.map((d) => [d.name, d]))));
    return m.get(name);
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
