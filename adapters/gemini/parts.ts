import type { ContentBlock } from '../../engine/adapter-kit.js';
import { isObj, str, type Raw } from '../shared/values.js';

/**
 * Gemini `PartListUnion` (a string, one part or an array of parts) → SessionFS blocks.
 * Unknown parts are kept verbatim under a `gemini_part` block.
 */
export function partsToBlocks(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const list = Array.isArray(content) ? content : isObj(content) ? [content] : [];
  const out: ContentBlock[] = [];
  for (const part of list) {
    const b = partToBlock(part);
    if (b) out.push(b);
  }
  return out;
}

function partToBlock(part: unknown): ContentBlock | null {
  if (typeof part === 'string') return part === '' ? null : { type: 'text', text: part };
  if (!isObj(part)) return null;
  if (typeof part.text === 'string') {
    if (part.thought === true) {
      return { type: 'thinking', text: part.text, signature: typeof part.thoughtSignature === 'string' ? part.thoughtSignature : null };
    }
    return { type: 'text', text: part.text };
  }
  if (isObj(part.inlineData)) {
    const mime = str(part.inlineData.mimeType);
    if (mime.startsWith('image/') && typeof part.inlineData.data === 'string') {
      return { type: 'image', source: { type: 'base64', media_type: mime, data: part.inlineData.data } };
    }
  }
  if (isObj(part.fileData)) {
    const mime = str(part.fileData.mimeType);
    const uri = str(part.fileData.fileUri);
    if (mime.startsWith('image/') && uri) return { type: 'image', source: { type: 'url', url: uri } };
  }
  if (isObj(part.functionCall)) {
    const fc = part.functionCall;
    return { type: 'tool_use', tool_use_id: str(fc.id) || str(fc.name), name: str(fc.name), input: fc.args ?? {} };
  }
  if (isObj(part.functionResponse)) return functionResponseBlock(part.functionResponse);
  if (part.thought === true && typeof part.thoughtSignature === 'string') {
    return { type: 'thinking', text: '', signature: part.thoughtSignature };
  }
  return { type: 'gemini_part', part };
}

/** A `functionResponse` → tool_result: `response.output` is the model-facing text, `response.error` a failure. */
export function functionResponseBlock(fr: Raw): ContentBlock {
  const resp = fr.response;
  let content = '';
  let isError = false;
  if (isObj(resp)) {
    if (typeof resp.output === 'string') content = resp.output;
    else if (resp.error !== undefined) {
      isError = true;
      content = typeof resp.error === 'string' ? resp.error : JSON.stringify(resp.error);
    } else content = JSON.stringify(resp);
  } else if (typeof resp === 'string') content = resp;
  const block: ContentBlock = { type: 'tool_result', tool_use_id: str(fr.id) || str(fr.name), content };
  if (isError) block.is_error = true;
  return block;
}

/** Text of the parts a user typed (for titles): text parts only. */
export function partsText(content: unknown): string {
  return partsToBlocks(content)
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n');
}
