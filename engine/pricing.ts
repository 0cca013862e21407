/**
 * List prices per model, USD per million tokens, for cost estimates in `sfs show`,
 * stats and the manifest's `estimated_cost_usd`. An unknown model gives null: a
 * missing estimate is better than a wrong one, so ids are matched exactly after
 * normalising (no prefix guessing: "gpt-5" must never price "gpt-5.5").
 *
 * Sources (standard tier, no batch/priority/fast-mode discounts or surcharges):
 * - Anthropic: platform.claude.com/docs/en/about-claude/pricing (model table: base
 *   input, 5m cache writes, cache hits, output; long-context table for Sonnet 4/4.5),
 *   cross-checked with GitHub's Copilot models-and-pricing table (github/docs
 *   data/tables/copilot/models-and-pricing.yml).
 * - OpenAI: developers.openai.com/api/docs/pricing as quoted by the same GitHub table
 *   (GPT-5 mini, 5.2, 5.3-Codex, 5.4 family, 5.5 with the >272K tier) and by
 *   third-party snapshots dated 2026 (gpt-5/5.1/-codex/-codex-max at 1.25/0.125/10,
 *   gpt-5.2(-codex) 1.75/0.175/14, gpt-4.1 family, o3 after its June 2025 cut,
 *   o4-mini, codex-mini-latest).
 * - Google: ai.google.dev/gemini-api/docs/pricing as quoted in 2026 snapshots
 *   (2.5 Pro/Flash/Flash-Lite, 3 / 3.1 Pro preview with the >200K tier, 3 Flash preview).
 *
 * Conventions: `input` is uncached input; `cacheRead` a cache hit; `cacheWrite` a
 * token written to the cache (Anthropic's 5-minute write price; OpenAI and Google
 * charge no write premium, so it equals `input` there — Google's hourly cache
 * storage is not a per-token price and is left out). Reasoning/thinking tokens are
 * billed as output and are assumed to be included in `output_tokens` already (as
 * Anthropic and OpenAI report them), so they are not added again.
 */
export const PRICES_AS_OF = '2026-05';

export interface Rates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ModelPrice extends Rates {
  provider: 'anthropic' | 'openai' | 'google';
  /** Higher rates for every token of a request whose prompt exceeds `threshold` tokens. */
  longContext?: Rates & { threshold: number };
}

export interface TokenUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_tokens?: number | null;
  cache_write_tokens?: number | null;
  reasoning_tokens?: number | null;
}

const anthropic = (input: number, output: number, long?: ModelPrice['longContext']): ModelPrice => ({
  provider: 'anthropic',
  input,
  output,
  cacheRead: Number((input * 0.1).toFixed(6)),
  cacheWrite: Number((input * 1.25).toFixed(6)),
  ...(long ? { longContext: long } : {}),
});
const openai = (input: number, cacheRead: number, output: number, long?: ModelPrice['longContext']): ModelPrice => ({
  provider: 'openai',
  input,
  output,
  cacheRead,
  cacheWrite: input,
  ...(long ? { longContext: long } : {}),
});
const google = (input: number, cacheRead: number, output: number, long?: ModelPrice['longContext']): ModelPrice => ({
  provider: 'google',
  input,
  output,
  cacheRead,
  cacheWrite: input,
  ...(long ? { longContext: long } : {}),
});
const tier = (threshold: number, input: number, cacheRead: number, output: number, cacheWrite = input): NonNullable<ModelPrice['longContext']> => ({
  threshold,
  input,
  output,
  cacheRead,
  cacheWrite,
});

