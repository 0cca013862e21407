import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureProblem, CapturedSession, ReadResult, Message } from '../../engine/adapter-kit.js';
import { apiHistoryToMessages, isoFromMs } from './api-history.js';
import { finishMessages } from './finish.js';
import { readJsonFile, type JsonRead } from '../shared/json-file.js';
import { mergeUi } from './merge.js';
import { cleanPrompt, cwdFromEnvironmentDetails, titleFrom } from './prompt-text.js';
import { emptyFacts, factsFromHistoryItem, factsFromTaskMetadata, msFromTaskId, type TaskFacts } from './task-meta.js';
import { conversationFromUi, readUiMessages, type UiFacts } from './ui-messages.js';
import { unknownTypesField, type UnknownTypes } from '../shared/unknown-types.js';

/** What differs between Cline, Roo and Kilo when reading one classic task folder. */
export interface TaskFolderOptions {
  /** UI timeline file names, first found wins (forks and old versions renamed it). */
  uiFileNames: readonly string[];
  /** Files holding this task's HistoryItem, in order of preference (task dir first, then index files). */
  historyFiles(taskDir: string): string[];
}

/** Where the HistoryItem of a task sits inside the file's JSON (an array, `{entries}` or the item itself). */
function findHistoryItem(value: unknown, taskId: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (v.id === taskId) return v;
    if (Array.isArray(v.entries)) return findHistoryItem(v.entries, taskId);
    return null;
  }
  if (Array.isArray(value)) return value.find((x) => x && typeof x === 'object' && (x as Record<string, unknown>).id === taskId) ?? null;
  return null;
}

interface TaskCursor {
  stamp: string;
}

/** `missing` collects the files found absent, so the read does not probe them again (the stamp says they were absent). */
async function stampOf(files: string[], absent: (f: string) => boolean, missing?: Set<string>): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => {
      if (absent(f)) {
        missing?.add(f);
        return `${f}=-`;
      }
      try {
        const st = await stat(f);
        return `${f}=${st.size}:${st.mtimeMs}`;
      } catch (e) {
        // Only a file that is not there is skipped later; any other failure is reported by the read.
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') missing?.add(f);
        return `${f}=-`;
      }
    }),
  );
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);
}

function firstUserText(messages: Message[]): string | null {
  for (const m of messages) {
    if (m.role !== 'user' || m.is_injected) continue;
    for (const b of m.content) {
      if (b.type !== 'text') continue;
      const t = cleanPrompt((b as { text: string }).text);
      if (t) return t;
    }
  }
  return null;
}

function cwdFromMessages(messages: Message[]): string | null {
  for (const m of messages) {
    if (m.role !== 'user') continue;
    for (const b of m.content) {
      if (b.type === 'text') {
        const cwd = cwdFromEnvironmentDetails((b as { text: string }).text);
        if (cwd) return cwd;
      }
    }
  }
  return null;
}

export async function readTaskFolder(taskDir: string, cursor: unknown, opts: TaskFolderOptions): Promise<ReadResult> {
  const problems: CaptureProblem[] = [];
  const taskId = path.basename(taskDir);
  const apiFile = path.join(taskDir, 'api_conversation_history.json');
  const uiFiles = opts.uiFileNames.map((n) => path.join(taskDir, n));
  const metaFile = path.join(taskDir, 'task_metadata.json');
  const historyFiles = opts.historyFiles(taskDir);

  // List the folder once: most optional files do not exist, and probing each one (stat,
  // then again to read) cost more than reading the files that do.
  let names: Set<string>;
  try {
    names = new Set(await readdir(taskDir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOTDIR' ? 'expected a task directory, found a file' : `cannot read task directory: ${(e as Error).message}`;
    const stamp = await stampOf([apiFile, ...uiFiles, metaFile, ...historyFiles], () => false);
    const prev = cursor as TaskCursor | null;
    if (prev && typeof prev === 'object' && prev.stamp === stamp) return { sessions: [], cursor: prev, problems };
    problems.push({ path: taskDir, message });
    return { sessions: [], cursor: { stamp }, problems };
  }
  /** A file of this task folder that the listing did not show (files elsewhere are always probed). */
  const absent = (f: string) => path.dirname(f) === taskDir && !names.has(path.basename(f));
  const missing = new Set<string>();
  const read = (f: string): Promise<JsonRead> => (missing.has(f) ? Promise.resolve({ ok: false, missing: true }) : readJsonFile(f, problems));

  const stamp = await stampOf([apiFile, ...uiFiles, metaFile, ...historyFiles], absent, missing);
  const prev = cursor as TaskCursor | null;
  if (prev && typeof prev === 'object' && prev.stamp === stamp) return { sessions: [], cursor: prev, problems };
  const next: TaskCursor = { stamp };

  const api = await read(apiFile);
  const unknown: UnknownTypes = {};
  let ui: UiFacts | null = null;
  for (const f of uiFiles) {
    const r = await read(f);
    if (r.ok) {
      ui = readUiMessages(taskId, r.value, f, problems);
      break;
    }
    if (!r.missing) break;
  }
  if (!api.ok && !ui) {
    if (api.missing) problems.push({ path: taskDir, message: 'task folder has no conversation files' });
    return { sessions: [], cursor: next, problems };
  }

  const facts: TaskFacts = emptyFacts();
  for (const f of historyFiles) {
    const r = await read(f);
    if (r.ok) factsFromHistoryItem(findHistoryItem(r.value, taskId), facts);
  }
  const meta = await read(metaFile);
  if (meta.ok) factsFromTaskMetadata(meta.value, facts);

  let messages: Message[];
  if (api.ok) {
    const apiMessages = apiHistoryToMessages(taskId, api.value, apiFile, problems, unknown);
    const times = apiMessages.map((m) => (m.timestamp ? Date.parse(m.timestamp) : null));
    messages = mergeUi(apiMessages, times, ui);
  } else {
    messages = conversationFromUi(taskId, ui!);
  }
  messages = finishMessages(messages);

  const lastModel = [...messages].reverse().find((m) => m.role === 'assistant' && m.model);
  const model = facts.model ?? lastModel?.model ?? null;
  const provider = facts.provider ?? lastModel?.provider ?? null;
  const created = facts.createdMs ?? msFromTaskId(taskId) ?? (messages[0]?.timestamp ? Date.parse(messages[0].timestamp) : null);
  const session: CapturedSession = {
    nativeId: taskId,
    header: {
      native_id: taskId,
      native_path: taskDir,
      cwd: facts.cwd ?? cwdFromMessages(messages),
      model: model ? { provider, model_id: model } : null,
      tool_version: facts.toolVersion,
      title:
        titleFrom(facts.title ? cleanPrompt(facts.title) : null) ??
        titleFrom(ui?.firstPrompt ? cleanPrompt(ui.firstPrompt) : null) ??
        titleFrom(firstUserText(messages)),
      created_at: isoFromMs(created) ?? new Date(0).toISOString(),
    },
    messages,
    parentNativeId: facts.parentTaskId,
  };
  return { sessions: [session], cursor: next, problems, ...unknownTypesField(unknown) };
}
