import type { ContentBlock } from '../../engine/adapter-kit.js';
import { isObj, str, type Raw } from '../shared/values.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';

/** Amp's Anthropic-like blocks → SessionFS blocks; unknown ones are kept verbatim. */
export function convertContent(content: unknown, unknown: UnknownTypes = {}): ContentBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  return content.map((b) => convertBlock(b, unknown)).filter((b): b is ContentBlock => b !== null);
}

function convertBlock(b: unknown, unknown: UnknownTypes): ContentBlock | null {
  if (typeof b === 'string') return b ? { type: 'text', text: b } : null;
  if (!isObj(b)) return null;
  switch (b.type) {
    case 'text':
      return { type: 'text', text: str(b.text) };
    case 'thinking':
      return { type: 'thinking', text: str(b.thinking) || str(b.text), signature: typeof b.signature === 'string' ? b.signature : null };
    case 'redacted_thinking':
      return { type: 'thinking', text: '', signature: str(b.data) || null, redacted: true };
    case 'tool_use':
      return { type: 'tool_use', tool_use_id: str(b.id), name: str(b.name), input: b.input ?? {} };
    case 'tool_result':
      return toolResult(b);
    case 'image': {
      const src = isObj(b.source) ? b.source : {};
      if (typeof src.data === 'string')
        return {
          type: 'image',
          source: { type: 'base64', media_type: str(src.mediaType) || str(src.media_type) || 'application/octet-stream', data: src.data },
        };
      if (typeof src.url === 'string') return { type: 'image', source: { type: 'url', url: src.url } };
      return { ...b, type: 'image' };
    }
    default:
      noteUnknownType(unknown, `block:${str(b.type)}`);
      return { ...b, type: str(b.type) || 'amp_block' };
  }
}

/** `{toolUseID, run: {status, result | error}}` (Amp) or Anthropic's `{tool_use_id, content}`. */
function toolResult(b: Raw): ContentBlock {
  const id = str(b.toolUseID) || str(b.tool_use_id);
  const run = isObj(b.run) ? b.run : null;
  let content: string | ContentBlock[];
  let isError = b.is_error === true;
  if (run) {
    const status = str(run.status);
    if (status === 'error' || status === 'cancelled' || status === 'rejected-by-user') isError = true;
    const value = run.result ?? run.error ?? run.progress ?? status;
    content = typeof value === 'string' ? value : JSON.stringify(value);
  } else {
    content = typeof b.content === 'string' ? b.content : convertContent(b.content);
  }
  const block: ContentBlock = { type: 'tool_result', tool_use_id: id, content };
  if (isError) block.is_error = true;
  return block;
}
