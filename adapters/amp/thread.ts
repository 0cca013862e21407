import type { CaptureProblem, CapturedSession, Message, ToolResultBlock, ToolUseBlock, Usage } from '../../engine/adapter-kit.js';
import { convertContent } from './content.js';
import { derivedMsgId } from '../shared/ids.js';
import { isObj, num, str, type Raw } from '../shared/values.js';
import { noteUnknownType, type UnknownTypes } from '../shared/unknown-types.js';

/**
 * One Amp thread document → one captured session. Messages have no native string id: they are
 * keyed by Amp's `messageId` (an index Amp assigns once), falling back to the array position;
 * both only grow as the thread is rewritten, so ids stay stable.
 */
export function threadToSession(doc: Raw, file: string, fallbackId: string, problems: CaptureProblem[], unknown: UnknownTypes = {}): CapturedSession {
  const id = str(doc.id) || fallbackId;
  const initial = isObj(doc.env) && isObj(doc.env.initial) ? doc.env.initial : {};
  const ledger = ledgerUsage(doc);
  const raw = Array.isArray(doc.messages) ? doc.messages : [];
  const messages: Message[] = [];
  let parent: string | null = null;
  raw.forEach((m, i) => {
    if (!isObj(m)) {
      problems.push({ path: file, where: `messages[${i}]`, message: 'message is not an object' });
      return;
    }
    const role = m.role === 'assistant' ? 'assistant' : m.role === 'user' ? 'user' : null;
    if (!role) {
      noteUnknownType(unknown, `role:${String(m.role)}`);
      problems.push({ path: file, where: `messages[${i}]`, message: `unknown role ${JSON.stringify(m.role)}` });
      return;
    }
    const nativeIdx = num(m.messageId) ?? i;
    const content = convertContent(m.content ?? m.text, unknown);
    const onlyResults = content.length > 0 && content.every((b) => b.type === 'tool_result');
    const msg: Message = {
      msg_id: typeof m.id === 'string' && m.id ? m.id : derivedMsgId(id, `message:${nativeIdx}`),
      parent_msg_id: parent,
      role: onlyResults ? 'tool' : role,
      content,
      timestamp: timeOf(m),
    };
    const usage = isObj(m.usage) ? usageOf(m.usage) : (ledger.get(nativeIdx) ?? null);
    if (usage) msg.usage = usage.usage;
    const model = (isObj(m.usage) && str(m.usage.model)) || usage?.model;
    if (model) msg.model = model;
    const state = isObj(m.state) ? m.state : {};
    if (str(state.stopReason)) msg.stop_reason = str(state.stopReason);
    if (state.type === 'error') msg.is_api_error = true;
    messages.push(msg);
    parent = msg.msg_id;
  });
  markUnfinished(messages);
  const firstPrompt = messages.find((m) => m.role === 'user')?.content.find((b) => b.type === 'text') as { text: string } | undefined;
  const model = [...messages].reverse().find((m) => m.model)?.model ?? modelTag(initial);
  const tree = Array.isArray(initial.trees) && isObj(initial.trees[0]) ? initial.trees[0] : {};
  const repo = isObj(tree.repository) ? tree.repository : null;
  const platform = isObj(initial.platform) ? initial.platform : {};
  const created = num(doc.created);
  return {
    nativeId: id,
    parentNativeId: null,
    header: {
      native_id: id,
      native_path: file,
      cwd: uriToPath(str(tree.uri)) ?? (str(initial.cwd) || null),
      git: repo ? { branch: str(repo.ref) || null, remote_url: str(repo.url) || null, commit_sha: str(repo.sha) || null } : null,
      model: model ? { provider: null, model_id: model } : null,
      tool_version: str(platform.clientVersion) || null,
      title: str(doc.title).trim() || firstLine(firstPrompt?.text) || null,
      created_at: created !== undefined ? new Date(created).toISOString() : (messages.find((m) => m.timestamp)?.timestamp ?? new Date(0).toISOString()),
      interface: str(platform.client) || null,
    },
    messages,
  };
}

function timeOf(m: Raw): string | null {
  const meta = isObj(m.meta) ? m.meta : {};
  const ms = num(meta.sentAt) ?? num(m.createdAt) ?? (isObj(m.usage) ? num(m.usage.timestamp) : undefined);
  if (ms !== undefined) return new Date(ms).toISOString();
  if (isObj(m.usage) && typeof m.usage.timestamp === 'string') return m.usage.timestamp;
  return null;
}

function usageOf(u: Raw): { usage: Usage; model?: string } | null {
  const usage: Usage = {};
  const set = (k: keyof Usage, v: unknown) => {
    const n = num(v);
    if (n !== undefined) usage[k] = n;
  };
  set('input_tokens', u.inputTokens ?? u.input);
  set('output_tokens', u.outputTokens ?? u.output);
  set('cache_read_tokens', u.cacheReadInputTokens);
  set('cache_write_tokens', u.cacheCreationInputTokens);
  return Object.keys(usage).length ? { usage, model: str(u.model) || undefined } : null;
}

/** Older threads: `usageLedger.events[] {model, tokens {input, output}, toMessageId}`. */
function ledgerUsage(doc: Raw): Map<number, { usage: Usage; model?: string }> {
  const out = new Map<number, { usage: Usage; model?: string }>();
  const events = isObj(doc.usageLedger) && Array.isArray(doc.usageLedger.events) ? doc.usageLedger.events : [];
  for (const e of events) {
    if (!isObj(e) || num(e.toMessageId) === undefined || !isObj(e.tokens)) continue;
    const u = usageOf(e.tokens);
    if (u) out.set(num(e.toMessageId)!, { usage: u.usage, model: str(e.model) || undefined });
  }
  return out;
}

function markUnfinished(messages: Message[]): void {
  const answered = new Set(messages.flatMap((m) => m.content.filter((b) => b.type === 'tool_result').map((b) => (b as ToolResultBlock).tool_use_id)));
  for (const m of messages) {
    const open = m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use' && !answered.has((b as ToolUseBlock).tool_use_id)).map((b) => b.tool_use_id);
    if (open.length) m.unfinished_tool_use_ids = open;
  }
}

function modelTag(initial: Raw): string | null {
  const tags = Array.isArray(initial.tags) ? initial.tags : [];
  const tag = tags.find((t): t is string => typeof t === 'string' && t.startsWith('model:'));
  return tag ? tag.slice('model:'.length) : null;
}

function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file://')) return null;
  try {
    const path = decodeURIComponent(new URL(uri).pathname);
    return /^\/[A-Za-z]:/.test(path) ? path.slice(1).replace(/\//g, '\\') : path;
  } catch {
    return null;
  }
}

function firstLine(text: string | undefined): string | null {
  const line = (text ?? '').trim().split('\n')[0]!.trim();
  return line ? (line.length > 200 ? line.slice(0, 199) + '…' : line) : null;
}
