import { readRegularFileSync, type AdapterEnv } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';
import { vscodeUserDirs } from './vscode-hosts.js';

/**
 * A string setting from the user `settings.json` of each VS Code host (e.g. Roo's
 * `roo-cline.customStoragePath`, which relocates the whole store). settings.json is JSONC,
 * so the one key is picked out with a pattern instead of a full parse.
 */
export function stringSettingInHosts(env: AdapterEnv, key: string): string[] {
  const p = pathFor(env.platform);
  const out: string[] = [];
  const pattern = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*")`);
  for (const user of vscodeUserDirs(env)) {
    let text: string;
    try {
      text = readRegularFileSync(p.join(user, 'settings.json')).toString('utf8');
    } catch {
      continue;
    }
    const m = pattern.exec(text);
    if (!m) continue;
    try {
      const value = JSON.parse(m[1]!) as string;
      if (value.trim()) out.push(value.trim());
    } catch {
      // a malformed value is ignored like an absent one
    }
  }
  return out;
}
