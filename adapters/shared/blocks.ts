import type { ContentBlock, ImageBlock, ToolResultBlock } from '../../engine/adapter-kit.js';

/** Helpers the four writers share for turning prepared blocks into native values. */

export function textOf(blocks: ContentBlock[]): string {
  return blocks
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n\n');
}

/** A tool result's text (images and other parts become short markers). */
export function resultText(r: ToolResultBlock): string {
  if (typeof r.content === 'string') return r.content;
  return r.content.map((c) => (c.type === 'text' ? (c as { text: string }).text : `[${c.type}]`)).join('\n');
}

/** Tool inputs must be JSON objects for Anthropic, Gemini and Copilot; anything else is wrapped. */
export function objectInput(input: unknown): Record<string, unknown> {
  if (input && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  return { input };
}

/** Base64 payload of an image block, or null for url/file sources. */
export function base64Image(b: ImageBlock): { mediaType: string; data: string } | null {
  const s = b.source as { type: string; media_type?: string; data?: string };
  return s.type === 'base64' && typeof s.data === 'string' ? { mediaType: s.media_type ?? 'image/png', data: s.data } : null;
}

export function imagePlaceholder(b: ImageBlock): string {
  const s = b.source as { type: string; url?: string; path?: string; media_type?: string };
  return `[image not carried over: ${s.url ?? s.path ?? s.media_type ?? 'image'}]`;
}

/**
 * Splits an assistant turn into the per-response records tools like Gemini and Copilot
 * write: each segment holds thinking, then text; a new one starts when thinking or text
 * follows text. Tool calls (already last in the turn) go with the last segment.
 */
export interface Segment {
  thinking: Array<{ text: string; signature: string | null }>;
  texts: string[];
  tools: Array<{ id: string; name: string; input: unknown }>;
}

export function segments(blocks: ContentBlock[]): Segment[] {
  const out: Segment[] = [];
  let cur: Segment | null = null;
  const fresh = (): Segment => {
    const s: Segment = { thinking: [], texts: [], tools: [] };
    out.push(s);
    return s;
  };
  for (const b of blocks) {
    if (b.type === 'thinking') {
      if (!cur || cur.texts.length) cur = fresh();
      const t = b as { text: string; signature?: string | null };
      cur.thinking.push({ text: t.text, signature: t.signature ?? null });
    } else if (b.type === 'text') {
      if (!cur || cur.texts.length) cur = fresh();
      cur.texts.push((b as { text: string }).text);
    } else if (b.type === 'tool_use') {
      cur ??= fresh();
      const u = b as { tool_use_id: string; name: string; input: unknown };
      cur.tools.push({ id: u.tool_use_id, name: u.name, input: u.input });
    }
  }
  return out;
}
