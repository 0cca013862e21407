import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { ContentBlock, ImageBlock, Message, ToolResultBlock, ToolUseBlock } from '../model/message.js';
import type { SfsManifest, SfsWorkspace } from './types.js';

/**
 * A readable Markdown transcript. Pure: the header and the messages come in, text
 * goes out (as one string, or chunk by chunk to a stream for long sessions).
 */
export interface TranscriptHeader {
  title?: string | null;
  sessionId?: string | null;
  tool?: string | null;
  model?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  cwd?: string | null;
  branch?: string | null;
  tags?: string[];
  messageCount?: number | null;
  /** Any further facts, shown in the header list in the given order. */
  extra?: Array<[label: string, value: string]>;
}

export interface MarkdownOptions {
  /** Longest tool result shown, in characters, before it is cut. */
  maxToolResultChars?: number;
  /** Longest tool input JSON shown, in characters. */
  maxToolInputChars?: number;
  includeThinking?: boolean;
}

const DEFAULTS: Required<MarkdownOptions> = { maxToolResultChars: 4000, maxToolInputChars: 8000, includeThinking: true };

const ROLE_TITLE: Record<string, string> = { user: 'User', assistant: 'Assistant', system: 'System', developer: 'Developer', tool: 'Tool' };

/** Header facts from an `.sfs` manifest and workspace. */
export function headerFromSfs(manifest: SfsManifest, workspace?: SfsWorkspace | null): TranscriptHeader {
  return {
    title: manifest.title ?? null,
    sessionId: manifest.session_id,
    tool: manifest.source.tool_version ? `${manifest.source.tool} ${manifest.source.tool_version}` : manifest.source.tool,
    model: manifest.model?.model_id ?? null,
    createdAt: manifest.created_at,
    updatedAt: manifest.updated_at ?? null,
    cwd: workspace?.root_path ?? null,
    branch: workspace?.git?.branch ?? null,
    tags: manifest.tags ?? [],
    messageCount: manifest.stats?.message_count ?? null,
  };
}

/** A code fence longer than any backtick run inside, so content can never close it. */
export function fenced(body: string, lang = ''): string {
  let longest = 0;
  for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… [${text.length - max} more characters cut]`;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

function renderImage(b: ImageBlock): string {
  const src = b.source as { type?: string; media_type?: string; data?: string; url?: string; path?: string };
  if (src?.type === 'base64') {
    const kb = Math.round(((src.data?.length ?? 0) * 3) / 4 / 1024);
    return `_[image: ${src.media_type ?? 'unknown type'}, ${kb} KB inline]_`;
  }
  if (src?.type === 'url') return `_[image: ${src.url ?? ''}]_`;
  if (src?.type === 'file') return `_[image file: \`${src.path ?? ''}\`]_`;
  return '_[image]_';
}

function toolResultText(b: ToolResultBlock): string {
  const c = b.content as unknown;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return (c as ContentBlock[])
      .map((x) => (x.type === 'text' && typeof x.text === 'string' ? x.text : x.type === 'image' ? '[image]' : JSON.stringify(x)))
      .join('\n');
  }
  return '';
}

function renderBlock(b: ContentBlock, o: Required<MarkdownOptions>): string | null {
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' ? b.text : null;
    case 'thinking': {
      if (!o.includeThinking) return null;
      const t = b as { text?: string; redacted?: boolean };
      if (t.redacted || !t.text) return '<details><summary>Thinking (redacted)</summary></details>';
      return `<details><summary>Thinking</summary>\n\n${quote(t.text)}\n\n</details>`;
    }
    case 'summary':
      return `**Summary**\n\n${quote(String((b as { text?: unknown }).text ?? ''))}`;
    case 'tool_use': {
      const t = b as ToolUseBlock;
      const input = truncate(JSON.stringify(t.input ?? null, null, 2), o.maxToolInputChars);
      return `**Tool call:** \`${oneLine(t.name)}\` (${t.tool_use_id})\n\n${fenced(input, 'json')}`;
    }
    case 'tool_result': {
      const t = b as ToolResultBlock;
      const label = t.is_error ? '**Tool result (error)**' : '**Tool result**';
      const text = toolResultText(t);
      return `${label} (${t.tool_use_id})\n\n${text ? fenced(truncate(text, o.maxToolResultChars)) : '_(empty)_'}`;
    }
    case 'image':
      return renderImage(b as ImageBlock);
    default:
      return `_[${oneLine(String(b.type))} block]_`;
  }
}

