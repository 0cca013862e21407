import path from 'node:path';
import type { CaptureProblem, CapturedSession, ReadResult } from '../../engine/capture/contract.js';
import { apiHistoryToMessages, isoFromMs } from '../cline-family/api-history.js';
import { finishMessages } from '../cline-family/finish.js';
import { fileStamp, readJsonFile } from '../cline-family/json-file.js';
import { cleanPrompt, titleFrom } from '../cline-family/prompt-text.js';
import { msFromTaskId } from '../cline-family/task-meta.js';

/**
 * Cline SDK sessions (CLI 3.x, VS Code extension ≥ 4): `sessions/<id>/<id>.json` (the
 * session record) and `<id>.messages.json` (`{messages: [...]}` in Anthropic shape). Both
 * are rewritten whole.
 */
type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

interface SdkCursor {
  stamp: string;
}

export async function readSdkSession(dir: string, cursor: unknown): Promise<ReadResult> {
  const problems: CaptureProblem[] = [];
  const id = path.basename(dir);
  const recordFile = path.join(dir, `${id}.json`);
  const messagesFile = path.join(dir, `${id}.messages.json`);
  const stamp = `${await fileStamp(recordFile)}|${await fileStamp(messagesFile)}`;
  const prev = cursor as SdkCursor | null;
  if (prev && typeof prev === 'object' && prev.stamp === stamp) return { sessions: [], cursor: prev, problems };
  const next: SdkCursor = { stamp };

  const rec = await readJsonFile(recordFile, problems);
  const msgs = await readJsonFile(messagesFile, problems);
  if (!rec.ok && !msgs.ok) {
    if (rec.missing && msgs.missing) problems.push({ path: dir, message: 'session folder has no session files' });
    return { sessions: [], cursor: next, problems };
  }
  const record: Raw = rec.ok && isObj(rec.value) ? rec.value : {};
  const meta: Raw = isObj(record.metadata) ? record.metadata : {};
  const body = msgs.ok ? msgs.value : null;
  const list = isObj(body) ? body.messages : Array.isArray(body) ? body : undefined;
  const messages = list === undefined ? [] : finishMessages(apiHistoryToMessages(id, list, messagesFile, problems));

  const origin = isObj(body) && isObj(body.origin) ? body.origin : {};
  const histOrigin = isObj(meta.sessionHistoryOrigin) ? meta.sessionHistoryOrigin : {};
  const git = isObj(meta.git) ? meta.git : null;
  const model = str(record.model) ?? str(meta.model);
  const firstUser = messages.find((m) => m.role === 'user' && !m.is_injected);
  const firstText = firstUser?.content.find((b) => b.type === 'text') as { text: string } | undefined;
  const title = titleFrom(str(meta.title)) ?? titleFrom(cleanPrompt(str(meta.prompt) ?? str(record.prompt) ?? '')) ?? titleFrom(firstText ? cleanPrompt(firstText.text) : null);
  const started = str(record.started_at);
  const parent = str(record.parent_session_id) ?? str(meta.parentSessionId) ?? str(record.parentSessionId);

  const session: CapturedSession = {
    nativeId: id,
    header: {
      native_id: id,
      native_path: dir,
      cwd: str(record.cwd) ?? str(record.workspace_root),
      git: git ? { branch: str(git.branch), commit_sha: str(git.commit) ?? str(git.sha), remote_url: str(git.remote) ?? str(git.remoteUrl) } : null,
      model: model ? { provider: str(record.provider) ?? str(meta.provider), model_id: model } : null,
      tool_version: str(origin.version) ?? str(histOrigin.version),
      title,
      created_at: (started && !Number.isNaN(Date.parse(started)) ? new Date(started).toISOString() : null) ?? isoFromMs(msFromTaskId(id)) ?? messages[0]?.timestamp ?? new Date(0).toISOString(),
      interface: str(record.source),
    },
    messages,
    parentNativeId: parent,
  };
  return { sessions: [session], cursor: next, problems };
}
