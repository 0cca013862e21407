import type { ResumeTarget } from './types.js';

/**
 * What each target's model API accepts. `family` names who can verify an opaque reasoning
 * payload (a signature only means something to the provider that issued it).
 */
export interface TargetTraits {
  family: string;
  /** The provider rejects thinking blocks without a signature it issued (Anthropic, OpenAI reasoning items). */
  thinkingNeedsSignature: boolean;
  imagesInUser: boolean;
  imagesInToolResults: boolean;
  /** Default context window in tokens when no limit is configured. */
  contextTokens: number;
}

export const TARGET_TRAITS: Record<ResumeTarget, TargetTraits> = {
  'claude-code': { family: 'anthropic', thinkingNeedsSignature: true, imagesInUser: true, imagesInToolResults: true, contextTokens: 200_000 },
  codex: { family: 'openai', thinkingNeedsSignature: true, imagesInUser: true, imagesInToolResults: false, contextTokens: 272_000 },
  gemini: { family: 'google', thinkingNeedsSignature: false, imagesInUser: true, imagesInToolResults: false, contextTokens: 1_000_000 },
  // Copilot talks to whichever provider its account or BYOK setting picks, and strips opaque reasoning on resume.
  copilot: { family: 'github-copilot', thinkingNeedsSignature: false, imagesInUser: true, imagesInToolResults: false, contextTokens: 128_000 },
  // OpenCode and the Kilo CLI talk to whichever provider their config names: a signature is kept only for the
  // tool's own sessions, and the window is the smallest common one (the model is not known when writing).
  'kilo-code': { family: 'kilo', thinkingNeedsSignature: false, imagesInUser: true, imagesInToolResults: false, contextTokens: 128_000 },
  opencode: { family: 'opencode', thinkingNeedsSignature: false, imagesInUser: true, imagesInToolResults: false, contextTokens: 128_000 },
};

const TOOL_FAMILY: Record<string, string> = {
  'claude-code': 'anthropic',
  codex: 'openai',
  gemini: 'google',
  copilot: 'github-copilot',
  'kilo-code': 'kilo',
  opencode: 'opencode',
};
const PROVIDER_FAMILY: Record<string, string> = { anthropic: 'anthropic', openai: 'openai', google: 'google', gemini: 'google', vertex: 'google' };

/** Who issued a message's reasoning payload: the provider named on it if we know it, else the tool's own. */
export function familyOf(sourceTool: string, provider: string | null | undefined): string | null {
  const p = provider ? PROVIDER_FAMILY[provider.toLowerCase()] : undefined;
  return p ?? TOOL_FAMILY[sourceTool] ?? null;
}
