import { type ContentBlock, type Message, type Usage, parseJsonBounded } from '../../engine/adapter-kit.js';
import { isObj, optStr, type Raw } from '../shared/values.js';

/**
 * One Cursor "bubble" (a chat/composer message) → messages. An assistant bubble that ran a
 * tool (`toolFormerData`) holds both the call and its result; the result becomes a `tool`
 * message of its own right after it so calls and results pair by id as in other tools.
 */

export function timeOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof v === 'string' && v) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  return null;
}

function roleOf(type: unknown): 'user' | 'assistant' | null {
  if (type === 1 || type === 'user') return 'user';
  if (type === 2 || type === 'ai' || type === 'assistant') return 'assistant';
  return null;
}

function thinkingBlocks(b: Raw): ContentBlock[] {
  const out: ContentBlock[] = [];
  const all = Array.isArray(b.allThinkingBlocks) ? b.allThinkingBlocks.filter(isObj) : [];
  const list = all.length ? all : isObj(b.thinking) ? [b.thinking] : [];
  for (const t of list) {
    const text = optStr(t.text) ?? optStr(t.thinking) ?? '';
    const signature = optStr(t.signature);
    if (text || signature) out.push({ type: 'thinking', text, signature });
  }
  return out;
}

function imageBlocks(b: Raw): ContentBlock[] {
  const out: ContentBlock[] = [];
  const ctx = isObj(b.context) ? b.context : b;
  const lists = [b.images, ctx.selectedImages];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const img of list) {
      const url = typeof img === 'string' ? img : isObj(img) ? (optStr(img.url) ?? optStr(img.dataUrl)) : null;
      const file = isObj(img) ? optStr(img.path) : null;
      if (url?.startsWith('data:')) {
        const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
        if (m) out.push({ type: 'image', source: { type: 'base64', media_type: m[1]!, data: m[2]! } });
      } else if (url) out.push({ type: 'image', source: { type: 'url', url } });
      else if (file) out.push({ type: 'image', source: { type: 'file', path: file } });
    }
  }
  return out;
}

function usageOf(b: Raw): Usage | null {
  const t = isObj(b.tokenCount) ? b.tokenCount : null;
  if (!t) return null;
  const input = typeof t.inputTokens === 'number' ? t.inputTokens : 0;
  const output = typeof t.outputTokens === 'number' ? t.outputTokens : 0;
  return input || output ? { input_tokens: input, output_tokens: output } : null;
}

function toolInput(tf: Raw): unknown {
  for (const v of [tf.rawArgs, tf.params]) {
    if (typeof v === 'string') {
      try {
        return parseJsonBounded(v);
      } catch {
        return v;
      }
    }
    if (v !== undefined && v !== null) return v;
  }
  return {};
}

/** Text fallback order used by readers of Cursor's store: text → rawText → content → message. */
function textOf(b: Raw): string | null {
  return optStr(b.text) ?? optStr(b.rawText) ?? optStr(b.content) ?? optStr(b.message);
}

export function bubbleMessages(bubbleId: string, b: Raw, headerType?: unknown): Message[] {
  const role = roleOf(b.type ?? headerType);
  if (!role) return [];
  const content: ContentBlock[] = [];
  if (role === 'assistant') content.push(...thinkingBlocks(b));
  const text = textOf(b);
  if (text) content.push({ type: 'text', text });
  if (role === 'user') content.push(...imageBlocks(b));
  const tf = isObj(b.toolFormerData) ? b.toolFormerData : null;
  const toolId = tf ? (optStr(tf.toolCallId) ?? `${bubbleId}:tool`) : null;
  if (tf && toolId) content.push({ type: 'tool_use', tool_use_id: toolId, name: optStr(tf.name) ?? String(tf.tool ?? 'tool'), input: toolInput(tf) });
  if (content.length === 0) return []; // an empty draft or placeholder bubble

  const timestamp = timeOf(b.createdAt) ?? timeOf(b.timestamp) ?? (isObj(b.timingInfo) ? timeOf(b.timingInfo.clientStartTime) : null);
  const msg: Message = { msg_id: bubbleId, role, content, timestamp };
  const model = (isObj(b.modelInfo) ? optStr(b.modelInfo.modelName) : null) ?? optStr(b.modelType);
  if (model) msg.model = model;
  const usage = usageOf(b);
  if (usage) msg.usage = usage;
  if (optStr(b.requestId)) msg.turn_id = b.requestId as string;
  const out = [msg];
  if (tf && toolId && tf.result !== undefined && tf.result !== null) {
    const result = typeof tf.result === 'string' ? tf.result : JSON.stringify(tf.result);
    const block: ContentBlock = { type: 'tool_result', tool_use_id: toolId, content: result };
    if (tf.status === 'error') block.is_error = true;
    out.push({ msg_id: `${bubbleId}:result`, role: 'tool', content: [block], timestamp });
  }
  return out;
}
