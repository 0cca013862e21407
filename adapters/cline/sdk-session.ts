import path from 'node:path';
import type { CaptureProblem, CapturedSession, ReadResult } from '../../engine/adapter-kit.js';
import { apiHistoryToMessages, isoFromMs } from '../cline-family/api-history.js';
import { finishMessages } from '../cline-family/finish.js';
import { fileStamp, readJsonFile } from '../shared/json-file.js';
import { cleanPrompt, titleFrom } from '../cline-family/prompt-text.js';
import { msFromTaskId } from '../cline-family/task-meta.js';
import { isObj, optStr, type Raw } from '../shared/values.js';
import { unknownTypesField, type UnknownTypes } from '../shared/unknown-types.js';

/**
 * Cline SDK sessions (CLI 3.x, VS Code extension ≥ 4): `sessions/<id>/<id>.json` (the
 * session record) and `<id>.messages.json` (`{messages: [...]}` in Anthropic shape). Both
 * are rewritten whole.
 */

/**
 * The SDK keeps an image as `{type: 'image', data, mediaType}` (its own message type), not in
 * Anthropic's `source` form the family's reader takes: rewrite those, at the top level and
 * inside tool results, and leave everything else as it is.
 */
function sdkImage(b: unknown): unknown {
  if (!isObj(b) || b.type !== 'image' || b.source !== undefined || typeof b.data !== 'string') return b;
  return { type: 'image', source: { type: 'base64', media_type: optStr(b.mediaType) ?? 'application/octet-stream', data: b.data } };
}

function sdkImagesAsAnthropic(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((m) => {
    if (!isObj(m) || !Array.isArray(m.content)) return m;
    const content = m.content.map((b) =>
      isObj(b) && b.type === 'tool_result' && Array.isArray(b.content) ? { ...b, content: b.content.map(sdkImage) } : sdkImage(b),
    );
    return { ...m, content };
  });
}

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
  const unknown: UnknownTypes = {};
  const messages = list === undefined ? [] : finishMessages(apiHistoryToMessages(id, sdkImagesAsAnthropic(list), messagesFile, problems, unknown));

  const origin = isObj(body) && isObj(body.origin) ? body.origin : {};
  const histOrigin = isObj(meta.sessionHistoryOrigin) ? meta.sessionHistoryOrigin : {};
  const git = isObj(meta.git) ? meta.git : null;
  const model = optStr(record.model) ?? optStr(meta.model);
  const firstUser = messages.find((m) => m.role === 'user' && !m.is_injected);
  const firstText = firstUser?.content.find((b) => b.type === 'text') as { text: string } | undefined;
  const title =
    titleFrom(optStr(meta.title)) ??
    titleFrom(cleanPrompt(optStr(meta.prompt) ?? optStr(record.prompt) ?? '')) ??
    titleFrom(firstText ? cleanPrompt(firstText.text) : null);
  const started = optStr(record.started_at);
  const parent = optStr(record.parent_session_id) ?? optStr(meta.parentSessionId) ?? optStr(record.parentSessionId);

  const session: CapturedSession = {
    nativeId: id,
    header: {
      native_id: id,
      native_path: dir,
      cwd: optStr(record.cwd) ?? optStr(record.workspace_root),
      git: git
        ? { branch: optStr(git.branch), commit_sha: optStr(git.commit) ?? optStr(git.sha), remote_url: optStr(git.remote) ?? optStr(git.remoteUrl) }
        : null,
      model: model ? { provider: optStr(record.provider) ?? optStr(meta.provider), model_id: model } : null,
      tool_version: optStr(origin.version) ?? optStr(histOrigin.version),
      title,
      created_at:
        (started && !Number.isNaN(Date.parse(started)) ? new Date(started).toISOString() : null) ??
        isoFromMs(msFromTaskId(id)) ??
        messages[0]?.timestamp ??
        new Date(0).toISOString(),
      interface: optStr(record.source),
    },
    messages,
    parentNativeId: parent,
  };
  return { sessions: [session], cursor: next, problems, ...unknownTypesField(unknown) };
}