function renderHeader(h: TranscriptHeader): string {
  const facts: Array<[string, string]> = [];
  const add = (label: string, v: string | number | null | undefined): void => {
    if (v !== null && v !== undefined && v !== '') facts.push([label, String(v)]);
  };
  add('Session', h.sessionId ? `\`${h.sessionId}\`` : null);
  add('Tool', h.tool);
  add('Model', h.model);
  add('Created', h.createdAt);
  add('Updated', h.updatedAt);
  add('Directory', h.cwd ? `\`${h.cwd}\`` : null);
  add('Branch', h.branch ? `\`${h.branch}\`` : null);
  add('Tags', h.tags?.length ? h.tags.join(', ') : null);
  add('Messages', h.messageCount);
  for (const [k, v] of h.extra ?? []) add(k, v);
  const title = oneLine(h.title || 'Untitled session');
  return `# ${title}\n\n${facts.map(([k, v]) => `- **${k}:** ${v}`).join('\n')}${facts.length ? '\n' : ''}`;
}

function marks(m: Message): string[] {
  const out: string[] = [];
  if (m.is_injected) out.push('injected by the tool');
  if (m.is_compaction) out.push('context compaction');
  if (m.is_api_error) out.push('API error');
  if (m.is_sidechain) out.push(m.agent_id ? `sub-agent ${m.agent_id}` : 'sub-agent');
  if (m.unfinished_tool_use_ids?.length) out.push(`unfinished tool calls: ${m.unfinished_tool_use_ids.join(', ')}`);
  return out;
}

function renderMessage(m: Message, n: number, o: Required<MarkdownOptions>): string {
  const role = ROLE_TITLE[m.role] ?? m.role;
  const flags = marks(m);
  const heading = `## ${n}. ${role}${flags.length ? ` — ${flags[0]}` : ''}`;
  const meta = [m.timestamp, m.model, ...flags.slice(1)].filter((x): x is string => typeof x === 'string' && x !== '');
  const body = (Array.isArray(m.content) ? m.content : []).map((b) => renderBlock(b, o)).filter((x): x is string => x !== null && x !== '');
  const parts = [heading];
  if (meta.length) parts.push(`<sub>${meta.join(' · ')}</sub>`);
  if (m.is_api_error || m.is_injected || m.is_compaction) parts.push(`> [!NOTE]\n> ${flags.filter((f) => !f.startsWith('sub-agent')).join('; ')}`);
  parts.push(body.length ? body.join('\n\n') : '_(no content)_');
  return parts.join('\n\n');
}

/** Yields the transcript in pieces: the header, then one piece per message. */
export async function* markdownChunks(
  header: TranscriptHeader,
  messages: AsyncIterable<Message> | Iterable<Message>,
  opts: MarkdownOptions = {},
): AsyncGenerator<string> {
  const o = { ...DEFAULTS, ...opts };
  yield `${renderHeader(header)}\n`;
  let n = 0;
  for await (const m of messages) yield `${renderMessage(m, ++n, o)}\n\n`;
  if (n === 0) yield '_No messages._\n';
}

export async function renderMarkdown(
  header: TranscriptHeader,
  messages: AsyncIterable<Message> | Iterable<Message>,
  opts: MarkdownOptions = {},
): Promise<string> {
  const parts: string[] = [];
  for await (const c of markdownChunks(header, messages, opts)) parts.push(c);
  return parts.join('');
}

/** Streams the transcript, honouring backpressure. Does not end the stream. */
export async function writeMarkdown(
  out: Writable,
  header: TranscriptHeader,
  messages: AsyncIterable<Message> | Iterable<Message>,
  opts: MarkdownOptions = {},
): Promise<void> {
  for await (const c of markdownChunks(header, messages, opts)) {
    if (!out.write(c)) await once(out, 'drain');
  }
}
