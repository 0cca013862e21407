/**
 * A message in SessionFS format 0.1.0 (the line shape of `messages.jsonl`). Captured
 * events carry exactly this shape, so what is validated on import is what is stored.
 */
export type Role = 'user' | 'assistant' | 'system' | 'developer' | 'tool';
export const ROLES: readonly Role[] = ['user', 'assistant', 'system', 'developer', 'tool'];

export interface TextBlock {
  type: 'text';
  text: string;
}
export interface ThinkingBlock {
  type: 'thinking';
  text: string;
  signature?: string | null;
  redacted?: boolean;
  /** The tool's own id of the item (a Codex reasoning item's `rs_…`), handed back on a same-tool resume. */
  native_id?: string | null;
}
export interface ToolUseBlock {
  type: 'tool_use';
  tool_use_id: string;
  name: string;
  input: unknown;
}
export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | ContentBlock[];
  is_error?: boolean;
}
export interface ImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string } | { type: 'file'; path: string };
}
export interface SummaryBlock {
  type: 'summary';
  text: string;
}
/** Block types this version does not know are kept verbatim. */
export interface UnknownBlock {
  type: string;
  [key: string]: unknown;
}

export type ContentBlock = TextBlock | ThinkingBlock | ToolUseBlock | ToolResultBlock | ImageBlock | SummaryBlock | UnknownBlock;

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
}

export interface Message {
  msg_id: string;
  parent_msg_id?: string | null;
  role: Role;
  content: ContentBlock[];
  timestamp?: string | null;
  turn_id?: string | null;
  model?: string | null;
  provider?: string | null;
  stop_reason?: string | null;
  usage?: Usage | null;
  is_sidechain?: boolean;
  agent_id?: string | null;
  /** Marks set by capture adapters (SessionFS extensions, passed through by other readers): */
  /** a compaction record (boundary or summary the tool wrote when it compacted its context) */
  is_compaction?: boolean;
  /** content the harness injected (environment blocks, reminders, skill listings), not typed by the user */
  is_injected?: boolean;
  /** an API error the tool recorded in place of a model answer */
  is_api_error?: boolean;
  /** a tool call that never got its result (the session ended or was cut) */
  unfinished_tool_use_ids?: string[];
  /** Fields from other implementations or adapters are passed through untouched. */
  [extra: string]: unknown;
}

/** Plain text of a block, for search and titles. Tool inputs are rendered as JSON. */
export function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
    case 'thinking':
    case 'summary':
      return typeof block.text === 'string' ? block.text : '';
    case 'tool_use': {
      const b = block as ToolUseBlock;
      return `${b.name} ${typeof b.input === 'string' ? b.input : JSON.stringify(b.input ?? null)}`;
    }
    case 'tool_result': {
      const b = block as ToolResultBlock;
      if (typeof b.content === 'string') return b.content;
      if (Array.isArray(b.content)) return b.content.map(blockText).join('\n');
      return '';
    }
    default:
      return typeof (block as UnknownBlock).text === 'string' ? ((block as UnknownBlock).text as string) : '';
  }
}

export function messageText(msg: Message, opts: { includeThinking?: boolean } = {}): string {
  const parts: string[] = [];
  for (const b of msg.content) {
    if (b.type === 'thinking' && !opts.includeThinking) continue;
    const t = blockText(b);
    if (t) parts.push(t);
  }
  return parts.join('\n');
}

export function toolUses(msg: Message): ToolUseBlock[] {
  return msg.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
}
