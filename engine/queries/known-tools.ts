import { TOOL_NAMES } from '../capture/contract.js';
import { SfsError } from '../errors.js';
import type { ProjectionDb } from '../projections/db.js';

/**
 * The tool names a `--tool` filter may name: the nine captured tools, and any other name a
 * stored session carries (an imported `.sfs` may come from a tool SessionFS does not capture).
 */
export function knownTools(db: ProjectionDb): string[] {
  const stored = (db.prepare('SELECT DISTINCT tool FROM sessions WHERE tool IS NOT NULL AND purged = 0 ORDER BY tool').all() as { tool: string }[]).map(
    (r) => r.tool,
  );
  return [...new Set<string>([...TOOL_NAMES, ...stored])];
}

/** A usage error for a tool name no session can have (a typo would otherwise just match nothing). */
export function checkToolName(db: ProjectionDb, tool: string | undefined, option = '--tool'): void {
  if (tool === undefined) return;
  const known = knownTools(db);
  if (!known.includes(tool)) throw new SfsError('USAGE', `${option}: unknown tool "${tool}"; known: ${known.join(', ')}`, { known });
}
