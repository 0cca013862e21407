import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureProblem, CapturedSession, ReadResult } from '../../engine/adapter-kit.js';
import { readJsonFile } from '../shared/json-file.js';
import { cleanStrings, isObj, isoTimeOrEpoch, strOrNull } from '../shared/values.js';
import { idFromFileName } from './locate.js';
import { CodexParser, initialCodexState } from './parse.js';

/**
 * Pre-JSONL rollouts of the TypeScript Codex CLI (≤ 0.2x, early 2025): one pretty-printed
 * JSON document `$CODEX_HOME/sessions/rollout-<YYYY-MM-DD>-<uuid>.json`,
 * `{session: {id, timestamp, instructions, model?, provider?}, items: ResponseItem[]}`,
 * rewritten whole after every turn. The items are the same Responses API items later
 * rollouts wrap in `response_item` lines, so they go through the same parser. Items only
 * ever grow at the end, so an item's position is a stable key for those without an id;
 * the engine de-duplicates what an earlier read already returned.
 */
export interface LegacyCursor {
  v: 'legacy-json';
  stamp: string;
}

async function stampOf(file: string): Promise<string | null> {
  try {
    const st = await stat(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return null;
  }
}

export async function readLegacyRollout(file: string, cursor: unknown): Promise<ReadResult> {
  const problems: CaptureProblem[] = [];
  const prev = isObj(cursor) && cursor.v === 'legacy-json' ? (cursor as unknown as LegacyCursor) : null;
  const stamp = await stampOf(file);
  if (prev && stamp && prev.stamp === stamp) return { sessions: [], cursor: prev, problems };
  const read = await readJsonFile(file, problems);
  if (!read.ok) {
    if (read.missing) problems.push({ path: file, message: 'cannot read: file not found' });
    return { sessions: [], cursor: prev, problems };
  }
  const doc = cleanStrings(read.value);
  if (!isObj(doc) || !Array.isArray(doc.items)) {
    problems.push({ path: file, message: 'not a Codex rollout: expected an object with an `items` array' });
    return { sessions: [], cursor: prev, problems };
  }
  const meta = isObj(doc.session) ? doc.session : {};
  const fileId = idFromFileName(file);
  const nativeId = strOrNull(meta.id) ?? strOrNull(meta.session_id) ?? fileId ?? path.basename(file).replace(/\.json$/, '');
  const state = initialCodexState(fileId);
  state.threadId = nativeId;
  state.model = strOrNull(meta.model);
  state.provider = strOrNull(meta.provider);
  state.cwd = strOrNull(meta.cwd);
  state.createdAt = isoTimeOrEpoch(meta.timestamp);
  state.version = strOrNull(meta.version) ?? strOrNull(meta.cli_version);
  const parser = new CodexParser(state, `legacy:${nativeId}`);
  doc.items.forEach((item, i) => {
    const where = `items[${i}]`;
    if (!isObj(item)) {
      problems.push({ path: file, where, message: 'item is not an object' });
      return;
    }
    try {
      // Items carry no time of their own in real files; some copies add `timestamp`.
      parser.onRecord({ type: 'response_item', timestamp: item.timestamp ?? null, payload: item }, { line: i + 1, end: i + 1, text: '', start: i });
    } catch (e) {
      problems.push({ path: file, where, message: `unreadable item: ${(e as Error).message.slice(0, 200)}` });
    }
  });
  parser.finish();
  const s = parser.state;
  let created = s.createdAt;
  if (!created) {
    try {
      created = (await stat(file)).mtime.toISOString();
    } catch {
      created = new Date(0).toISOString();
    }
  }
  const session: CapturedSession = {
    nativeId,
    header: {
      native_id: nativeId,
      native_path: file,
      cwd: s.cwd,
      git: null,
      model: s.model || s.provider ? { provider: s.provider, model_id: s.model } : null,
      tool_version: s.version,
      title: s.itemPrompt,
      created_at: created,
      interface: null,
      agent_id: null,
    },
    messages: parser.messages,
    parentNativeId: null,
  };
  const next: LegacyCursor | null = stamp ? { v: 'legacy-json', stamp } : prev;
  return { sessions: [session], cursor: next, problems };
}
