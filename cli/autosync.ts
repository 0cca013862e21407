import { type SfsPaths, readSyncSettings, syncSettingsFile, writeSyncSettings, type SyncMode } from '../engine/index.js';
import { existsSync } from 'node:fs';
import { notifyDaemon } from './commands/watcher.js';
import { confirm } from './confirm.js';

/**
 * Sync is opt-in (the Python SessionFS is local-only until sync is turned on): signing in
 * leaves autosync off, and only `sfs sync auto --mode …` (or yes to the question below)
 * makes the daemon push.
 */

/** Sets the autosync mode and has a running daemon act on it at once. */
export function setAutosync(paths: SfsPaths, mode: SyncMode): void {
  writeSyncSettings(paths, { ...readSyncSettings(paths), mode });
  notifyDaemon(paths);
}

/** At sign-in: a store that never chose a mode gets `off` (one that chose keeps its mode). */
export function autosyncAtSignIn(paths: SfsPaths): SyncMode {
  if (!existsSync(syncSettingsFile(paths))) writeSyncSettings(paths, { mode: 'off', watch: [] });
  return readSyncSettings(paths).mode;
}

/** On a terminal, while autosync is off: asks whether to turn it on (mode all). Returns the mode now in force. */
export async function offerAutosync(paths: SfsPaths, relay: string): Promise<SyncMode> {
  const mode = readSyncSettings(paths).mode;
  if (mode !== 'off') return mode;
  if (!(await confirm(`Sync this machine's sessions with ${relay} continuously (the daemon pushes and pulls)?`))) return mode;
  setAutosync(paths, 'all');
  return 'all';
}

export function autosyncNote(mode: SyncMode): string {
  if (mode === 'off')
    return 'autosync is off: nothing leaves this machine until you run sfs sync auto --mode all|selective (sfs sync now and sfs push send on demand)';
  return `autosync: ${mode}`;
}
