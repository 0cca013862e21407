import path from 'node:path';
import type { ContentBlock, Message } from '../model/message.js';

/**
 * Path remapping for resume on another machine (DESIGN §9): a session captured where the
 * checkout lived at OLD resumes where it lives at NEW. The replayed history's absolute paths
 * under OLD (in text, tool calls and tool results) are rewritten to NEW, so the model reads
 * paths that exist here. Thinking blocks are left alone: a provider's signature covers them.
 */
export interface PathRemap {
  from: string;
  to: string;
}

/** Characters that continue a path segment: OLD matches only where it is a whole path prefix. */
const SEGMENT = 'A-Za-z0-9._~-';

/** A user-given mapping root, normalised: absolute, without a trailing slash, never the filesystem root. */
export function normaliseRoot(p: string): string | null {
  if (!path.isAbsolute(p)) return null;
  const n = path.resolve(p);
  return n === path.parse(n).root ? null : n;
}

/** `dir` rewritten by the longest mapping whose OLD contains it, or null when none does. */
export function mapDirectory(dir: string, map: Readonly<Record<string, string>>): PathRemap | null {
  let best: PathRemap | null = null;
  for (const [from, to] of Object.entries(map)) {
    if ((dir === from || dir.startsWith(from + '/')) && (!best || from.length > best.from.length)) best = { from, to };
  }
  return best;
}

/** `dir` under the mapping's NEW root. */
export function remapDirectory(dir: string, m: PathRemap): string {
  return m.to + dir.slice(m.from.length);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites the messages' paths under `m.from`; returns new messages (inputs untouched) and how many paths changed. */
export function remapMessages(messages: readonly Message[], m: PathRemap): { messages: Message[]; replaced: number } {
  if (m.from === m.to) return { messages: [...messages], replaced: 0 };
  const re = new RegExp(`(?<![${SEGMENT}])${escapeRe(m.from)}(?![${SEGMENT}])`, 'g');
  let replaced = 0;
  const str = (s: string): string =>
    s.includes(m.from)
      ? s.replace(re, () => {
          replaced++;
          return m.to;
        })
      : s;
  const deep = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return str(v);
    if (depth > 64 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => deep(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x, depth + 1)]));
  };
  const block = (b: ContentBlock): ContentBlock => {
    switch (b.type) {
      case 'text':
      case 'summary':
        return { ...b, text: str((b as { text: string }).text) } as ContentBlock;
      case 'tool_use':
        return { ...b, input: deep((b as { input: unknown }).input, 0) } as ContentBlock;
      case 'tool_result': {
        const c = (b as { content: string | ContentBlock[] }).content;
        return { ...b, content: typeof c === 'string' ? str(c) : c.map(block) } as ContentBlock;
      }
      default:
        return b; // thinking (signed), images, tool-specific blocks
    }
  };
  const out = messages.map((msg) => ({ ...msg, content: msg.content.map(block) }));
  return { messages: out, replaced };
}
