import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SfsError } from '../errors.js';
import type { SfsPaths } from '../paths.js';

/**
 * What continuous sync (the daemon) pushes: `all` of this store's events, only `selective`ly
 * the watched sessions, or nothing (`off`: the daemon does not sync; `sfs sync now` and
 * `sfs push` send on demand). Pulls are not filtered.
 */
export type SyncMode = 'off' | 'all' | 'selective';
export interface SyncSettings {
  mode: SyncMode;
  watch: string[];
}

export function syncSettingsFile(paths: SfsPaths): string {
  return join(paths.configDir, 'sync.json');
}

export function readSyncSettings(paths: SfsPaths): SyncSettings {
  const file = syncSettingsFile(paths);
  // Sync is opt-in: signing in writes this file with mode off (sfs auth). A store signed in
  // without it was signed in before that, when sync started at sign-in: it keeps syncing all.
  if (!existsSync(file)) return { mode: 'all', watch: [] };
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<SyncSettings>;
    return {
      mode: s.mode === 'off' || s.mode === 'selective' ? s.mode : 'all',
      watch: Array.isArray(s.watch) ? s.watch.filter((x) => typeof x === 'string') : [],
    };
  } catch (err) {
    throw new SfsError('INVALID_INPUT', `${file} is not valid JSON`, undefined, { cause: err });
  }
}

export function writeSyncSettings(paths: SfsPaths, s: SyncSettings): void {
  mkdirSync(paths.configDir, { recursive: true, mode: 0o700 });
  const file = syncSettingsFile(paths);
  writeFileSync(file + '.tmp', JSON.stringify({ mode: s.mode, watch: [...new Set(s.watch)].sort() }, null, 2) + '\n', { mode: 0o600 });
  renameSync(file + '.tmp', file);
}

/** The push filter for these settings: which sessions' own events leave the machine. */
export function pushFilter(s: SyncSettings): (session: string | null) => boolean {
  if (s.mode === 'all') return () => true;
  const watched = new Set(s.watch);
  return (session) => session !== null && watched.has(session);
}
