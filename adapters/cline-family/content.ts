import type { ContentBlock, ImageBlock } from '../../engine/model/message.js';

/**
 * Anthropic-style content (what Cline, Roo and Kilo store in their API history and the
 * Cline SDK in its messages file) → SessionFS blocks. Unknown block types are kept verbatim.
 */
type Raw = Record<string, unknown>;

const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function convertContent(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const out: ContentBlock[] = [];
  for (const raw of content) {
    const b = convertBlock(raw);
    if (b) out.push(b);
  }
  return out;
}

function convertImage(b: Raw): ImageBlock | null {
  const src = isObj(b.source) ? b.source : null;
  if (!src) return null;
  if (src.type === 'base64' && typeof src.data === 'string') {
    return { type: 'image', source: { type: 'base64', media_type: str(src.media_type) || 'application/octet-stream', data: src.data } };
  }
  if (src.type === 'url' && typeof src.url === 'string') return { type: 'image', source: { type: 'url', url: src.url } };
  return null;
}

/** A data URL (as in ui_messages `images[]`) → an image block. */
export function imageFromDataUrl(url: string): ImageBlock {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1]!, data: m[2]! } };
  return { type: 'image', source: { type: 'url', url } };
}

function convertBlock(raw: unknown): ContentBlock | null {
  if (typeof raw === 'string') return raw === '' ? null : { type: 'text', text: raw };
  if (!isObj(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'text':
      return { type: 'text', text: str(raw.text) };
    case 'image':
      return convertImage(raw) ?? { ...raw, type: 'image' };
    case 'tool_use':
      return { type: 'tool_use', tool_use_id: str(raw.id) || str(raw.call_id), name: str(raw.name), input: raw.input ?? {} };
    case 'tool_result': {
      const inner = raw.content;
      const content = typeof inner === 'string' ? inner : convertContent(inner);
      const block: ContentBlock = { type: 'tool_result', tool_use_id: str(raw.tool_use_id), content };
      if (raw.is_error === true) block.is_error = true;
      return block;
    }
    case 'thinking':
      return { type: 'thinking', text: str(raw.thinking) || str(raw.text), signature: typeof raw.signature === 'string' ? raw.signature : null };
    case 'redacted_thinking':
      return { type: 'thinking', text: '', signature: str(raw.data) || null, redacted: true };
    case 'reasoning':
      return reasoningBlock(raw);
    default:
      return { ...raw, type: raw.type };
  }
}

/** OpenAI Responses-style reasoning item (Roo stores these as history entries): summary text + opaque payload. */
export function reasoningBlock(raw: Raw): ContentBlock {
  const parts: string[] = [];
  if (Array.isArray(raw.summary)) for (const s of raw.summary) if (isObj(s) && typeof s.text === 'string') parts.push(s.text);
  const text = parts.length ? parts.join('\n\n') : str(raw.text);
  const opaque = typeof raw.encrypted_content === 'string' ? raw.encrypted_content : null;
  return { type: 'thinking', text, signature: opaque, ...(text === '' && opaque ? { redacted: true } : {}) };
}
