import type { Message, Usage } from '../../engine/adapter-kit.js';
import type { UiFacts, UiRecord } from './ui-messages.js';

/**
 * Puts UI-only records next to the API history. A record belongs after the API message it
 * names (`conversationHistoryIndex`), else after the last API message not newer than it,
 * else at the end. Placing by the tool's own index or time keeps positions stable when the
 * files grow.
 */
function placeAfter(r: UiRecord, api: Message[], apiTimes: (number | null)[]): number {
  if (r.historyIndex !== null) return Math.min(r.historyIndex, api.length - 1);
  if (r.ts !== null && apiTimes.some((t) => t !== null)) {
    let at = -1;
    apiTimes.forEach((t, i) => {
      if (t !== null && t <= r.ts!) at = i;
    });
    return at;
  }
  return api.length - 1;
}

function addUsage(a: Usage | null | undefined, b: Usage): Usage {
  if (!a) return { ...b };
  const out: Usage = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof Usage, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Token counts from `api_req_started` go to the assistant answer of that request (the first
 * assistant message after the request's place), only where the history entry carries no
 * metrics itself. Several requests for one answer (a failed try and its retry) are summed:
 * each model call counts once.
 */
function assignUsage(api: Message[], apiTimes: (number | null)[], facts: UiFacts): void {
  if (api.some((m) => m.role === 'assistant' && m.usage)) return; // the history has its own per-call metrics
  const placed =
    facts.requests.some((r) => r.historyIndex !== null || r.ts !== null) &&
    (facts.requests.every((r) => r.historyIndex !== null) || apiTimes.some((t) => t !== null));
  const assistants = api.map((m, i) => (m.role === 'assistant' ? i : -1)).filter((i) => i >= 0);
  facts.requests.forEach((req, k) => {
    if (!req.usage) return;
    let target: number | undefined;
    if (placed) {
      const after = placeAfter(req, api, apiTimes);
      target = assistants.find((i) => i > after);
    } else {
      target = assistants[k];
    }
    if (target === undefined) return; // the answer is not in the history yet
    const m = api[target]!;
    m.usage = addUsage(m.usage, req.usage);
  });
}

export function mergeUi(api: Message[], apiTimes: (number | null)[], facts: UiFacts | null): Message[] {
  if (!facts) return api;
  assignUsage(api, apiTimes, facts);
  if (facts.events.length === 0) return api;
  const buckets = new Map<number, Message[]>();
  for (const e of facts.events) {
    const at = placeAfter(e.record, api, apiTimes);
    const list = buckets.get(at) ?? [];
    list.push(e.message);
    buckets.set(at, list);
  }
  const out: Message[] = [...(buckets.get(-1) ?? [])];
  api.forEach((m, i) => {
    out.push(m);
    out.push(...(buckets.get(i) ?? []));
  });
  return out;
}
