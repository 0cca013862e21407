import { importCommand } from './commands/import.js';
import { runPlain } from './capture-entry.js';

/** `sfs import --all` / `--from TOOL` from its own bundle (capture-entry.ts); false: the whole CLI handles it. */
export function runCapture(argv: string[]): Promise<boolean> {
  return runPlain(importCommand, argv, (a) => a.all === true || typeof a.from === 'string');
}
