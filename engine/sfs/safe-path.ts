import type { Message, ContentBlock } from '../model/message.js';
import type { SfsWorkspace } from './types.js';

/**
 * Path references inside `.sfs` files must stay inside the directory (or, for
 * workspace files, inside the workspace root): relative, no `..` segment, no drive or
 * UNC prefix. Checked on read (an import is untrusted input) and on write (so an
 * export never produces something an import would refuse).
 */
export function unsafePathProblem(p: string): string | null {
  if (p.length === 0) return 'is empty';
  if (p.includes('\0')) return 'contains a NUL byte';
  if (p.startsWith('/') || p.startsWith('\\')) return 'is absolute';
  if (/^[A-Za-z]:/.test(p)) return 'has a drive prefix';
  if (p.startsWith('~')) return 'starts with ~';
  if (p.split(/[\\/]/).some((seg) => seg === '..')) return 'has a .. segment';
  return null;
}

export interface PathRef {
  /** JSON pointer-ish location, for the error message. */
  where: string;
  path: string;
}

export function workspacePathRefs(ws: SfsWorkspace): PathRef[] {
  const refs: PathRef[] = [];
  const diff = ws.git?.diff_path;
  if (typeof diff === 'string') refs.push({ where: '/git/diff_path', path: diff });
  ws.files?.forEach((f, i) => {
    if (typeof f.path === 'string') refs.push({ where: `/files/${i}/path`, path: f.path });
  });
  return refs;
}

function blockRefs(blocks: ContentBlock[], where: string, out: PathRef[]): void {
  blocks.forEach((b, i) => {
    const at = `${where}/${i}`;
    if (b.type === 'image') {
      const src = (b as { source?: { type?: unknown; path?: unknown } }).source;
      if (src?.type === 'file' && typeof src.path === 'string') out.push({ where: `${at}/source/path`, path: src.path });
    } else if (b.type === 'tool_result' && Array.isArray((b as { content?: unknown }).content)) {
      blockRefs((b as { content: ContentBlock[] }).content, `${at}/content`, out);
    }
  });
}

/** Image blocks with a `file` source name a file that travels with the session. */
export function messagePathRefs(msg: Message): PathRef[] {
  const out: PathRef[] = [];
  if (Array.isArray(msg.content)) blockRefs(msg.content, '/content', out);
  return out;
}

/** First unsafe reference as "where: path problem", or null. */
export function firstUnsafeRef(refs: PathRef[]): string | null {
  for (const r of refs) {
    const problem = unsafePathProblem(r.path);
    if (problem) return `${r.where} ${JSON.stringify(r.path)} ${problem}`;
  }
  return null;
}
