import type { Message } from '../engine/model/message.js';
import { familyOf, TARGET_TRAITS } from '../engine/resume/targets.js';
import type { ResumeTarget, SourceSession } from '../engine/resume/types.js';
import { remapMessages } from '../engine/resume/remap-paths.js';
import path from 'node:path';

/**
 * What the model must see after a resume, derived from the captured source itself (not
 * from the mapping under test): the text of every prior user and assistant turn, every
 * tool call id and the start of every tool result; and the signatures it must not see.
 */
export interface Expectation {
  snippets: string[];
  images: string[];
  foreignSignatures: string[];
}

export const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const snippet = (s: string) => squash(s).slice(0, 48);
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function kept(m: Message, hasMain: boolean): boolean {
  return !m.is_injected && !m.is_compaction && !m.is_api_error && m.role !== 'system' && m.role !== 'developer' && !(m.is_sidechain && hasMain);
}

/**
 * `project`: where the resume runs. A session recorded in another directory has its paths under
 * that directory rewritten to `project` on the way (sfs resume --project), so the model sees those.
 */
export function expectationFor(src: SourceSession, target: ResumeTarget, project?: string): Expectation {
  const cwd = src.cwd && path.isAbsolute(src.cwd) ? path.resolve(src.cwd) : null;
  if (project && cwd && cwd !== project && cwd !== path.parse(cwd).root)
    src = { ...src, messages: remapMessages(src.messages, { from: cwd, to: project }).messages };
  const snippets = new Set<string>();
  const images: string[] = [];
  const foreign = new Set<string>();
  const hasMain = src.messages.some((m) => !m.is_sidechain);
  const traits = TARGET_TRAITS[target];
  for (const m of src.messages) {
    for (const b of m.content as Array<Record<string, any>>) {
      if (b.type === 'thinking' && typeof b.signature === 'string' && b.signature && familyOf(src.tool, m.provider ?? src.provider) !== traits.family)
        foreign.add(b.signature);
    }
    if (!kept(m, hasMain)) continue;
    for (const b of m.content as Array<Record<string, any>>) {
      if (b.type === 'text' && typeof b.text === 'string' && b.text.trim()) snippets.add(snippet(b.text));
      // Gemini CLI rewrites call ids it made itself (`name__name_<ms>_<n>`) before sending; pairing is checked on the request instead.
      else if (b.type === 'tool_use' && SAFE_ID.test(b.tool_use_id) && !(target === 'gemini' && b.tool_use_id.includes('__'))) snippets.add(b.tool_use_id);
      else if (b.type === 'tool_result') {
        const t = typeof b.content === 'string' ? b.content : (b.content as Array<Record<string, any>>).map((c) => c.text ?? '').join('\n');
        if (t.trim()) snippets.add(snippet(t).slice(0, 32));
      } else if (b.type === 'image' && b.source?.type === 'base64' && m.role === 'user' && traits.imagesInUser && b.source.data.length >= 64) {
        // Only a real picture: a CLI may drop bytes that do not decode as an image (the Roo sample's is a bare PNG signature).
        images.push(b.source.data);
      }
    }
  }
  return { snippets: [...snippets], images, foreignSignatures: [...foreign] };
}
