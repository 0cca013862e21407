import { type ContentBlock, type ImageBlock, parseJsonBounded } from '../../engine/adapter-kit.js';
import { isObj, strOrNull, type Raw } from '../shared/values.js';

/** Responses API image part → image block (data: URLs become base64 sources). */
export function imageBlock(url: string): ImageBlock {
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (m && m[2]) return { type: 'image', source: { type: 'base64', media_type: m[1] || 'application/octet-stream', data: m[3] ?? '' } };
  return { type: 'image', source: { type: 'url', url } };
}

/** Content parts of a Responses API message (input_text, output_text, input_image, …). */
export function partsToBlocks(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const out: ContentBlock[] = [];
  for (const p of content) {
    if (typeof p === 'string') out.push({ type: 'text', text: p });
    else if (!isObj(p)) continue;
    else if (p.type === 'input_text' || p.type === 'output_text' || p.type === 'text' || p.type === 'summary_text')
      out.push({ type: 'text', text: strOrNull(p.text) ?? '' });
    else if (p.type === 'refusal') out.push({ type: 'text', text: strOrNull(p.refusal) ?? '' });
    else if (p.type === 'input_image' && typeof p.image_url === 'string') out.push(imageBlock(p.image_url));
    else if (typeof p.type === 'string' && p.type !== '' && !['text', 'image', 'tool_use', 'tool_result', 'thinking', 'summary'].includes(p.type))
      out.push({ ...p, type: p.type });
    else out.push({ type: 'unknown', value: p });
  }
  return out;
}

/** Tool output: a string, `{content, success}`, or a list of content parts. */
export function toolOutput(output: unknown): { content: string | ContentBlock[]; isError: boolean } {
  if (typeof output === 'string') return { content: output, isError: false };
  if (Array.isArray(output)) return { content: partsToBlocks(output), isError: false };
  if (isObj(output)) {
    const inner = output.content;
    const content = typeof inner === 'string' ? inner : Array.isArray(inner) ? partsToBlocks(inner) : JSON.stringify(output);
    return { content, isError: output.success === false };
  }
  return { content: output == null ? '' : JSON.stringify(output), isError: false };
}

/** Function-call arguments are a JSON string; keep the raw text when it does not parse. */
export function parseArgs(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? null;
  try {
    return parseJsonBounded(args);
  } catch {
    return args;
  }
}

/** Reasoning item → thinking block (readable summary or raw text; encrypted payload kept as signature, the item's id as native_id). */
export function reasoningBlock(p: Raw): ContentBlock {
  const texts: string[] = [];
  const collect = (list: unknown) => {
    if (Array.isArray(list)) for (const s of list) if (isObj(s) && typeof s.text === 'string') texts.push(s.text);
  };
  collect(p.summary);
  if (texts.length === 0) collect(p.content);
  const id = strOrNull(p.id);
  return { type: 'thinking', text: texts.join('\n\n'), signature: strOrNull(p.encrypted_content), ...(id ? { native_id: id } : {}) };
}

/** User messages Codex composes itself (environment, instructions, notifications). */
const INJECTED = [
  '<environment_context>',
  '<user_instructions>',
  '# AGENTS.md instructions',
  '<subagent_notification>',
  '<turn_aborted>',
  '<user_shell_command>',
  '<permissions instructions>',
  '<skills_instructions>',
  '<collaboration_mode>',
  '<apps_instructions>',
  '<INSTRUCTIONS>',
];

export function isInjectedUserText(text: string): boolean {
  const t = text.trimStart();
  return INJECTED.some((p) => t.startsWith(p));
}

/** Typed text of a user message without the `<image …>` wrappers Codex adds around pictures. */
export function promptText(blocks: ContentBlock[]): string {
  return blocks
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .filter((t) => !/^<\/?image\b[^>]*>$/.test(t.trim()))
    .join('\n')
    .trim();
}
