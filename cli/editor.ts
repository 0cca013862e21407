import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SfsError } from '../engine/index.js';

/** Opens text in $VISUAL / $EDITOR (vi when neither is set) and returns what was saved. */
export function editText(initial: string, name: string): string {
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const dir = mkdtempSync(join(tmpdir(), 'sfs-edit-'));
  const file = join(dir, name);
  try {
    writeFileSync(file, initial, { mode: 0o600 });
    // The editor string may carry arguments (`code --wait`): let the shell split it.
    const r = spawnSync(`${editor} "$SFS_EDIT_FILE"`, { shell: true, stdio: 'inherit', env: { ...process.env, SFS_EDIT_FILE: file } });
    if (r.error) throw new SfsError('IO', `could not start the editor "${editor}": ${r.error.message}`);
    if (r.status !== 0) throw new SfsError('USAGE', `the editor "${editor}" exited with status ${r.status}; nothing was changed`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
