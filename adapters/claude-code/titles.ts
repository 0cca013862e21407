import type { ContentBlock } from '../../engine/adapter-kit.js';

/** Text the harness put into a user turn (slash-command echoes, reminders), not typed by the user. */
const INJECTED_PREFIXES = [
  '<local-command-stdout>',
  '<local-command-stderr>',
  '<local-command-caveat>',
  '<system-reminder>',
  'Caveat: The messages below were generated',
];

/** Prompts that never make a title (commands, interruptions) even though the user caused them. */
const NOT_A_TITLE = [...INJECTED_PREFIXES, '<command-name>', '<command-message>', '<command-args>', '[Request interrupted', '<bash-stdout>', '<bash-stderr>'];

export function userText(blocks: ContentBlock[]): string {
  return blocks
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => (b as { text: string }).text)
    .join('\n')
    .trim();
}

export function isInjectedText(text: string): boolean {
  const t = text.trimStart();
  return t !== '' && INJECTED_PREFIXES.some((p) => t.startsWith(p));
}

export function isTitleCandidate(text: string): boolean {
  const t = text.trimStart();
  return t !== '' && !NOT_A_TITLE.some((p) => t.startsWith(p));
}
