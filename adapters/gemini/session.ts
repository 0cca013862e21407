import { readRegularFile, type CapturedSession, type Message } from '../../engine/adapter-kit.js';
import { projectDirOf } from './locate.js';
import type { ReplayState } from './replay.js';
import { pathFor } from '../shared/paths.js';

const TITLE_MAX = 200;

/** Builds the captured session from the replay state: title = `summary`, else the first real prompt. */
export async function toSession(
  file: string,
  platform: NodeJS.Platform,
  sessionId: string,
  state: ReplayState,
  messages: Message[],
  mtime: Date | null,
): Promise<CapturedSession> {
  const meta = state.meta;
  const { projectDir, parentSessionId } = projectDirOf(file, platform);
  const cwd = (await projectRoot(pathFor(platform).join(projectDir, '.project_root'))) ?? meta.directories?.[0] ?? null;
  const title = meta.summary ?? meta.firstPrompt ?? null;
  const created = meta.startTime ?? messages.find((m) => m.timestamp)?.timestamp ?? mtime?.toISOString() ?? new Date(0).toISOString();
  const subagent = meta.kind === 'subagent' || parentSessionId !== null;
  return {
    nativeId: sessionId,
    parentNativeId: subagent ? parentSessionId : null,
    header: {
      native_id: sessionId,
      native_path: file,
      cwd,
      git: null,
      model: meta.model ? { provider: 'google', model_id: meta.model } : null,
      tool_version: null,
      title: title ? firstLine(title) : null,
      created_at: created,
      interface: 'cli',
    },
    messages,
  };
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > TITLE_MAX ? line.slice(0, TITLE_MAX - 1) + '…' : line;
}

async function projectRoot(file: string): Promise<string | null> {
  try {
    const text = (await readRegularFile(file, 64 * 1024)).toString('utf8').trim();
    return text || null;
  } catch {
    return null;
  }
}
