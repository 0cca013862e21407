import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/** Cursor's `User` folder: Electron's appData (XDG_CONFIG_HOME on Linux, APPDATA on Windows) + `Cursor/User`. */
export function cursorUserDir(env: AdapterEnv): string {
  const p = pathFor(env.platform);
  switch (env.platform) {
    case 'darwin':
      return p.join(env.home, 'Library', 'Application Support', 'Cursor', 'User');
    case 'win32':
      return p.join(env.env.APPDATA || p.join(env.home, 'AppData', 'Roaming'), 'Cursor', 'User');
    default:
      return p.join(env.env.XDG_CONFIG_HOME || p.join(env.home, '.config'), 'Cursor', 'User');
  }
}

/** `~/.cursor` (`%USERPROFILE%\\.cursor` on Windows): the Cursor Agent's transcripts and chat stores. */
export function cursorDotDir(env: AdapterEnv): string {
  return pathFor(env.platform).join(env.home, '.cursor');
}

/**
 * The global DB's folder, the folder of per-workspace DBs, then the Cursor Agent's
 * transcript folder (`~/.cursor/projects`) and chat stores (`~/.cursor/chats`).
 */
export function cursorStoreDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const user = cursorUserDir(env);
  const dot = cursorDotDir(env);
  return [p.join(user, 'globalStorage'), p.join(user, 'workspaceStorage'), p.join(dot, 'projects'), p.join(dot, 'chats')];
}

/** The SQLite file Cursor keeps its state in, globally and per workspace. */
export const CURSOR_DB_NAME = 'state.vscdb';
