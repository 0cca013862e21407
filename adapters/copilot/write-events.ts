import { createHash, randomUUID } from 'node:crypto';
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
import { workspaceYaml } from './write-workspace.js';

/**
 * Writes a Copilot CLI event log as format doc §8 requires: `session-state/<uuid>/events.jsonl`,
 * each event `{type, data, id, timestamp, parentId}` chained to the one before, starting
 * with `session.start`; tool calls as `toolRequests` on `assistant.message`, each followed
 * by `tool.execution_start` / `tool.execution_complete` with the same `toolCallId`.
 *
 * A user image is written as Copilot CLI 1.0.102 itself records an attached image: a
 * `session.binary_asset` event holding the bytes (base64, content-addressed `sha256:` id),
 * then a `file` attachment on the `user.message` naming that asset. On resume Copilot sends
 * the asset's bytes to the model as an image part, with an "Image file at path …" line; the
 * bytes are also written to that path, in the session's own `files/` folder, so the path the
 * model reads exists. Images given only as a URL or a path become a text note.
 */
type Obj = Record<string, unknown>;

/** An image file the writer puts next to the event log. */
export interface CopilotImageFile {
  path: string;
  bytes: Buffer;
}

const IMAGE_EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
};

function imageExt(mediaType: string): string {
  const known = IMAGE_EXT[mediaType.toLowerCase()];
  if (known) return known;
  const sub =
    mediaType
      .toLowerCase()
      .split('/')[1]
      ?.replace(/[^a-z0-9]/g, '') ?? '';
  return sub.slice(0, 8) || 'img';
}

/** The version whose resume of a hand-written log was verified. */
const VERIFIED_COPILOT_VERSION = '1.0.102';

/**
 * The events of the session, and the image files to write with it. `filesDir` is the
 * session's `files/` folder: attachment paths point into it.
 */
export function copilotEvents(p: PreparedSession, sessionId: string, o: WriteOptions, filesDir: string): { events: Obj[]; images: CopilotImageFile[] } {
  const out: Obj[] = [];
  const images: CopilotImageFile[] = [];
  const assets = new Map<string, string>(); // assetId → the path its bytes were written to
  let parent: string | null = null;
  const push = (type: string, data: Obj, ts: string) => {
    const id = randomUUID();
    out.push({ type, data, id, timestamp: ts, parentId: parent });
    parent = id;
  };
  const start = o.now.toISOString();
  const context: Obj = { cwd: o.cwd, ...(p.source.gitBranch ? { branch: p.source.gitBranch } : {}) };
  push(
    'session.start',
    {
      sessionId,
      version: 1,
      producer: 'copilot-agent',
      copilotVersion: VERIFIED_COPILOT_VERSION,
      startTime: start,
      context,
      ...((o.model ?? p.model) ? { selectedModel: o.model ?? p.model } : {}),
    },
    start,
  );
  const msgs = p.messages;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    const ts = isoOr(m.timestamp, o.now);
    if (m.role === 'user') {
      const texts: string[] = [];
      const attachments: Obj[] = [];
      for (const b of m.content) {
        if (b.type === 'text') {
          if ((b as { text: string }).text) texts.push((b as { text: string }).text);
          continue;
        }
        if (b.type !== 'image') continue;
        const img = base64Image(b as ImageBlock);
        if (!img) {
          texts.push(imagePlaceholder(b as ImageBlock));
          continue;
        }
        const bytes = Buffer.from(img.data, 'base64');
        const assetId = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        let file = assets.get(assetId);
        if (!file) {
          file = path.join(filesDir, `image-${assets.size + 1}.${imageExt(img.mediaType)}`);
          assets.set(assetId, file);
          images.push({ path: file, bytes });
          push('session.binary_asset', { assetId, type: 'image', mimeType: img.mediaType, byteLength: bytes.length, data: bytes.toString('base64') }, ts);
        }
        attachments.push({ type: 'file', path: file, displayName: path.basename(file), assetId, mimeType: img.mediaType, byteLength: bytes.length });
      }
      push('user.message', { content: texts.join('\n\n'), attachments }, ts);
      continue;
    }
    if (m.role !== 'assistant') continue; // results are written right after their calls below
    const next = msgs[i + 1];
    const results = new Map<string, ToolResultBlock>();
    if (next?.role === 'tool') for (const r of next.content as ToolResultBlock[]) results.set(r.tool_use_id, r);
    for (const seg of segments(m.content)) {
      const data: Obj = {
        messageId: randomUUID(),
        content: seg.texts.join('\n\n'),
        toolRequests: seg.tools.map((c) => ({ toolCallId: c.id, name: c.name, arguments: objectInput(c.input), type: 'function' })),
      };
      if (seg.thinking.length) {
        data.reasoningText = seg.thinking.map((t) => t.text).join('\n\n');
        const sig = seg.thinking.find((t) => t.signature)?.signature;
        if (sig) data.reasoningOpaque = sig;
      }
      if (m.model) data.model = m.model;
      push('assistant.message', data, ts);
      for (const c of seg.tools) {
        const r = results.get(c.id)!;
        const text = resultText(r);
        push('tool.execution_start', { toolCallId: c.id, toolName: c.name, arguments: objectInput(c.input) }, ts);
        push(
          'tool.execution_complete',
          r.is_error
            ? { toolCallId: c.id, success: false, result: { content: text }, error: { message: text } }
            : { toolCallId: c.id, success: true, result: { content: text } },
          ts,
        );
      }
    }
  }
  return { events: out, images };
}

function userText(m: Message): string {
  return m.content
    .map((b) => (b as { text?: string }).text ?? '')
    .filter(Boolean)
    .join('\n\n');
}

export const copilotWriter: SessionWriter = {
  tool: 'copilot',
  displayName: 'Copilot CLI',
  binary: 'copilot',
  installHint: 'npm install -g @github/copilot',
  async write(p: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession> {
    const sessionId = randomUUID();
    const dir = path.join(storeDirs(env)[0]!, 'session-state', sessionId);
    const file = path.join(dir, 'events.jsonl');
    const { events, images } = copilotEvents(p, sessionId, o, path.join(dir, 'files'));
    for (const img of images) await writeNewFile(img.path, img.bytes);
    await writeNewFile(file, jsonl(events));
    const ws = path.join(dir, 'workspace.yaml');
    const first = p.messages.find((m) => m.role === 'user');
    await writeNewFile(
      ws,
      workspaceYaml({
        id: sessionId,
        cwd: o.cwd,
        name: o.title ?? (first ? userText(first).slice(0, 100) : 'Resumed session'),
        branch: p.source.gitBranch,
        now: o.now,
      }),
    );
    return { tool: 'copilot', nativeId: sessionId, path: file, files: [file, ws, ...images.map((i) => i.path)], cwd: o.cwd, records: events.length };
  },
  launch: (w, o) => ({ command: 'copilot', args: [`--resume=${w.nativeId}`, ...(o.model ? ['--model', o.model] : [])], cwd: w.cwd }),
};
