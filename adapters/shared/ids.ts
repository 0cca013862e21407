import { createHash } from 'node:crypto';

/**
 * Derived message ids for records without a native id: the session plus the record's stable
 * key (never a counter). Stored messages are keyed by these ids, so each derivation stays
 * byte-for-byte what it was when its adapter first shipped; the two are different functions
 * with different names and must never be merged (DESIGN §4).
 */

/** `msg_` + 24 hex of sha256(session \0 key). Gemini, Copilot, Amp, the Cline family. */
export function derivedMsgId(sessionId: string, key: string): string {
  return 'msg_' + createHash('sha256').update(`${sessionId}\0${key}`).digest('hex').slice(0, 24);
}

/** `<prefix>_` + 32 hex of sha256(session \0 key). Claude Code, Codex, Cursor's agent transcripts. */
export function derivedPrefixedId(prefix: string, sessionId: string, key: string): string {
  return `${prefix}_${createHash('sha256').update(`${sessionId}\0${key}`).digest('hex').slice(0, 32)}`;
}
