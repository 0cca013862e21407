import { watch, type FSWatcher } from 'chokidar';
import { sep } from 'node:path';

/**
 * The directories under watch, changed as tools are enabled, disabled or appear: one
 * chokidar watcher per store directory, so each addition has its own 'ready' and a
 * removal closes exactly its watches. Initial scans are not reported (the catch-up reads
 * every source from its cursor); after that every added or changed file is passed on.
 */
const SKIP = new Set(['node_modules', '.git']);

export class DirWatcher {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(
    private readonly onChange: (path: string) => void,
    private readonly onError: (dir: string, err: Error) => void,
  ) {}

  /** Watches exactly these directories from now on; resolves once new ones are watched. */
  async set(dirs: string[]): Promise<void> {
    const want = new Set(dirs);
    for (const [dir, w] of this.watchers) {
      if (want.has(dir)) continue;
      this.watchers.delete(dir);
      await w.close();
    }
    const ready: Promise<void>[] = [];
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      const w = watch(dir, {
        ignoreInitial: true,
        persistent: true,
        depth: 6,
        ignorePermissionErrors: true,
        ignored: (p: string) => p.split(sep).some((part) => SKIP.has(part)),
      });
      w.on('add', this.onChange);
      w.on('change', this.onChange);
      w.on('error', (err) => this.onError(dir, err instanceof Error ? err : new Error(String(err))));
      this.watchers.set(dir, w);
      ready.push(new Promise((resolve) => w.once('ready', () => resolve())));
    }
    await Promise.all(ready);
  }

  watching(): string[] {
    return [...this.watchers.keys()];
  }

  async close(): Promise<void> {
    const all = [...this.watchers.values()];
    this.watchers.clear();
    await Promise.all(all.map((w) => w.close()));
  }
}
