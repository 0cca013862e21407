import { freeBytes, isDiskFull, mb, NEARLY_FULL_BYTES } from './disk-full.js';
import { toSfsError } from './errors.js';
import { logDir, projectionsFile, resolvePaths, type SfsPaths } from './paths.js';
import { SharedLog, type OpenLogOptions } from './log/shared-log.js';
import { Projections } from './projections/projections.js';
import type { EventLog } from './log/event-log.js';
import type { ProjectionDb } from './projections/db.js';

export interface OpenStoreOptions extends Omit<OpenLogOptions, 'openWhenFull'> {
  /**
   * On a full disk, open anyway and serve what the projections hold (each read warns
   * once) instead of failing; writes fail with DISK_FULL. Default true; the daemon,
   * which keeps the store open, says false.
   */
  readWhenFull?: boolean;
  /** One-line warnings and notes (a full disk, a damaged projections file rebuilt). Default: stderr. */
  onWarning?: (line: string) => void;
}

/**
 * A local SessionFS store: the event log (shared between processes) plus its
 * projections. Open one per process; every front end (CLI, daemon, MCP) goes through it.
 */
export class Store {
  private warned = false;
  private opened: Projections | undefined;

  private constructor(
    readonly paths: SfsPaths,
    readonly log: EventLog,
    private readonly openProjections: () => Projections,
    private readonly warn: (line: string) => void,
  ) {}

  /**
   * Opened on first use: a pass that finds nothing changed (`sfs import --all` with nothing
   * new) never loads SQLite.
   */
  get projections(): Projections {
    return (this.opened ??= this.openProjections());
  }

  static async open(paths: SfsPaths = resolvePaths(), opts: OpenStoreOptions = {}): Promise<Store> {
    const readWhenFull = opts.readWhenFull ?? true;
    const warn = opts.onWarning ?? ((line: string) => process.stderr.write(`sfs: ${line}\n`));
    const log = await SharedLog.open(logDir(paths), { ...opts, openWhenFull: readWhenFull });
    return new Store(paths, log, () => new Projections(projectionsFile(paths), log, { onNote: warn, readWhenFull }), warn);
  }

  /**
   * The projections, caught up with everything the log holds right now. When they cannot
   * catch up because the disk is full, what they hold is served with a one-line warning;
   * a full disk is also said when they are up to date, since nothing new can be captured.
   */
  async view(): Promise<ProjectionDb> {
    await this.catchUp();
    return this.projections.db;
  }

  /**
   * Brings the projections up to date with the log (as view() does, with its warnings), for a
   * process that has just appended (import, the daemon) so the next command has nothing to fold.
   * `leave`: see Projections.catchUp.
   */
  async catchUp(leave = 0): Promise<void> {
    try {
      await this.projections.catchUp(undefined, leave);
      const free = freeBytes(this.paths.dataDir);
      if (free < NEARLY_FULL_BYTES)
        this.warnOnce(`warning: the disk is full: ${mb(free)} free at ${this.paths.dataDir}; nothing new is captured until space is freed`);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.warnOnce(`warning: showing what was stored before the disk filled up: ${toSfsError(err).message}`);
    }
  }

  private warnOnce(line: string): void {
    if (!this.warned) this.warn(line);
    this.warned = true;
  }

  async close(): Promise<void> {
    this.opened?.close();
    await this.log.close();
  }
}

/** Runs fn with an open store and always closes it (handing the store over to waiting processes). */
export async function withStore<T>(fn: (store: Store) => Promise<T>, paths?: SfsPaths, opts?: OpenStoreOptions): Promise<T> {
  const store = await Store.open(paths, opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
