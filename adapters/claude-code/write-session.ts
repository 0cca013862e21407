import { createHash, randomUUID } from 'node:crypto';
import type {
  AdapterEnv,
  ContentBlock,
  ImageBlock,
  Message,
  ToolResultBlock,
  ToolUseBlock,
  PreparedSession,
  SessionWriter,
  WriteOptions,
  WrittenSession,
} from '../../engine/adapter-kit.js';
import { base64Image, imagePlaceholder, objectInput } from '../shared/blocks.js';
import { isoOr, jsonl, writeNewFile } from '../shared/write-file.js';
import { claudeSessionFile } from './write-path.js';

/**
 * Writes a Claude Code transcript as the CLI writes its own (format doc §8): one record
 * per line chained by uuid/parentUuid, one line per block of an assistant turn (all lines
 * of a turn share `message.id`), one user line per tool result, and a `custom-title` line.
 */
type Obj = Record<string, unknown>;

function anthropicImage(b: ImageBlock): Obj {
  const img = base64Image(b);
  if (img) return { type: 'image', source: { type: 'base64', media_type: img.mediaType, data: img.data } };
  const s = b.source as { type: string; url?: string };
  if (s.type === 'url' && s.url) return { type: 'image', source: { type: 'url', url: s.url } };
  return { type: 'text', text: imagePlaceholder(b) };
}

function userContent(blocks: ContentBlock[]): string | Obj[] {
  if (blocks.length === 1 && blocks[0]!.type === 'text') return (blocks[0] as { text: string }).text;
  return blocks.map((b) => (b.type === 'image' ? anthropicImage(b as ImageBlock) : { type: 'text', text: (b as { text: string }).text }));
}

function assistantBlock(b: ContentBlock): Obj {
  if (b.type === 'thinking') {
    const t = b as { text: string; signature?: string | null; redacted?: boolean };
    return t.redacted ? { type: 'redacted_thinking', data: t.signature } : { type: 'thinking', thinking: t.text, signature: t.signature ?? '' };
  }
  if (b.type === 'tool_use') {
    const u = b as ToolUseBlock;
    return { type: 'tool_use', id: u.tool_use_id, name: u.name, input: objectInput(u.input) };
  }
  return { type: 'text', text: (b as { text: string }).text };
}

function resultBlock(r: ToolResultBlock): Obj {
  const content =
    typeof r.content === 'string'
      ? r.content
      : r.content.map((c) => (c.type === 'image' ? anthropicImage(c as ImageBlock) : { type: 'text', text: (c as { text: string }).text }));
  return r.is_error
    ? { type: 'tool_result', tool_use_id: r.tool_use_id, content, is_error: true }
    : { type: 'tool_result', tool_use_id: r.tool_use_id, content };
}

/** The prompt a user turn ends with (merged turns keep each prompt as its own text block). */
function lastText(blocks: ContentBlock[]): string {
  const texts = blocks.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text);
  return texts.at(-1) ?? '';
}

export function claudeRecords(p: PreparedSession, sessionId: string, o: WriteOptions): Obj[] {
  const envelope = { isSidechain: false, userType: 'external', cwd: o.cwd, sessionId, ...(p.source.gitBranch ? { gitBranch: p.source.gitBranch } : {}) };
  const records: Obj[] = [];
  let parent: string | null = null;
  const push = (type: 'user' | 'assistant', message: Obj, m: Message, extra: Obj = {}) => {
    const uuid = randomUUID();
    records.push({ parentUuid: parent, ...envelope, type, message, uuid, timestamp: isoOr(m.timestamp, o.now), ...extra });
    parent = uuid;
  };
  for (const m of p.messages) {
    if (m.role === 'user') push('user', { role: 'user', content: userContent(m.content) }, m);
    else if (m.role === 'tool') {
      for (const r of m.content as ToolResultBlock[]) push('user', { role: 'user', content: [resultBlock(r)] }, m);
    } else {
      const id = 'msg_sfs_' + createHash('sha256').update(`${sessionId}\0${m.msg_id}`).digest('hex').slice(0, 24);
      const model = m.model ?? o.model ?? p.model ?? 'unknown';
      const stop = m.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
      for (const b of m.content) {
        push(
          'assistant',
          {
            id,
            type: 'message',
            role: 'assistant',
            model,
            content: [assistantBlock(b)],
            stop_reason: stop,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
          m,
        );
      }
    }
  }
  if (o.title) records.push({ type: 'custom-title', customTitle: o.title, sessionId });
  // Records Claude Code keeps beside the chain, handed back so its resume picker and PR badge show them.
  const lastPrompt = [...p.messages].reverse().find((m) => m.role === 'user');
  const promptText = lastPrompt ? lastText(lastPrompt.content) : '';
  if (promptText && parent) records.push({ type: 'last-prompt', lastPrompt: promptText.slice(0, 2000), leafUuid: parent, sessionId });
  for (const pr of p.source.pullRequests ?? []) {
    if (pr.number === null || !pr.repository) continue; // the CLI ignores a link without all three fields
    records.push({ type: 'pr-link', sessionId, prNumber: pr.number, prUrl: pr.url, prRepository: pr.repository, timestamp: o.now.toISOString() });
  }
  return records;
}

export const claudeWriter: SessionWriter = {
  tool: 'claude-code',
  displayName: 'Claude Code',
  binary: 'claude',
  installHint: 'npm install -g @anthropic-ai/claude-code',
  async write(p: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession> {
    const sessionId = randomUUID();
    const file = claudeSessionFile(env, o.cwd, sessionId);
    const records = claudeRecords(p, sessionId, o);
    await writeNewFile(file, jsonl(records));
    return { tool: 'claude-code', nativeId: sessionId, path: file, files: [file], cwd: o.cwd, records: records.length };
  },
  launch: (w, o) => ({ command: 'claude', args: ['--resume', w.nativeId, ...(o.model ? ['--model', o.model] : [])], cwd: w.cwd }),
};
