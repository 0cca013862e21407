import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type {
  AdapterEnv,
  ImageBlock,
  Message,
  ToolResultBlock,
  PreparedSession,
  SessionWriter,
  WriteOptions,
  WrittenSession,
} from '../../engine/adapter-kit.js';
import { base64Image, imagePlaceholder, objectInput, resultText, segments } from '../shared/blocks.js';
import { isoOr, jsonl, writeNewFile } from '../shared/write-file.js';
import { storeDirs } from './locate.js';
import { ensureProject, projectHash } from './write-project.js';

/**
 * Writes a Gemini CLI chat recording (JSONL, ≥ 0.39) as format doc §7 requires: a metadata
 * first line with `sessionId` and `projectHash`, then `user` and `gemini` records. Tool
 * calls ride on the `gemini` record as `toolCalls[]` with their `functionResponse`
 * results (the form every version's resume converter reads).
 */
type Obj = Record<string, unknown>;

/**
 * `session-<YYYY-MM-DDTHH-MM>-<first 8 of id>-<last 8 of id>.jsonl` in UTC. Not the CLI's own
 * `…-<first 8>.jsonl`: each time Gemini CLI (0.61) resumes a session it also opens an empty file
 * `session-<minute it started>-<first 8>.jsonl`, and the start-up cleanup of its next other
 * session deletes that file together with every `session-*` file whose name ends with the same
 * `-<8 chars>.json[l]` (google-gemini/gemini-cli#27368). Ending with other 8 characters keeps
 * the resumed session out of that sweep; the first 8 in the name still let the CLI see the file
 * as the current session while it runs, and the last dash part is the 8-character short id its
 * own delete command looks for.
 */
export function geminiFileName(now: Date, sessionId: string): string {
  return `session-${now.toISOString().slice(0, 16).replace(/:/g, '-')}-${sessionId.slice(0, 8)}-${shortIdOf(sessionId)}.jsonl`;
}

/** The short id our file name ends with: the last 8 characters of the session id. */
export function shortIdOf(sessionId: string): string {
  return sessionId.slice(-8);
}

/** A session id whose file name cannot end like the empty file Gemini opens for it. */
export function newSessionId(): string {
  for (;;) {
    const id = randomUUID();
    if (shortIdOf(id) !== id.slice(0, 8)) return id;
  }
}

function userParts(m: Message): Obj[] {
  return m.content.map((b) => {
    if (b.type !== 'image') return { text: (b as { text: string }).text };
    const img = base64Image(b as ImageBlock);
    return img ? { inlineData: { mimeType: img.mediaType, data: img.data } } : { text: imagePlaceholder(b as ImageBlock) };
  });
}

export function geminiRecords(p: PreparedSession, sessionId: string, hash: string, o: WriteOptions): Obj[] {
  const start = o.now.toISOString();
  const out: Obj[] = [{ sessionId, projectHash: hash, startTime: start, lastUpdated: start, kind: 'main', ...(o.title ? { summary: o.title } : {}) }];
  const msgs = p.messages;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    const ts = isoOr(m.timestamp, o.now);
    if (m.role === 'user') {
      out.push({ id: randomUUID(), timestamp: ts, type: 'user', content: userParts(m) });
      continue;
    }
    if (m.role !== 'assistant') continue; // tool messages are folded into the call's record below
    const next = msgs[i + 1];
    const results = new Map<string, ToolResultBlock>();
    if (next?.role === 'tool') for (const r of next.content as ToolResultBlock[]) results.set(r.tool_use_id, r);
    const model = m.model ?? o.model ?? p.model ?? 'unknown';
    for (const seg of segments(m.content)) {
      const rec: Obj = { id: randomUUID(), timestamp: ts, type: 'gemini', content: seg.texts.join('\n\n'), model };
      if (seg.thinking.length) rec.thoughts = seg.thinking.map((t) => ({ subject: '', description: t.text, timestamp: ts }));
      if (seg.tools.length) {
        rec.toolCalls = seg.tools.map((c) => {
          const r = results.get(c.id)!;
          const output = resultText(r);
          return {
            id: c.id,
            name: c.name,
            args: objectInput(c.input),
            result: [{ functionResponse: { id: c.id, name: c.name, response: { output } } }],
            status: r.is_error ? 'error' : 'success',
            timestamp: ts,
            displayName: c.name,
            description: '',
            resultDisplay: output,
            renderOutputAsMarkdown: false,
          };
        });
      }
      out.push(rec);
    }
  }
  return out;
}

export const geminiWriter: SessionWriter = {
  tool: 'gemini',
  displayName: 'Gemini CLI',
  binary: 'gemini',
  installHint: 'npm install -g @google/gemini-cli',
  async write(p: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession> {
    const geminiDir = storeDirs(env)[0]!;
    const project = await ensureProject(geminiDir, o.cwd);
    const sessionId = newSessionId();
    const file = path.join(geminiDir, 'tmp', project.slug, 'chats', geminiFileName(o.now, sessionId));
    const records = geminiRecords(p, sessionId, projectHash(o.cwd), o);
    await writeNewFile(file, jsonl(records));
    return { tool: 'gemini', nativeId: sessionId, path: file, files: [...project.files, file], cwd: o.cwd, records: records.length };
  },
  launch: (w, o) => ({ command: 'gemini', args: ['--resume', w.nativeId, ...(o.model ? ['--model', o.model] : [])], cwd: w.cwd }),
};
