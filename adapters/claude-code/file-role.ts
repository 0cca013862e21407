import path from 'node:path';

/** What the file's place in the store says about it. */
export interface FileRole {
  /** Session id from the file name (main transcripts). */
  stem: string;
  /** Sub-agent id for `agent-<id>.jsonl` files, with the parent session id when the folder names it. */
  agentId: string | null;
  parentFromPath: string | null;
}

export function fileRole(file: string): FileRole {
  const base = path.basename(file).replace(/\.jsonl$/, '');
  const agent = /^agent-(.+)$/.exec(base);
  if (!agent) return { stem: base, agentId: null, parentFromPath: null };
  // …/<sessionId>/subagents/[workflows/<wf>/]agent-<id>.jsonl
  const parts = file.split(/[\\/]/);
  const i = parts.lastIndexOf('subagents');
  return { stem: base, agentId: agent[1] ?? null, parentFromPath: i > 0 ? (parts[i - 1] ?? null) : null };
}

/**
 * The title sidecar Claude Code (2.1.3xx) keeps beside a transcript, `<dir>/<session>/custom-title.json`
 * ({ customTitle, by, at }): it holds the current custom title, also when a rename was not appended
 * to the transcript.
 */
export const titleSidecar = (file: string, stem: string) => path.join(path.dirname(file), stem, 'custom-title.json');