/** Keyed by normalised id (see normaliseModelId). */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // Anthropic — Opus 4.5 onwards cut to $5/$25; Opus 4 / 4.1 stay at $15/$75.
  'claude-opus-4-8': anthropic(5, 25),
  'claude-opus-4-7': anthropic(5, 25),
  'claude-opus-4-6': anthropic(5, 25),
  'claude-opus-4-5': anthropic(5, 25),
  'claude-opus-4-1': anthropic(15, 75),
  'claude-opus-4': anthropic(15, 75),
  // Sonnet 4.6 is listed without the long-context surcharge; 4 and 4.5 have it.
  'claude-sonnet-4-6': anthropic(3, 15),
  'claude-sonnet-4-5': anthropic(3, 15, tier(200_000, 6, 0.6, 22.5, 7.5)),
  'claude-sonnet-4': anthropic(3, 15, tier(200_000, 6, 0.6, 22.5, 7.5)),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-7-sonnet': anthropic(3, 15),
  'claude-3-5-haiku': anthropic(0.8, 4),

  // OpenAI
  'gpt-5.5': openai(5, 0.5, 30, tier(272_000, 10, 1, 45)),
  'gpt-5.4': openai(2.5, 0.25, 15, tier(272_000, 5, 0.5, 22.5)),
  'gpt-5.4-mini': openai(0.75, 0.075, 4.5),
  'gpt-5.4-nano': openai(0.2, 0.02, 1.25),
  'gpt-5.3-codex': openai(1.75, 0.175, 14),
  'gpt-5.2': openai(1.75, 0.175, 14),
  'gpt-5.2-codex': openai(1.75, 0.175, 14),
  'gpt-5.1': openai(1.25, 0.125, 10),
  'gpt-5.1-codex': openai(1.25, 0.125, 10),
  'gpt-5.1-codex-max': openai(1.25, 0.125, 10),
  'gpt-5.1-codex-mini': openai(0.25, 0.025, 2),
  'gpt-5': openai(1.25, 0.125, 10),
  'gpt-5-chat-latest': openai(1.25, 0.125, 10),
  'gpt-5-codex': openai(1.25, 0.125, 10),
  'gpt-5-mini': openai(0.25, 0.025, 2),
  'gpt-5-nano': openai(0.05, 0.005, 0.4),
  'gpt-4.1': openai(2, 0.5, 8),
  'gpt-4.1-mini': openai(0.4, 0.1, 1.6),
  'gpt-4.1-nano': openai(0.1, 0.025, 0.4),
  o3: openai(2, 0.5, 8),
  'o4-mini': openai(1.1, 0.275, 4.4),
  'codex-mini-latest': openai(1.5, 0.375, 6),

  // Google — preview ids are listed one by one: older dated previews had other prices.
  'gemini-3.1-pro-preview': google(2, 0.2, 12, tier(200_000, 4, 0.4, 18)),
  'gemini-3-pro-preview': google(2, 0.2, 12, tier(200_000, 4, 0.4, 18)),
  'gemini-3-flash-preview': google(0.5, 0.05, 3),
  'gemini-2.5-pro': google(1.25, 0.125, 10, tier(200_000, 2.5, 0.25, 15)),
  'gemini-2.5-flash': google(0.3, 0.03, 2.5),
  'gemini-2.5-flash-lite': google(0.1, 0.01, 0.4),
});

/** Other spellings of the same model. */
const ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'claude-opus-4-0': 'claude-opus-4',
  'claude-4-opus': 'claude-opus-4',
  'claude-sonnet-4-0': 'claude-sonnet-4',
  'claude-4-sonnet': 'claude-sonnet-4',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku',
  'gpt-5-chat': 'gpt-5-chat-latest',
});

/**
 * Lower-case; drop provider/router prefixes (`anthropic/`, `models/`, Bedrock's
 * `us.anthropic.`), context-size and version suffixes (`[1m]`, `-v1:0`, `@20250929`,
 * `-20250929`, `-2025-04-14`); Claude versions written with a dot become dashes
 * (`claude-sonnet-4.5` → `claude-sonnet-4-5`), spaces become dashes.
 */
export function normaliseModelId(model: string): string {
  let id = model.trim().toLowerCase().replace(/\s+/g, '-');
  id = id.replace(/^(?:[a-z0-9_-]+\/)+/, ''); // openrouter-style "provider/model", "models/x"
  id = id.replace(/^(?:(?:us|eu|apac|global)\.)?anthropic\./, ''); // Bedrock
  id = id.replace(/\[[^\]]*\]$/, ''); // Claude Code's "[1m]"
  id = id.replace(/-v\d+(?::\d+)?$/, '').replace(/:\d+$/, ''); // Bedrock "-v1:0"
  id = id.replace(/@\d{8}$/, ''); // Vertex "@20250929"
  id = id.replace(/-\d{8}$/, '').replace(/-\d{4}-\d{2}-\d{2}$/, ''); // dated snapshots
  if (id.startsWith('claude-')) id = id.replace(/(\d)\.(\d)/g, '$1-$2');
  return ALIASES[id] ?? id;
}

export function priceFor(model: string | null | undefined): ModelPrice | null {
  if (!model) return null;
  return PRICE_TABLE[normaliseModelId(model)] ?? null;
}

export interface EstimateOptions {
  /**
   * The usage is one request's, so a long-context tier applies when its prompt
   * crosses the threshold. Off by default: summed usage over many requests says
   * nothing about any one prompt's length, and base rates are the honest estimate.
   */
  perRequest?: boolean;
}

const n = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** USD for `usage` on `model` at list price, or null when the model is not in the table. */
export function estimateCost(model: string | null | undefined, usage: TokenUsage, opts: EstimateOptions = {}): number | null {
  const price = priceFor(model);
  if (!price) return null;
  const input = n(usage.input_tokens);
  const output = n(usage.output_tokens);
  const cacheRead = n(usage.cache_read_tokens);
  const cacheWrite = n(usage.cache_write_tokens);
  let rates: Rates = price;
  if (opts.perRequest && price.longContext && input + cacheRead + cacheWrite > price.longContext.threshold) rates = price.longContext;
  return (input * rates.input + output * rates.output + cacheRead * rates.cacheRead + cacheWrite * rates.cacheWrite) / 1_000_000;
}
