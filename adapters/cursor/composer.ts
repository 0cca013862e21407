import { createHash } from 'node:crypto';
import type { CaptureProblem, CapturedSession, Message } from '../../engine/adapter-kit.js';
import { bubbleMessages, timeOf } from './bubble.js';
import { finishMessages } from './finish.js';
import { isObj, optStr, type Raw } from '../shared/values.js';

/**
 * One composer (a Cursor chat/agent conversation) → a CapturedSession. Bubbles come from
 * `bubbleId:<composerId>:<bubbleId>` rows (modern global DB) or inline (`conversation[]`,
 * `conversationMap`, older layouts); `fullConversationHeadersOnly` gives the order.
 */

export interface ComposerContext {
  dbPath: string;
  /** Bubbles stored as rows of their own, by bubble id. */
  bubbles: Map<string, Raw>;
  cwd: string | null;
  parentId: string | null;
  problems: CaptureProblem[];
}

function fileUriToPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname).replace(/^\/([A-Za-z]:)/, '$1');
  } catch {
    return uri;
  }
}

function bubbleCwd(b: Raw): string | null {
  const dir = optStr(b.workspaceProjectDir);
  if (dir) return dir;
  const uris = Array.isArray(b.workspaceUris) ? b.workspaceUris : [];
  const first = uris.find((u) => typeof u === 'string') as string | undefined;
  return first ? (first.startsWith('file:') ? fileUriToPath(first) : first) : null;
}

/** The summary Cursor keeps after compacting the context; kept as a compaction record, one per distinct summary. */
function summaryMessage(composerId: string, c: Raw): Message | null {
  const s = c.latestConversationSummary;
  if (s === undefined || s === null) return null;
  const inner = isObj(s) && isObj(s.summary) ? s.summary : s;
  const text =
    typeof inner === 'string' ? inner : isObj(inner) ? (optStr(inner.summary) ?? optStr(inner.text) ?? JSON.stringify(inner)) : JSON.stringify(inner);
  if (!text) return null;
  const id = `${composerId}:summary:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  return { msg_id: id, role: 'system', content: [{ type: 'summary', text }], is_compaction: true, timestamp: null };
}

function orderedBubbles(c: Raw, ctx: ComposerContext, composerId: string): { id: string; bubble: Raw; headerType?: unknown }[] {
  const inline = new Map<string, Raw>();
  if (Array.isArray(c.conversation)) for (const b of c.conversation) if (isObj(b) && optStr(b.bubbleId)) inline.set(b.bubbleId as string, b);
  if (isObj(c.conversationMap)) for (const [k, b] of Object.entries(c.conversationMap)) if (isObj(b)) inline.set(k, b);
  const headers = Array.isArray(c.fullConversationHeadersOnly) ? c.fullConversationHeadersOnly.filter(isObj) : [];
  if (headers.length === 0) return [...inline].map(([id, bubble]) => ({ id, bubble }));
  const out: { id: string; bubble: Raw; headerType?: unknown }[] = [];
  for (const h of headers) {
    const id = optStr(h.bubbleId);
    if (!id) continue;
    const bubble = ctx.bubbles.get(id) ?? inline.get(id);
    if (!bubble) {
      ctx.problems.push({ path: ctx.dbPath, where: `bubbleId:${composerId}:${id}`, message: 'bubble listed by the composer is missing' });
      continue;
    }
    out.push({ id, bubble, headerType: h.type });
  }
  return out;
}

export function composerSession(composerId: string, c: Raw, ctx: ComposerContext): CapturedSession {
  const bubbles = orderedBubbles(c, ctx, composerId);
  const messages: Message[] = [];
  let cwd = ctx.cwd;
  for (const { id, bubble, headerType } of bubbles) {
    messages.push(...bubbleMessages(id, bubble, headerType));
    cwd ??= bubbleCwd(bubble);
  }
  const summary = summaryMessage(composerId, c);
  if (summary) messages.push(summary);
  const firstUser = messages.find((m) => m.role === 'user');
  const firstText = firstUser?.content.find((b) => b.type === 'text') as { text: string } | undefined;
  const modelCfg = isObj(c.modelConfig) ? optStr(c.modelConfig.modelName) : null;
  const lastModel = [...messages].reverse().find((m) => m.model)?.model ?? null;
  const model = lastModel ?? (modelCfg && modelCfg !== 'default' ? modelCfg : null);
  const title = optStr(c.name) ?? (firstText ? firstText.text.replace(/\s+/g, ' ').trim().slice(0, 200) : null);
  return {
    nativeId: composerId,
    header: {
      native_id: composerId,
      native_path: ctx.dbPath,
      cwd,
      git: optStr(c.createdOnBranch) ? { branch: c.createdOnBranch as string } : null,
      model: model ? { model_id: model } : null,
      title: title || null,
      created_at: timeOf(c.createdAt) ?? messages.find((m) => m.timestamp)?.timestamp ?? new Date(0).toISOString(),
      interface: 'ide',
    },
    messages: finishMessages(messages),
    parentNativeId: ctx.parentId,
  };
}
