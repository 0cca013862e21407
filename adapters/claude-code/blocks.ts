import type { ContentBlock, ImageBlock } from '../../engine/model/message.js';
import { isObj, str, type Obj } from './values.js';

/** Anthropic content (string or block array) → SessionFS blocks. Unknown blocks are kept verbatim. */
export function toBlocks(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const out: ContentBlock[] = [];
  for (const b of content) {
    const block = toBlock(b);
    if (block) out.push(block);
  }
  return out;
}

function toImage(b: Obj): ImageBlock | null {
  const src = b.source;
  if (!isObj(src)) return null;
  if (src.type === 'base64' && typeof src.data === 'string') {
    return { type: 'image', source: { type: 'base64', media_type: str(src.media_type) ?? 'application/octet-stream', data: src.data } };
  }
  if (src.type === 'url' && typeof src.url === 'string') return { type: 'image', source: { type: 'url', url: src.url } };
  return null;
}

const KNOWN = new Set(['text', 'thinking', 'tool_use', 'tool_result', 'image', 'summary']);

function toBlock(b: unknown): ContentBlock | null {
  if (typeof b === 'string') return { type: 'text', text: b };
  if (!isObj(b)) return null;
  switch (b.type) {
    case 'text':
      return { type: 'text', text: str(b.text) ?? '' };
    case 'thinking':
      return { type: 'thinking', text: str(b.thinking) ?? str(b.text) ?? '', signature: str(b.signature) };
    case 'redacted_thinking':
      // The opaque payload is the only content; keep it where signatures live.
      return { type: 'thinking', text: '', redacted: true, signature: str(b.data) };
    case 'tool_use':
      if (typeof b.id === 'string') return { type: 'tool_use', tool_use_id: b.id, name: str(b.name) ?? '', input: b.input ?? null };
      break;
    case 'tool_result':
      if (typeof b.tool_use_id === 'string') {
        const content = typeof b.content === 'string' ? b.content : Array.isArray(b.content) ? toBlocks(b.content) : '';
        return b.is_error === true
          ? { type: 'tool_result', tool_use_id: b.tool_use_id, content, is_error: true }
          : { type: 'tool_result', tool_use_id: b.tool_use_id, content };
      }
      break;
    case 'image': {
      const img = toImage(b);
      if (img) return img;
      return { ...b, type: 'anthropic_image' };
    }
  }
  // A known type with a broken shape is renamed so it cannot pass for a valid block.
  if (typeof b.type === 'string' && KNOWN.has(b.type)) return { type: `malformed_${b.type}`, value: b };
  if (typeof b.type === 'string' && b.type !== '') return { ...b, type: b.type };
  return { type: 'unknown', value: b };
}

/** Ids of tool calls in blocks. */
export function toolUseIds(blocks: ContentBlock[]): string[] {
  const ids: string[] = [];
  for (const b of blocks) if (b.type === 'tool_use' && typeof b.tool_use_id === 'string') ids.push(b.tool_use_id as string);
  return ids;
}

/** Ids answered by tool results in blocks. */
export function toolResultIds(blocks: ContentBlock[]): string[] {
  const ids: string[] = [];
  for (const b of blocks) if (b.type === 'tool_result' && typeof b.tool_use_id === 'string') ids.push(b.tool_use_id as string);
  return ids;
}
