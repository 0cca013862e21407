import type { Message } from '../model/message.js';
import { normalizeMessages } from './normalize.js';
import { mergeAdjacent, pairToolCalls } from './pair-tools.js';
import { TARGET_TRAITS } from './targets.js';
import { trimToLimit } from './trim.js';
import { emptyReport, type PreparedSession, type ResumeTarget, type SourceSession } from './types.js';

export interface PrepareOptions {
  /** Token budget for the replayed history; 0 or absent = 70 % of the target's default context window. */
  maxTokens?: number;
  model?: string | null;
}

/** Share of the window the history may use: the rest is for the tool's system prompt, tool list and the answer. */
const HISTORY_SHARE = 0.7;

export function historyLimit(target: ResumeTarget, maxTokens?: number): number {
  return maxTokens && maxTokens > 0 ? maxTokens : Math.floor(TARGET_TRAITS[target].contextTokens * HISTORY_SHARE);
}

/** Maps a captured session from any tool into the conversation a target writer takes (see PreparedSession). */
export function prepareForTarget(src: SourceSession, target: ResumeTarget, o: PrepareOptions = {}): PreparedSession {
  const report = emptyReport();
  let messages = normalizeMessages(src, target, report);
  messages = pairToolCalls(messages, report);
  messages = mergeAdjacent(messages, 'user');
  if (messages.length && messages[0]!.role !== 'user') messages.unshift(openingNote(src, messages[0]!));
  messages = trimToLimit(messages, historyLimit(target, o.maxTokens), report);
  const { messages: _m, ...facts } = src;
  const last = src.messages[src.messages.length - 1];
  const model = o.model ?? (src.tool === target ? src.model : null);
  return { source: facts, target, messages, report, atMsg: last ? last.msg_id : null, model };
}

/** Providers want the conversation to open with a user turn. */
function openingNote(src: SourceSession, first: Message): Message {
  return {
    msg_id: 'sfs-opening-note',
    role: 'user',
    content: [
      { type: 'text', text: `[SessionFS: this conversation was continued from a ${src.tool} session whose recorded history starts with an assistant turn.]` },
    ],
    timestamp: first.timestamp ?? null,
  };
}
