import type { ContentBlock, Message, ToolResultBlock, ToolUseBlock } from '../model/message.js';
import type { MappingReport } from './types.js';

export const UNFINISHED_RESULT =
  '[SessionFS: this tool call has no result in the original session: it was interrupted or never finished. Nothing is known about its outcome.]';

/** Provider-safe identifiers (Anthropic's rule, the strictest of the four): letters, digits, `_`, `-`, at most 64. */
const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

function safeName(name: string): string {
  if (SAFE.test(name)) return name;
  const s = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return s || 'tool';
}

/**
 * Puts every tool call's result right after the assistant message that made it, exactly
 * one per call and in call order: a result that arrived later (after a user interjection)
 * moves up, a call without a result gets an explicit synthetic one, a duplicate result is
 * dropped, and a result whose call is not in the session becomes user text. Consecutive
 * assistant messages (one model turn written as several records) are merged first.
 */
export function pairToolCalls(input: Message[], report: MappingReport): Message[] {
  const merged = mergeAdjacent(input, 'assistant');
  const results = new Map<string, ToolResultBlock>();
  for (const m of merged) {
    if (m.role !== 'tool') continue;
    for (const b of m.content as ToolResultBlock[]) if (!results.has(b.tool_use_id)) results.set(b.tool_use_id, b);
  }
  const usedIds = new Set<string>();
  const consumed = new Set<string>();
  const out: Message[] = [];
  for (const m of merged) {
    if (m.role === 'tool') {
      const orphans: ContentBlock[] = [];
      for (const b of m.content as ToolResultBlock[]) {
        if (consumed.has(b.tool_use_id)) continue;
        report.orphanResults++;
        orphans.push({ type: 'text', text: `[Result of an earlier tool call ${b.tool_use_id}${b.is_error ? ' (failed)' : ''}]\n${resultText(b)}` });
      }
      if (orphans.length) out.push({ msg_id: m.msg_id, role: 'user', content: orphans, timestamp: m.timestamp ?? null });
      continue;
    }
    if (m.role !== 'assistant') {
      out.push(m);
      continue;
    }
    const content: ContentBlock[] = [];
    const paired: ToolResultBlock[] = [];
    for (const b of m.content) {
      if (b.type !== 'tool_use') {
        content.push(b);
        continue;
      }
      const u = b as ToolUseBlock;
      const id = uniqueId(u.tool_use_id, usedIds);
      const found = !consumed.has(u.tool_use_id) ? results.get(u.tool_use_id) : undefined;
      if (found) consumed.add(u.tool_use_id);
      else report.syntheticResults++;
      content.push({ type: 'tool_use', tool_use_id: id, name: safeName(u.name), input: u.input });
      paired.push(found ? { ...found, tool_use_id: id } : { type: 'tool_result', tool_use_id: id, content: UNFINISHED_RESULT, is_error: true });
    }
    // Calls go last in their turn: every provider expects results right after the message that asks for them.
    out.push({ ...m, content: [...content.filter((b) => b.type !== 'tool_use'), ...content.filter((b) => b.type === 'tool_use')] });
    if (paired.length) out.push({ msg_id: `${m.msg_id}#results`, role: 'tool', content: paired, timestamp: m.timestamp ?? null });
  }
  return out;
}

function uniqueId(raw: string, used: Set<string>): string {
  let id = SAFE.test(raw) ? raw : raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 56) || 'call';
  for (let n = 2; used.has(id); n++) id = `${id.slice(0, 56)}_${n}`;
  used.add(id);
  return id;
}

function resultText(b: ToolResultBlock): string {
  if (typeof b.content === 'string') return b.content;
  return b.content.map((c) => (c.type === 'text' ? (c as { text: string }).text : `[${c.type}]`)).join('\n');
}

/** Merges runs of messages with the given role into one (the first one's id and time). */
export function mergeAdjacent(input: Message[], role: Message['role']): Message[] {
  const out: Message[] = [];
  for (const m of input) {
    const last = out[out.length - 1];
    if (last && last.role === role && m.role === role) {
      out[out.length - 1] = { ...last, content: [...last.content, ...m.content], ...(last.model || !m.model ? {} : { model: m.model }) };
    } else out.push(m);
  }
  return out;
}
