import { type CaptureProblem, type ContentBlock, type Message, type Usage, parseJsonBounded } from '../../engine/adapter-kit.js';
import { isoFromMs } from './api-history.js';
import { imageFromDataUrl } from '../shared/anthropic-content.js';
import { derivedMsgId } from '../shared/ids.js';
import { usageFromApiReq } from './usage.js';
import { isObj, type Raw, str } from '../shared/values.js';

/**
 * What only the UI timeline (`ui_messages.json`, ClineMessage[]) knows: per-request token
 * counts, API errors, context compaction, and — for tasks without an API history — the
 * conversation itself. `ts` is the record's identity.
 */

export interface UiRecord {
  ts: number | null;
  /** Index of the last API-history message when the record was written, if the tool says. */
  historyIndex: number | null;
  raw: Raw;
}

export interface ApiRequest extends UiRecord {
  usage: Usage | null;
  failure: string | null;
}

export interface UiFacts {
  records: UiRecord[];
  requests: ApiRequest[];
  /** Records that become messages of their own (errors, compaction) when merged with the API history. */
  events: { record: UiRecord; message: Message }[];
  firstPrompt: string | null;
}

function parseJsonText(text: unknown): Raw | null {
  if (typeof text !== 'string') return null;
  try {
    const v = parseJsonBounded(text);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

function eventMessage(sessionId: string, r: UiRecord, index: number): Message | null {
  const kind = r.raw.type === 'ask' ? `ask:${str(r.raw.ask)}` : `say:${str(r.raw.say)}`;
  const key = `ui:${r.ts ?? `idx${index}`}:${kind}`;
  const base = { msg_id: derivedMsgId(sessionId, key), timestamp: isoFromMs(r.ts) };
  const text = str(r.raw.text);
  switch (kind) {
    case 'ask:api_req_failed':
      return { ...base, role: 'system', content: [{ type: 'text', text: text || 'API request failed' }], is_api_error: true };
    case 'say:error':
      return { ...base, role: 'system', content: [{ type: 'text', text }] };
    case 'say:compaction':
    case 'say:condense_context':
    case 'say:sliding_window_truncation': {
      const details = isObj(r.raw.contextCondense) ? r.raw.contextCondense : isObj(r.raw.contextTruncation) ? r.raw.contextTruncation : null;
      const summary = (details && str(details.summary)) || text || kind.slice(4);
      return { ...base, role: 'system', content: [{ type: 'summary', text: summary }], is_compaction: true };
    }
    default:
      return null;
  }
}

export function readUiMessages(sessionId: string, value: unknown, file: string, problems: CaptureProblem[]): UiFacts {
  const facts: UiFacts = { records: [], requests: [], events: [], firstPrompt: null };
  if (!Array.isArray(value)) {
    problems.push({ path: file, message: 'expected a JSON array of UI messages' });
    return facts;
  }
  value.forEach((raw, index) => {
    if (!isObj(raw)) {
      problems.push({ path: file, where: `[${index}]`, message: 'UI message is not an object' });
      return;
    }
    if (raw.partial === true) return; // still streaming; the complete record replaces it
    const r: UiRecord = {
      ts: typeof raw.ts === 'number' ? raw.ts : null,
      historyIndex: typeof raw.conversationHistoryIndex === 'number' ? raw.conversationHistoryIndex : null,
      raw,
    };
    facts.records.push(r);
    if (raw.say === 'task' && facts.firstPrompt === null) facts.firstPrompt = str(raw.text);
    if (raw.say === 'api_req_started') {
      const info = parseJsonText(raw.text);
      if (!info && raw.text !== undefined) problems.push({ path: file, where: `ts ${r.ts}`, message: 'api_req_started text is not JSON' });
      const failure = info ? str(info.streamingFailedMessage) || null : null;
      facts.requests.push({ ...r, usage: info ? usageFromApiReq(info) : null, failure });
      if (failure) {
        const message: Message = {
          msg_id: derivedMsgId(sessionId, `ui:${r.ts ?? `idx${index}`}:stream-failed`),
          timestamp: isoFromMs(r.ts),
          role: 'system',
          content: [{ type: 'text', text: failure }],
          is_api_error: true,
        };
        facts.events.push({ record: r, message });
      }
      return;
    }
    const m = eventMessage(sessionId, r, index);
    if (m) facts.events.push({ record: r, message: m });
  });
  return facts;
}

/** A conversation rebuilt from the UI alone (very old tasks, or the API history is missing). */
export function conversationFromUi(sessionId: string, facts: UiFacts): Message[] {
  const out: Message[] = [];
  facts.records.forEach((r, index) => {
    const say = r.raw.type === 'say' ? str(r.raw.say) : '';
    const role = say === 'task' || say === 'user_feedback' ? 'user' : say === 'text' || say === 'completion_result' || say === 'reasoning' ? 'assistant' : null;
    const event = facts.events.find((e) => e.record === r);
    if (event) {
      out.push(event.message);
      return;
    }
    if (!role) return;
    const content: ContentBlock[] = [];
    const text = str(r.raw.text);
    if (say === 'reasoning') content.push({ type: 'thinking', text, signature: null });
    else if (text) content.push({ type: 'text', text });
    if (Array.isArray(r.raw.images)) for (const img of r.raw.images) if (typeof img === 'string') content.push(imageFromDataUrl(img));
    if (content.length === 0) return;
    out.push({ msg_id: derivedMsgId(sessionId, `ui:${r.ts ?? `idx${index}`}:say:${say}`), role, content, timestamp: isoFromMs(r.ts) });
  });
  return out;
}
