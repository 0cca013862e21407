import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { DirListing } from '../../engine/index.js';

/**
 * The directories under watch, changed as tools are enabled, disabled or appear. Each
 * store directory and every directory below it (to MAX_DEPTH) gets one fs.watch: one
 * inotify watch per directory, none per file, and no stat of any file. (chokidar 4 stats
 * every file and watches each one: 15.6 s and 227 MB before it was ready on 20,000
 * sessions, against 0.7 s and 65 MB for this.) Existing files are not reported (the
 * catch-up reads every source from its cursor); after that every file created or
 * changed is passed on, and a directory that appears is watched and its files reported.
 * The listings taken while setting up go into the caller's DirListing, so the catch-up that
 * follows lists nothing again (each directory is listed after its watch is in place: a
 * change after the listing is reported by the watch).
 */
const SKIP = new Set(['node_modules', '.git']);
const MAX_DEPTH = 6;
/** Directories set up between yields to the event loop, so a large tree does not hold the daemon for long. */
const SLICE = 128;

interface Root {
  dir: string;
  /** Every watched directory under this root, by path. */
  watches: Map<string, FSWatcher>;
  closed: boolean;
}

export class DirWatcher {
  private readonly roots = new Map<string, Root>();

  constructor(
    private readonly onChange: (path: string) => void,
    private readonly onError: (dir: string, err: Error) => void,
  ) {}

  /** Watches exactly these directories from now on; resolves once new ones are watched. */
  async set(dirs: string[], listing?: DirListing): Promise<void> {
    const want = new Set(dirs);
    for (const [dir, root] of this.roots) {
      if (want.has(dir)) continue;
      this.roots.delete(dir);
      closeRoot(root);
    }
    for (const dir of want) {
      const had = this.roots.get(dir);
      if (had?.watches.has(dir)) continue;
      // New, or its directory was removed and is back (a re-plan calls this again): watch it afresh.
      const root: Root = had ?? { dir, watches: new Map(), closed: false };
      this.roots.set(dir, root);
      await this.addTree(root, dir, 0, !!had, listing);
    }
  }

  watching(): string[] {
    return [...this.roots.keys()];
  }

  async close(): Promise<void> {
    for (const root of this.roots.values()) closeRoot(root);
    this.roots.clear();
  }

  /** Watches `dir` and the directories below it; `report`: also pass on the files found (a directory that just appeared). */
  private async addTree(root: Root, top: string, topDepth: number, report: boolean, listing?: DirListing): Promise<void> {
    const queue: Array<[string, number]> = [[top, topDepth]];
    let n = 0;
    while (queue.length) {
      if (root.closed) return;
      const [dir, depth] = queue.pop()!;
      if (root.watches.has(dir)) continue;
      if (++n % SLICE === 0) await new Promise((r) => setImmediate(r));
      // Watched before it is listed, so a file created in between is not missed.
      let failed = this.watchDir(root, dir, depth);
      let entries: Dirent[];
      try {
        // Sync, in slices: thousands of small reads through the thread pool each wait their turn.
        entries = failed ? [] : readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        entries = [];
        failed ??= err as Error;
      }
      if (failed) {
        root.watches.get(dir)?.close();
        root.watches.delete(dir);
        // A subdirectory gone or unreadable has nothing to watch; anything else (the store directory
        // itself, the system's limit on watches) is worth a line in the log.
        const code = (failed as NodeJS.ErrnoException).code;
        if (dir === root.dir || (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES')) this.onError(root.dir, failed);
        continue;
      }
      listing?.remember(dir, entries);
      for (const e of entries) {
        if (SKIP.has(e.name)) continue;
        const p = join(dir, e.name);
        let isDir = e.isDirectory();
        if (e.isSymbolicLink()) isDir = statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
        if (isDir) {
          if (depth < MAX_DEPTH) queue.push([p, depth + 1]);
        } else if (report) this.onChange(p);
      }
    }
  }

  /** Starts watching one directory; returns the error when it cannot be watched. */
  private watchDir(root: Root, dir: string, depth: number): Error | undefined {
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true }, (_type, name) => {
        if (name === null || root.closed) return;
        const p = join(dir, name.toString());
        if (SKIP.has(name.toString().split(sep)[0]!)) return;
        void this.entryChanged(root, p, depth);
      });
    } catch (err) {
      return err as Error;
    }
    w.on('error', (err) => {
      w.close();
      root.watches.delete(dir);
      // A removed subdirectory ends its own watch; anything else is worth a line in the log.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EPERM') this.onError(root.dir, err);
    });
    root.watches.set(dir, w);
    return undefined;
  }

  /** A name in a watched directory was created, changed, renamed or removed. */
  private async entryChanged(root: Root, p: string, parentDepth: number): Promise<void> {
    const st = await stat(p).catch(() => null);
    if (root.closed) return;
    if (!st) {
      // Removed: a directory's watches below it go with it.
      const prefix = p + sep;
      for (const [d, w] of root.watches)
        if (d === p || d.startsWith(prefix)) {
          w.close();
          root.watches.delete(d);
        }
      return;
    }
    if (st.isDirectory()) {
      if (parentDepth < MAX_DEPTH && !root.watches.has(p)) await this.addTree(root, p, parentDepth + 1, true);
      return;
    }
    this.onChange(p);
  }
}

function closeRoot(root: Root): void {
  root.closed = true;
  for (const w of root.watches.values()) w.close();
  root.watches.clear();
}
