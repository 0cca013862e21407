import type { ContentBlock, Message } from '../model/message.js';
import type { MappingReport } from './types.js';
import { plural } from '../plural.js';

/** A picture costs about this much whatever its byte size (providers bill images by pixels, not base64 length). */
const IMAGE_TOKENS = 1600;

/** A rough token estimate (4 characters per token): enough to keep the history inside a window. */
export function estimateTokens(m: Message): number {
  let chars = 16;
  let images = 0;
  const walk = (blocks: ContentBlock[]) => {
    for (const b of blocks) {
      if (b.type === 'image') images++;
      else if (b.type === 'tool_result') {
        const c = (b as { content: unknown }).content;
        if (typeof c === 'string') chars += c.length;
        else if (Array.isArray(c)) walk(c as ContentBlock[]);
      } else if (b.type === 'tool_use') chars += JSON.stringify((b as { input: unknown }).input ?? null).length + 32;
      else {
        const t = (b as { text?: unknown }).text;
        chars += typeof t === 'string' ? t.length : 0;
      }
    }
  };
  walk(m.content);
  return Math.ceil(chars / 4) + images * IMAGE_TOKENS;
}

export function trimNote(count: number, tokens: number, limit: number): string {
  return `[SessionFS: the first ${plural(count, 'message')} of this conversation (about ${tokens} tokens) were left out so the rest fits a history limit of ${limit} tokens. The conversation continues from there.]`;
}

/**
 * Leaves out the oldest messages until the rest fits `limit` tokens, and says so in a user
 * message at the start. A cut never separates a tool result from its call. The newest
 * turn is always kept, even if it alone is over the limit.
 */
export function trimToLimit(messages: Message[], limit: number, report: MappingReport): Message[] {
  const sizes = messages.map(estimateTokens);
  let total = sizes.reduce((a, b) => a + b, 0);
  if (total <= limit) return messages;
  const noteCost = 60;
  let cut = 0;
  let dropped = 0;
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  const lastCut = Math.max(0, lastUser);
  while (cut < lastCut && total + noteCost > limit) {
    total -= sizes[cut]!;
    dropped += sizes[cut]!;
    cut++;
    while (cut < lastCut && messages[cut]!.role === 'tool') {
      total -= sizes[cut]!;
      dropped += sizes[cut]!;
      cut++;
    }
  }
  if (cut === 0) return messages;
  report.trimmedMessages += cut;
  report.trimmedTokens += dropped;
  const note: ContentBlock = { type: 'text', text: trimNote(cut, dropped, limit) };
  const rest = messages.slice(cut);
  const first = rest[0]!;
  if (first.role === 'user') return [{ ...first, content: [note, ...first.content] }, ...rest.slice(1)];
  return [{ msg_id: 'sfs-trim-note', role: 'user', content: [note], timestamp: first.timestamp ?? null }, ...rest];
}
