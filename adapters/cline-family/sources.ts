import path from 'node:path';
import { listDir, type AdapterEnv, type CaptureSource } from '../../engine/adapter-kit.js';

/** Every sub-directory of `<root>/<folder>` (task or session folders); nothing when it does not exist. */
export async function childDirs(env: AdapterEnv, root: string, folder: string): Promise<CaptureSource[]> {
  const dir = path.join(root, folder);
  try {
    const entries = listDir(env, dir);
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
      .map((e) => ({ path: path.join(dir, e.name), style: 'rewrite' as const }))
      .sort((a, b) => a.path.localeCompare(b.path));
  } catch {
    return [];
  }
}

/**
 * Maps a changed path to `<root>/<folder>/<id>` when it lies inside one of the roots:
 * any file in a task folder (or the folder itself) means that task must be re-read.
 */
export function folderSourceFor(changedPath: string, roots: string[], folder: string): CaptureSource | null {
  const changed = path.resolve(changedPath);
  for (const root of roots) {
    const rel = path.relative(path.resolve(root, folder), changed);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const id = rel.split(path.sep)[0]!;
    if (id.startsWith('.') || id.startsWith('_')) return null;
    return { path: path.join(path.resolve(root, folder), id), style: 'rewrite' };
  }
  return null;
}
