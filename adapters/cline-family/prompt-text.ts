import { type ContentBlock, unwrapUserInput } from '../../engine/adapter-kit.js';

/**
 * Recognising what the extension wrapped around or injected into user turns: the
 * `<task>` wrapper, `<environment_details>` blocks, the CLI's `<user_input>` wrapper and
 * resumption notices. Used for titles, cwd and the is_injected mark.
 */
const ENV_DETAILS = /<environment_details>[\s\S]*?(<\/environment_details>|$)/g;
const INJECTED_PREFIXES = ['[TASK RESUMPTION]', '<environment_details>', '<system-reminder>', '[ERROR] You did not use a tool'];

/** The prompt a person typed, with the harness' wrappers removed. */
export function cleanPrompt(text: string): string {
  let t = text;
  const task = /<task>([\s\S]*?)(<\/task>|$)/.exec(t);
  if (task) t = task[1]!;
  const input = /<user_input[^>]*>([\s\S]*?)(<\/user_input>|$)/.exec(t);
  if (input) t = input[1]!;
  const feedback = /^\s*<feedback>([\s\S]*?)(<\/feedback>|$)/.exec(t);
  if (feedback) t = feedback[1]!;
  return t.replace(ENV_DETAILS, '').trim();
}

/** A user turn's blocks with the CLI's `<user_input>` wrapper taken off its text, and the mode it named. */
export function unwrapUserInputBlocks(blocks: ContentBlock[]): { blocks: ContentBlock[]; mode: string | null } {
  let mode: string | null = null;
  const out = blocks.map((b) => {
    if (b.type !== 'text' || typeof b.text !== 'string') return b;
    const u = unwrapUserInput(b.text);
    if (!u) return b;
    mode ??= u.mode;
    return { ...b, text: u.text };
  });
  return { blocks: out, mode };
}

export function isInjectedText(text: string): boolean {
  const t = text.trimStart();
  return INJECTED_PREFIXES.some((p) => t.startsWith(p));
}

/** A user turn made only of injected text (no typed words, no tool results, no images). */
export function isInjectedTurn(blocks: ContentBlock[]): boolean {
  if (blocks.length === 0) return false;
  return blocks.every((b) => b.type === 'text' && isInjectedText((b as { text: string }).text));
}

/** cwd as the extension reports it inside `<environment_details>` (Cline: Working, Roo: Workspace). */
export function cwdFromEnvironmentDetails(text: string): string | null {
  const m = /# Current (?:Working|Workspace) Directory \((.+?)\) Files/.exec(text);
  return m ? m[1]! : null;
}

/** Titles are one line, bounded. */
export function titleFrom(text: string | null | undefined): string | null {
  if (!text) return null;
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  return line.length > 200 ? line.slice(0, 199) + '…' : line;
}
