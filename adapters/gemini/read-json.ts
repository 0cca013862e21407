import { openRegularFile, parseJsonBounded, type CaptureProblem, type ReadResult } from '../../engine/adapter-kit.js';
import { emptyState, Replay } from './replay.js';
import { toSession } from './session.js';
import { pathFor } from '../shared/paths.js';
import { cleanStrings, errorText, isObj, str } from '../shared/values.js';
import { unknownTypesField } from '../shared/unknown-types.js';

const MAX_BYTES = 512 * 1024 * 1024;

/**
 * Legacy single-JSON sessions (≤ 0.38), rewritten whole by the CLI: re-read every time.
 * Records without an id are keyed by timestamp and type (plus the occurrence of that pair),
 * which does not shift when messages are appended.
 */
export async function readJson(file: string, platform: NodeJS.Platform): Promise<ReadResult> {
  const problems: CaptureProblem[] = [];
  let doc: unknown;
  let mtime: Date | null = null;
  try {
    const { fh, st } = await openRegularFile(file);
    try {
      if (st.size > MAX_BYTES) throw new Error(`file of ${st.size} bytes is too large`);
      mtime = st.mtime;
      doc = parseJsonBounded((await fh.readFile()).toString('utf8'));
    } finally {
      await fh.close().catch(() => undefined);
    }
  } catch (err) {
    return { sessions: [], cursor: null, problems: [{ path: file, message: `cannot read: ${errorText(err)}` }] };
  }
  const root = Array.isArray(doc) ? { messages: doc } : doc;
  if (!isObj(root)) return { sessions: [], cursor: null, problems: [{ path: file, message: 'not a JSON object' }] };
  const stem = pathFor(platform)
    .basename(file)
    .replace(/\.json$/, '');
  const replay = new Replay(emptyState(), stem);
  const { messages, history, ...meta } = cleanStrings(root);
  replay.applyMeta(meta);
  const list = Array.isArray(messages) ? messages : Array.isArray(history) ? history : [];
  const seen = new Map<string, number>();
  list.forEach((rec, i) => {
    if (!isObj(rec)) {
      problems.push({ path: file, where: `messages[${i}]`, message: 'message is not an object' });
      return;
    }
    const pair = `${str(rec.timestamp) || String(rec.ts ?? '')}|${str(rec.type) || str(rec.role)}`;
    const n = seen.get(pair) ?? 0;
    seen.set(pair, n + 1);
    replay.apply(rec, `json:${pair}|${n}`);
  });
  const sessions = replay.state.conversation ? [await toSession(file, platform, replay.sessionId, replay.state, [...replay.out.values()], mtime)] : [];
  return { sessions, cursor: null, problems, ...unknownTypesField(replay.unknown) };
}
