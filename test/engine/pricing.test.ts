import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCost, normaliseModelId, priceFor, PRICES_AS_OF, PRICE_TABLE } from '../../engine/pricing.js';

const close = (a: number | null, b: number): void => {
  assert.ok(a !== null, 'priced');
  assert.ok(Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);
};

test('prices are dated', () => {
  assert.match(PRICES_AS_OF, /^2026-\d{2}/);
});

test('known models are priced', () => {
  // 1M of each kind
  const u = { input_tokens: 1e6, output_tokens: 1e6, cache_read_tokens: 1e6, cache_write_tokens: 1e6 };
  close(estimateCost('claude-opus-4-6', u), 5 + 25 + 0.5 + 6.25);
  close(estimateCost('claude-sonnet-4-5-20250929', u), 3 + 15 + 0.3 + 3.75);
  close(estimateCost('claude-haiku-4-5-20251001', u), 1 + 5 + 0.1 + 1.25);
  close(estimateCost('claude-opus-4-1-20250805', { output_tokens: 1e6 }), 75);
  close(estimateCost('gpt-5', u), 1.25 + 10 + 0.125 + 1.25);
  close(estimateCost('gpt-5.1-codex-max', { input_tokens: 1e6 }), 1.25);
  close(estimateCost('gpt-4.1-2025-04-14', { input_tokens: 1e6, output_tokens: 1e6 }), 10);
  close(estimateCost('o4-mini', { output_tokens: 1e6 }), 4.4);
  close(estimateCost('gemini-2.5-pro', { input_tokens: 1e6, output_tokens: 1e6 }), 11.25);
  close(estimateCost('models/gemini-3-pro-preview', { input_tokens: 1e6 }), 2);
  for (const [id, p] of Object.entries(PRICE_TABLE)) {
    assert.equal(normaliseModelId(id), id, `${id} is in normal form`);
    assert.ok(p.input > 0 && p.output > 0 && p.cacheRead > 0 && p.cacheWrite > 0, id);
  }
});

test('model ids are normalised', () => {
  assert.equal(normaliseModelId('anthropic/claude-sonnet-4.5'), 'claude-sonnet-4-5');
  assert.equal(normaliseModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), 'claude-sonnet-4-5');
  assert.equal(normaliseModelId('claude-opus-4-6[1m]'), 'claude-opus-4-6');
  assert.equal(normaliseModelId('claude-opus-4-5@20251101'), 'claude-opus-4-5');
  assert.equal(normaliseModelId('Claude Opus 4.6'), 'claude-opus-4-6');
  assert.equal(normaliseModelId('openai/gpt-5.2-2025-12-11'), 'gpt-5.2');
  assert.equal(normaliseModelId('o3-2025-04-16'), 'o3');
  assert.equal(normaliseModelId('claude-opus-4-20250514'), 'claude-opus-4');
});

test('unknown models give null, never a neighbour’s price', () => {
  const u = { input_tokens: 1000, output_tokens: 1000 };
  assert.equal(estimateCost('gpt-5.9-ultra', u), null);
  assert.equal(estimateCost('claude-opus-9', u), null);
  assert.equal(estimateCost('gemini-2.5-flash-preview-05-20', u), null);
  assert.equal(estimateCost('my-local-llama', u), null);
  assert.equal(estimateCost(null, u), null);
  assert.equal(estimateCost('', u), null);
  assert.equal(priceFor('gpt-5-turbo'), null);
});

test('long-context tier only for per-request usage', () => {
  const big = { input_tokens: 300_000, output_tokens: 1000 };
  close(estimateCost('gemini-2.5-pro', big), (300_000 * 1.25 + 1000 * 10) / 1e6);
  close(estimateCost('gemini-2.5-pro', big, { perRequest: true }), (300_000 * 2.5 + 1000 * 15) / 1e6);
  close(estimateCost('claude-opus-4-6', big, { perRequest: true }), (300_000 * 5 + 1000 * 25) / 1e6);
});

test('missing or odd usage fields count as zero', () => {
  close(estimateCost('gpt-5', { input_tokens: null, output_tokens: undefined, cache_read_tokens: -5, reasoning_tokens: 100 }), 0);
});
