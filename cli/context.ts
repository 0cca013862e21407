import { loadConfig, type Config, resolvePaths, type SfsPaths, isCorruptDb, Store } from '../engine/index.js';
import { reportError } from './output.js';

/** What every command handler gets: where data lives, settings, and the --json flag. */
export interface Ctx {
  paths: SfsPaths;
  config: Config;
  json: boolean;
  store(): Promise<Store>;
}

export interface GlobalArgs {
  json?: boolean;
}

/**
 * Wraps a command handler: opens the store on first use, always closes it (handing the
 * store to any waiting process), and turns any error into one line and an exit code.
 */
export function handler<A extends GlobalArgs>(fn: (args: A, ctx: Ctx) => Promise<void>): (args: A) => Promise<void> {
  return async (args: A) => {
    const json = !!args.json;
    let store: Store | undefined;
    let opening: Promise<Store> | undefined;
    try {
      const paths = resolvePaths();
      const ctx: Ctx = {
        paths,
        config: loadConfig(paths),
        json,
        // Lazy: a read whose projections are up to date never reaches the log (no LevelDB, no owner round trip).
        store: () => (opening ??= Store.open(paths, { lazy: true }).then((s) => (store = s))),
      };
      await fn(args, ctx);
    } catch (err) {
      // The projections are a cache: a damage met mid-command is cleared for the next command to rebuild.
      process.exitCode = reportError(store && isCorruptDb(err) ? store.projections.discardAfterDamage(err) : err, json);
    } finally {
      if (opening) await opening.catch(() => undefined);
      if (store) await store.close().catch(() => undefined);
    }
  };
}
