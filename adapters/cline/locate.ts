import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { globalStorageDirs } from '../cline-family/vscode-hosts.js';
import { pathFor } from '../shared/paths.js';

export const CLINE_EXTENSION_ID = 'saoudrizwan.claude-dev';

/** Cline's shared data dir (CLI, JetBrains, VS Code ≥ 4): CLINE_DATA_DIR, else CLINE_DIR/data, else ~/.cline/data. */
export function clineDataDir(env: AdapterEnv): string {
  const p = pathFor(env.platform);
  if (env.env.CLINE_DATA_DIR) return env.env.CLINE_DATA_DIR;
  if (env.env.CLINE_DIR) return p.join(env.env.CLINE_DIR, 'data');
  return p.join(env.home, '.cline', 'data');
}

/** Roots holding classic `tasks/<id>/` folders: the extension's global storage in every host, and the shared data dir. */
export function clineTaskRoots(env: AdapterEnv): string[] {
  return [...globalStorageDirs(env, CLINE_EXTENSION_ID), clineDataDir(env)];
}

/** Where the CLI keeps `<id>/<id>.json` and `<id>.messages.json`: CLINE_SESSION_DATA_DIR, else `<data dir>/sessions`. */
export function clineSessionsDir(env: AdapterEnv): string {
  return env.env.CLINE_SESSION_DATA_DIR || pathFor(env.platform).join(clineDataDir(env), 'sessions');
}

/** Where the CLI keeps its SQLite databases (`sessions.db`, the session index): CLINE_DB_DATA_DIR, else `<data dir>/db`. */
export function clineDbDir(env: AdapterEnv): string {
  return env.env.CLINE_DB_DATA_DIR || pathFor(env.platform).join(clineDataDir(env), 'db');
}

/** The provider settings the CLI starts with: CLINE_PROVIDER_SETTINGS_PATH, else `<data dir>/settings/providers.json`. */
export function clineProviderSettings(env: AdapterEnv): string {
  return env.env.CLINE_PROVIDER_SETTINGS_PATH || pathFor(env.platform).join(clineDataDir(env), 'settings', 'providers.json');
}
