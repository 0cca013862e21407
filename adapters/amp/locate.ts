import { listDir, type AdapterEnv, type CaptureSource } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/**
 * Amp keeps one JSON file per thread in `${XDG_DATA_HOME:-~/.local/share}/amp/threads/`
 * (also on macOS; Windows is undocumented, the same layout under the home is assumed), and
 * older editor extensions in `<VS Code user dir>/globalStorage/sourcegraph.amp/threads3/`.
 */
const VSCODE_HOSTS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];

export function storeDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const data = env.env.XDG_DATA_HOME || p.join(env.home, '.local', 'share');
  const dirs = [p.join(data, 'amp', 'threads')];
  for (const host of VSCODE_HOSTS) dirs.push(p.join(vscodeUserDir(env, host), 'globalStorage', 'sourcegraph.amp', 'threads3'));
  return dirs;
}

function vscodeUserDir(env: AdapterEnv, host: string): string {
  const p = pathFor(env.platform);
  if (env.platform === 'darwin') return p.join(env.home, 'Library', 'Application Support', host, 'User');
  if (env.platform === 'win32') return p.join(env.env.APPDATA || p.join(env.home, 'AppData', 'Roaming'), host, 'User');
  return p.join(env.env.XDG_CONFIG_HOME || p.join(env.home, '.config'), host, 'User');
}

export async function listSources(env: AdapterEnv): Promise<CaptureSource[]> {
  const p = pathFor(env.platform);
  const out: CaptureSource[] = [];
  for (const dir of storeDirs(env)) {
    let names: string[];
    try {
      names = listDir(env, dir).map((e) => e.name);
    } catch {
      continue;
    }
    for (const n of names.sort()) if (n.endsWith('.json')) out.push({ path: p.join(dir, n), style: 'rewrite' });
  }
  return out;
}

export function sourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  if (!changedPath.endsWith('.json')) return null;
  const dir = p.dirname(changedPath);
  return storeDirs(env).some((d) => p.relative(d, dir) === '') ? { path: changedPath, style: 'rewrite' } : null;
}
