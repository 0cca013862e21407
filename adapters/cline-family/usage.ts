import type { Usage } from '../../engine/adapter-kit.js';
import { num, type Raw } from '../shared/values.js';

/** Drops absent fields; null when nothing was counted. */
export function usageOf(u: Usage): Usage | null {
  const out: Usage = {};
  for (const [k, v] of Object.entries(u) as [keyof Usage, number | undefined][]) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : null;
}

/** `metrics` on an API-history entry: SDK shape {inputTokens…} or classic {tokens {prompt, completion, cached}}. */
export function usageFromMetrics(metrics: unknown): Usage | null {
  if (!metrics || typeof metrics !== 'object') return null;
  const m = metrics as Raw;
  if (m.tokens && typeof m.tokens === 'object') {
    const t = m.tokens as Raw;
    return usageOf({ input_tokens: num(t.prompt), output_tokens: num(t.completion), cache_read_tokens: num(t.cached) });
  }
  return usageOf({
    input_tokens: num(m.inputTokens),
    output_tokens: num(m.outputTokens),
    cache_read_tokens: num(m.cacheReadTokens),
    cache_write_tokens: num(m.cacheWriteTokens),
  });
}

/** The JSON in a ui_messages `api_req_started` record (one model request). */
export function usageFromApiReq(info: Raw): Usage | null {
  return usageOf({
    input_tokens: num(info.tokensIn),
    output_tokens: num(info.tokensOut),
    cache_read_tokens: num(info.cacheReads),
    cache_write_tokens: num(info.cacheWrites),
  });
}
