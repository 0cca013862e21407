import { join } from 'node:path';
import {
  SfsError,
  renderTarget,
  RULE_TARGETS,
  targetState,
  type RuleTarget,
  type TargetResult,
  type TargetState,
  readRegularFileSync,
} from '../../engine/index.js';
import { writeConfigAtomic } from '../mcp/install/write-file.js';

export function readOrNull(file: string): string | null {
  try {
    return readRegularFileSync(file).toString('utf8'); // a FIFO here must not hang the command
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SfsError('IO', `cannot read ${file}: ${(err as Error).message}`);
  }
}

export function targetStatuses(root: string, text: string): Array<{ target: RuleTarget; file: string; state: TargetState }> {
  return RULE_TARGETS.map((t) => ({ target: t, file: join(root, t.path), state: targetState(t, readOrNull(join(root, t.path)), text) }));
}

export interface WriteTargetsOptions {
  /** Only this tool's files. */
  tool?: string;
  /** Also overwrite hand-written and edited files (a backup is kept). */
  force?: boolean;
  dryRun?: boolean;
}

/**
 * Writes the compiled rules into the files under `root` (shared by `sfs rules compile`
 * and `sfs resume`): missing and stale files are written, current ones left as they
 * are, and files someone wrote or edited by hand are skipped unless `force`.
 */
export function writeRuleTargets(root: string, rulesText: string, o: WriteTargetsOptions = {}): TargetResult[] {
  const results: TargetResult[] = [];
  for (const s of targetStatuses(root, rulesText)) {
    if (o.tool && s.target.tool !== o.tool) continue;
    const protectedFile = s.state === 'hand-written' || s.state === 'edited';
    let action: TargetResult['action'];
    let backup: string | null = null;
    if (s.state === 'current') action = 'unchanged';
    else if (protectedFile && !o.force) action = 'skipped';
    else if (o.dryRun) action = s.state === 'missing' ? 'would create' : 'would overwrite';
    else {
      // Rule files are committed and read by every tool and teammate: ordinary modes, not private ones.
      backup = writeConfigAtomic(s.file, renderTarget(s.target, rulesText), { shared: true }).backup;
      action = s.state === 'missing' ? 'created' : 'updated';
    }
    results.push({ path: s.target.path, state: s.state, action, ...(backup ? { backup } : {}) });
  }
  return results;
}
