import type { CaptureProblem } from './contract.js';

/**
 * Problems of one capture pass grouped by file and kind, so a file with hundreds of bad
 * lines is one warning with a count (the daemon's log and `sfs daemon status`), not hundreds.
 */
export interface ProblemGroup extends CaptureProblem {
  /** How many problems of this kind the file had in the pass; `where`/`message` are the first one's. */
  count: number;
  kind: string;
}

/**
 * The kind of a problem: its message without the details after the first colon and with
 * numbers blanked ("invalid JSON: Unexpected token…" → "invalid JSON"; "300.0 MB line over
 * the 64.0 MB limit, skipped" → "# MB line over the # MB limit, skipped").
 */
export function problemKind(message: string): string {
  const head = message.split(':')[0] ?? message;
  return head.replace(/\d+(\.\d+)?/g, '#').trim();
}

export function groupProblems(problems: readonly CaptureProblem[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const p of problems) {
    const kind = problemKind(p.message);
    const key = `${p.path}\0${kind}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { ...p, kind, count: 1 });
  }
  return [...groups.values()];
}

/** The group as one line's message: the first problem, plus how many more there were. */
export function groupMessage(g: ProblemGroup): string {
  return g.count > 1 ? `${g.message} (and ${g.count - 1} more like it in this file)` : g.message;
}
