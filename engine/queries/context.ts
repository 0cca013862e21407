import type { ContentBlock, Message, ToolResultBlock, ToolUseBlock } from '../model/message.js';
import type { ProjectionDb } from '../projections/db.js';
import { loadMessages, orderedRefs } from './messages.js';
import { getSessionDetail } from './sessions.js';
import type { MessageAuthor } from './views.js';
import { plural } from '../plural.js';

/**
 * A session's recent conversation as plain text for an agent, fitted to a token budget:
 * the newest messages are taken first (walking back from the end), then printed in
 * order. Tokens are estimated at 4 characters each, which is close for English and code.
 */
export interface SessionContext {
  id: string;
  title: string;
  tool: string | null;
  cwd: string | null;
  total_messages: number;
  /** How many of the newest messages fit (the text holds these, oldest first). */
  included_messages: number;
  estimated_tokens: number;
  text: string;
}

export const CHARS_PER_TOKEN = 4;
const MAX_TOOL_TEXT = 600;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}… [${s.length - n} more characters]` : s;
}

function blockLine(b: ContentBlock): string | null {
  switch (b.type) {
    case 'text':
    case 'summary':
      return typeof b.text === 'string' && b.text.trim() ? (b.text as string) : null;
    case 'thinking':
      return null; // private reasoning is not context for another agent
    case 'tool_use': {
      const u = b as ToolUseBlock;
      return `[tool call ${u.name}] ${clip(typeof u.input === 'string' ? u.input : JSON.stringify(u.input ?? null), MAX_TOOL_TEXT)}`;
    }
    case 'tool_result': {
      const r = b as ToolResultBlock;
      const body = typeof r.content === 'string' ? r.content : Array.isArray(r.content) ? r.content.map((c) => blockLine(c) ?? '').join('\n') : '';
      return `[tool result${r.is_error ? ' (error)' : ''}] ${clip(body.trim(), MAX_TOOL_TEXT)}`;
    }
    case 'image':
      return '[image]';
    default:
      return null;
  }
}

export function renderMessage(m: Message, author?: MessageAuthor): string | null {
  const lines = m.content.map(blockLine).filter((l): l is string => l !== null);
  if (!lines.length) return null;
  // Another account's message says whose it is (DESIGN §13), so an agent reading it knows who said it.
  const from = author ? `from ${author.username}@${author.device ?? 'unknown device'}` : '';
  const tags = [from, m.is_injected ? 'injected' : '', m.is_compaction ? 'compaction summary' : '', m.is_api_error ? 'api error' : ''].filter(Boolean);
  const head = `### ${m.role}${m.timestamp ? ` · ${m.timestamp}` : ''}${tags.length ? ` (${tags.join(', ')})` : ''}`;
  return `${head}\n${lines.join('\n')}`;
}

export function getSessionContext(db: ProjectionDb, id: string, maxTokens: number): SessionContext {
  const d = getSessionDetail(db, id);
  const refs = orderedRefs(db, id);
  const budget = Math.max(1, maxTokens) * CHARS_PER_TOKEN;
  const header = `# ${d.title}\nsession ${d.id} · ${d.tool ?? 'unknown tool'}${d.cwd ? ` · ${d.cwd}` : ''} · ${plural(refs.length, 'message')}\n`;
  let used = header.length;
  const picked: string[] = [];
  let earliest = refs.length;
  // Walk back in chunks so a long session never loads whole.
  outer: for (let end = refs.length; end > 0; end -= 200) {
    const start = Math.max(0, end - 200);
    const chunk = loadMessages(db, refs.slice(start, end));
    for (let i = chunk.length - 1; i >= 0; i--) {
      const text = renderMessage(chunk[i]!.message, chunk[i]!.author);
      if (text === null) {
        earliest = start + i;
        continue;
      }
      if (used + text.length + 2 > budget) {
        // The newest message alone is over budget: give its end rather than nothing.
        if (!picked.length) {
          picked.push(`### …\n${text.slice(text.length - Math.max(0, budget - used - 8))}`);
          earliest = start + i;
        }
        break outer;
      }
      earliest = start + i;
      picked.push(text);
      used += text.length + 2;
    }
  }
  picked.reverse();
  const omitted = earliest;
  const body = `${header}${omitted > 0 ? `(${plural(omitted, 'earlier message')} omitted to fit ${maxTokens} tokens)\n` : ''}\n${picked.join('\n\n')}`;
  return {
    id: d.id,
    title: d.title,
    tool: d.tool,
    cwd: d.cwd,
    total_messages: refs.length,
    included_messages: refs.length - earliest,
    estimated_tokens: Math.ceil(body.length / CHARS_PER_TOKEN),
    text: body,
  };
}
