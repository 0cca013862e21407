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
