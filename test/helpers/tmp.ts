import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SfsPaths } from '../../engine/paths.js';

/** A fresh directory removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'sfs-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function pathsIn(dir: string): SfsPaths {
  return { dataDir: join(dir, 'data'), configDir: dir, stateDir: join(dir, 'state') };
}
