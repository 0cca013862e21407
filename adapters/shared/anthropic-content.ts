import type { ContentBlock, ImageBlock } from '../../engine/adapter-kit.js';
import { isObj, optStr, str, strOrNull, type Raw } from './values.js';

/**
 * The Anthropic content-block parser of the adapter kit: Anthropic content (a string or a
 * block array) → SessionFS blocks. Unknown block types are kept verbatim.
 *
 * Two adapter families read this format and shipped with different rules. Where the rules
 * agree the code is one; where they differ the caller names its rules, and both stay as they
 * are: a captured message's content (down to the order of its keys) is hashed to tell a
 * revision from a repeat, so changing one set of rules would revise every stored message it
 * touches on the next capture.
 *
 * - `'strict'` (Claude Code transcripts, Cursor's agent transcripts): a block keeps what the
 *   file says. '' is a value (`strOrNull(a) ?? strOrNull(b)`), an empty string is an empty
 *   text block, a tool call or result without its string id and a `summary` block are
 *   renamed `malformed_<type>` so they cannot pass for valid (or pair), a block without a
 *   type is kept as `{type: 'unknown', value}`, and an image without a readable source
 *   becomes `anthropic_image`.
 * - `'lenient'` (the Cline family's API history, the Cline SDK's messages): a block is filled
 *   in the way the extension itself sends it back to the API. '' counts as absent
 *   (`optStr(a) ?? optStr(b)`), empty text is dropped, a missing tool id is '' (or the
 *   Responses-style `call_id`), a missing input `{}`, a block without a type is dropped, and
 *   OpenAI-style `reasoning` items (Roo) become thinking.
 */
export type BlockRules = 'strict' | 'lenient';

export function anthropicBlocks(content: unknown, rules: BlockRules): ContentBlock[] {
  if (typeof content === 'string') return content === '' && rules === 'lenient' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const out: ContentBlock[] = [];
  for (const raw of content) {
    const block = anthropicBlock(raw, rules);
    if (block) out.push(block);
  }
  return out;
}

/** Types a strict block must have the right shape for; a broken one is renamed `malformed_<type>`. */
const KNOWN = new Set(['text', 'thinking', 'tool_use', 'tool_result', 'image', 'summary']);

function anthropicBlock(b: unknown, rules: BlockRules): ContentBlock | null {
  const strict = rules === 'strict';
  /** A field with a fallback after it: is '' a value (strict) or absent (lenient)? */
  const field = strict ? strOrNull : optStr;
  if (typeof b === 'string') return b === '' && !strict ? null : { type: 'text', text: b };
  if (!isObj(b)) return null;
  const type = b.type;
  if (typeof type !== 'string') return strict ? { type: 'unknown', value: b } : null;
  switch (type) {
    case 'text':
      return { type: 'text', text: str(b.text) };
    case 'thinking':
      return { type: 'thinking', text: field(b.thinking) ?? field(b.text) ?? '', signature: strOrNull(b.signature) };
    case 'redacted_thinking':
      // The opaque payload is the only content; keep it where signatures live. The two
      // rule sets wrote the keys in a different order, which the content hash sees.
      return strict
        ? { type: 'thinking', text: '', redacted: true, signature: field(b.data) }
        : { type: 'thinking', text: '', signature: field(b.data), redacted: true };
    case 'tool_use':
      if (!strict) return { type: 'tool_use', tool_use_id: str(b.id) || str(b.call_id), name: str(b.name), input: b.input ?? {} };
      if (typeof b.id === 'string') return { type: 'tool_use', tool_use_id: b.id, name: str(b.name), input: b.input ?? null };
      break;
    case 'tool_result': {
      if (strict && typeof b.tool_use_id !== 'string') break;
      const inner = b.content;
      const content = typeof inner === 'string' ? inner : Array.isArray(inner) || !strict ? anthropicBlocks(inner, rules) : '';
      const block: ContentBlock = { type: 'tool_result', tool_use_id: str(b.tool_use_id), content };
      if (b.is_error === true) block.is_error = true;
      return block;
    }
    case 'image':
      return imageBlock(b, field) ?? { ...b, type: strict ? 'anthropic_image' : 'image' };
    case 'reasoning':
      if (!strict) return reasoningBlock(b);
      break;
  }
  if (strict && KNOWN.has(type)) return { type: `malformed_${type}`, value: b };
  if (strict && type === '') return { type: 'unknown', value: b };
  return { ...b, type };
}

function imageBlock(b: Raw, field: (v: unknown) => string | null): ImageBlock | null {
  const src = b.source;
  if (!isObj(src)) return null;
  if (src.type === 'base64' && typeof src.data === 'string') {
    return { type: 'image', source: { type: 'base64', media_type: field(src.media_type) ?? 'application/octet-stream', data: src.data } };
  }
  if (src.type === 'url' && typeof src.url === 'string') return { type: 'image', source: { type: 'url', url: src.url } };
  return null;
}

/** A data URL (as in Cline's ui_messages `images[]`) → an image block. */
export function imageFromDataUrl(url: string): ImageBlock {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1]!, data: m[2]! } };
  return { type: 'image', source: { type: 'url', url } };
}

/** OpenAI Responses-style reasoning item (Roo stores these as history entries): summary text + opaque payload. */
export function reasoningBlock(raw: Raw): ContentBlock {
  const parts: string[] = [];
  if (Array.isArray(raw.summary)) for (const s of raw.summary) if (isObj(s) && typeof s.text === 'string') parts.push(s.text);
  const text = parts.length ? parts.join('\n\n') : str(raw.text);
  const opaque = typeof raw.encrypted_content === 'string' ? raw.encrypted_content : null;
  return { type: 'thinking', text, signature: opaque, ...(text === '' && opaque ? { redacted: true } : {}) };
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
