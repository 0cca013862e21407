import { daemonCommand } from './commands/daemon.js';
import { runPlain } from './capture-entry.js';

/** `sfs daemon run` from its own bundle (capture-entry.ts); false: the whole CLI handles it. */
export function runCapture(argv: string[]): Promise<boolean> {
  return runPlain(daemonCommand, argv, (_a, command) => command === 'run');
}
