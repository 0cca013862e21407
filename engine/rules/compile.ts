import { createHash } from 'node:crypto';

/**
 * Compiles the canonical rule set into the files each agent reads. Output is a pure
 * function of the rules text: the same rules give byte-identical files. Each file
 * carries a marker with a hash of its own content, so a file someone edited by hand
 * afterwards is recognised and left alone.
 */
export const RULE_TARGETS = [
  { tool: 'claude-code', path: 'CLAUDE.md', kind: 'md' },
  { tool: 'codex', path: 'AGENTS.md', kind: 'md' },
  { tool: 'cursor', path: '.cursor/rules/sessionfs.mdc', kind: 'mdc' },
  { tool: 'cursor', path: '.cursorrules', kind: 'md' },
  { tool: 'copilot', path: '.github/copilot-instructions.md', kind: 'md' },
  { tool: 'gemini', path: 'GEMINI.md', kind: 'md' },
] as const;

export type RuleTarget = (typeof RULE_TARGETS)[number];
export const RULE_TOOLS = [...new Set(RULE_TARGETS.map((t) => t.tool))];

const MARKER_RE = /^<!-- Managed by SessionFS \(sfs rules compile\); edit the rules with "sfs rules edit", not this file\. content-sha256:([0-9a-f]{16}) -->$/m;

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

function marker(body: string): string {
  return `<!-- Managed by SessionFS (sfs rules compile); edit the rules with "sfs rules edit", not this file. content-sha256:${sha(body)} -->`;
}

/** The file's text for this target. */
export function renderTarget(target: RuleTarget, rulesText: string): string {
  const body = rulesText.replace(/\r\n/g, '\n').trim() + '\n';
  if (target.kind === 'mdc') {
    const front = '---\ndescription: Project rules for AI agents (managed by SessionFS)\nalwaysApply: true\n---\n';
    return `${front}${marker(body)}\n\n${body}`;
  }
  return `${marker(body)}\n\n${body}`;
}

export type TargetState = 'missing' | 'current' | 'stale' | 'hand-written' | 'edited';

/**
 * missing: no file. current: our output for these rules. stale: ours, for older rules.
 * hand-written: no marker. edited: has our marker but its content changed since.
 */
export function targetState(target: RuleTarget, existing: string | null, rulesText: string): TargetState {
  if (existing === null) return 'missing';
  if (existing === renderTarget(target, rulesText)) return 'current';
  const m = MARKER_RE.exec(existing);
  if (!m) return 'hand-written';
  const body = existing.slice(m.index + m[0].length).replace(/^\n\n/, '');
  return sha(body) === m[1] ? 'stale' : 'edited';
}

export function isManaged(text: string): boolean {
  return MARKER_RE.test(text);
}

export const RULES_TEMPLATE = `# Project rules

Rules every AI coding agent follows in this repository. Keep them short and concrete.

## Build and test
- 

## Code style
- 

## Never
- 
`;

/** What compiling did to one target file. */
export interface TargetResult {
  path: string;
  state: TargetState;
  action: 'created' | 'updated' | 'unchanged' | 'skipped' | 'would create' | 'would overwrite';
  backup?: string;
}

/** The rules step of a resume: which rule set applies to the project and what happened to the target's files. */
export interface ResumeRules {
  project: string;
  version: number;
  hash: string;
  files: TargetResult[];
  /** One line per file left alone because someone wrote or edited it by hand. */
  warnings: string[];
}
