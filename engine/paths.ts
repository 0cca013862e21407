import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where SessionFS keeps its files. `SFS_HOME` puts everything under one directory
 * (tests, portable installs); otherwise the XDG base directories are used.
 */
export interface SfsPaths {
  /** The event log and projections. */
  dataDir: string;
  /** config.json */
  configDir: string;
  /** daemon pid, logs, sockets */
  stateDir: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): SfsPaths {
  const sfsHome = env.SFS_HOME;
  if (sfsHome) {
    return { dataDir: join(sfsHome, 'data'), configDir: sfsHome, stateDir: join(sfsHome, 'state') };
  }
  const home = homedir();
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const stateHome = env.XDG_STATE_HOME || join(home, '.local', 'state');
  return {
    dataDir: join(dataHome, 'sessionfs'),
    configDir: join(configHome, 'sessionfs'),
    stateDir: join(stateHome, 'sessionfs'),
  };
}

export function logDir(paths: SfsPaths): string {
  return join(paths.dataDir, 'log');
}

export function projectionsFile(paths: SfsPaths): string {
  return join(paths.dataDir, 'projections.sqlite');
}
