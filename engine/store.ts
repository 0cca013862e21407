import { logDir, projectionsFile, resolvePaths, type SfsPaths } from './paths.js';
import { SharedLog, type OpenLogOptions } from './log/shared-log.js';
import { Projections } from './projections/projections.js';
import type { ProjectionDb } from './projections/db.js';

/**
 * A local SessionFS store: the event log (shared between processes) plus its
 * projections. Open one per process; every front end (CLI, daemon, MCP) goes through it.
 */
export class Store {
  private constructor(
    readonly paths: SfsPaths,
    readonly log: SharedLog,
    readonly projections: Projections,
  ) {}

  static async open(paths: SfsPaths = resolvePaths(), opts: OpenLogOptions = {}): Promise<Store> {
    const log = await SharedLog.open(logDir(paths), opts);
    try {
      return new Store(paths, log, new Projections(projectionsFile(paths), log));
    } catch (err) {
      await log.close();
      throw err;
    }
  }

  /** The projections, caught up with everything the log holds right now. */
  async view(): Promise<ProjectionDb> {
    await this.projections.catchUp();
    return this.projections.db;
  }

  async close(): Promise<void> {
    this.projections.close();
    await this.log.close();
  }
}

/** Runs fn with an open store and always closes it (handing the store over to waiting processes). */
export async function withStore<T>(fn: (store: Store) => Promise<T>, paths?: SfsPaths, opts?: OpenLogOptions): Promise<T> {
  const store = await Store.open(paths, opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
