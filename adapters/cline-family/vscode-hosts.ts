import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/** VS Code-based editors an extension can run in; each has its own user-data folder. */
export const VSCODE_HOSTS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'] as const;

/** The folder that holds `<Host>/User/…` on this platform. */
export function userDataParent(env: AdapterEnv): string {
  const p = pathFor(env.platform);
  switch (env.platform) {
    case 'darwin':
      return p.join(env.home, 'Library', 'Application Support');
    case 'win32':
      return env.env.APPDATA || p.join(env.home, 'AppData', 'Roaming');
    default:
      return env.env.XDG_CONFIG_HOME || p.join(env.home, '.config');
  }
}

/** `<Host>/User` folders of every known host, plus a portable install (VSCODE_PORTABLE). */
export function vscodeUserDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const parent = userDataParent(env);
  const dirs = VSCODE_HOSTS.map((host) => p.join(parent, host, 'User'));
  if (env.env.VSCODE_PORTABLE) dirs.push(p.join(env.env.VSCODE_PORTABLE, 'user-data', 'User'));
  return dirs;
}

/** The extension's global storage folder in every host. Extension ids are lower-case on disk. */
export function globalStorageDirs(env: AdapterEnv, extensionId: string): string[] {
  const p = pathFor(env.platform);
  return vscodeUserDirs(env).map((user) => p.join(user, 'globalStorage', extensionId.toLowerCase()));
}
