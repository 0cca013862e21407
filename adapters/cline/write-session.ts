import { randomBytes, randomUUID } from 'node:crypto';
import { rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  readRegularFile,
  type AdapterEnv,
  type ContentBlock,
  type ImageBlock,
  type Message,
  type PreparedSession,
  type SessionWriter,
  type ToolResultBlock,
  type ToolUseBlock,
  type WriteOptions,
  type WrittenSession,
} from '../../engine/adapter-kit.js';
import { base64Image, imagePlaceholder, objectInput } from '../shared/blocks.js';
import { writeNewFile } from '../shared/write-file.js';
import { isObj, optStr } from '../shared/values.js';
import { clineDbDir, clineProviderSettings, clineSessionsDir } from './locate.js';
import { insertSessionRow } from './write-index.js';

/**
 * Writes a Cline CLI (3.x, SDK store) session as format doc §5 describes and `cline --id`
 * reads it: `<sessions dir>/<id>/<id>.messages.json` (`{version: 1, agent: 'lead',
 * sessionId, messages}` in the SDK's Anthropic-like shape: images as `{type: 'image', data,
 * mediaType}`, tool results in the next user message with the tool's name), the session
 * record `<id>.json`, and last the row in `sessions.db` that makes the CLI list it. The files
 * are new and invisible to the CLI until that row exists, so a failed write leaves nothing
 * the CLI could pick up half-written.
 */
type Obj = Record<string, unknown>;

/** `<epoch ms>_<5 base-36 chars>`, the shape the CLI gives its own session ids. */
export function newClineSessionId(now: Date): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(5);
  let tail = '';
  for (const b of bytes) tail += alphabet[b % alphabet.length];
  return `${now.getTime()}_${tail}`;
}

function imagePart(b: ImageBlock): Obj {
  const img = base64Image(b);
  return img ? { type: 'image', data: img.data, mediaType: img.mediaType } : { type: 'text', text: imagePlaceholder(b) };
}

function userPart(b: ContentBlock): Obj {
  if (b.type === 'image') return imagePart(b as ImageBlock);
  return { type: 'text', text: (b as { text: string }).text };
}

function assistantPart(b: ContentBlock): Obj | null {
  if (b.type === 'text') return { type: 'text', text: (b as { text: string }).text };
  if (b.type === 'tool_use') {
    const u = b as ToolUseBlock;
    return { type: 'tool_use', id: u.tool_use_id, name: u.name, input: objectInput(u.input) };
  }
  if (b.type === 'thinking') {
    const t = b as { text: string; signature?: string | null; redacted?: boolean };
    if (t.redacted) return t.signature ? { type: 'redacted_thinking', data: t.signature } : null;
    return t.signature ? { type: 'thinking', thinking: t.text, signature: t.signature } : { type: 'thinking', thinking: t.text };
  }
  return null;
}

function resultPart(r: ToolResultBlock, name: string): Obj {
  const content =
    typeof r.content === 'string'
      ? r.content
      : r.content.map((c) => (c.type === 'image' ? imagePart(c as ImageBlock) : { type: 'text', text: (c as { text?: string }).text ?? '' }));
  return { type: 'tool_result', tool_use_id: r.tool_use_id, name, content, ...(r.is_error ? { is_error: true } : {}) };
}

function tsOf(m: Message, fallback: Date): number {
  const t = m.timestamp ? Date.parse(m.timestamp) : NaN;
  return Number.isFinite(t) ? t : fallback.getTime();
}

/**
 * The SDK messages of the session. A `tool` message becomes a user message of tool_result
 * blocks; a user turn right after it joins that message after the results (the Anthropic
 * order: results first), so roles alternate.
 */
export function clineMessages(p: PreparedSession, o: WriteOptions, provider: string): Obj[] {
  const out: Obj[] = [];
  const names = new Map<string, string>();
  let last: Obj | null = null;
  for (const m of p.messages) {
    const ts = tsOf(m, o.now);
    if (m.role === 'assistant') {
      const content = m.content.map(assistantPart).filter((x): x is Obj => x !== null);
      for (const b of m.content) if (b.type === 'tool_use') names.set((b as ToolUseBlock).tool_use_id, (b as ToolUseBlock).name);
      if (!content.length) continue;
      const model = m.model ?? o.model ?? p.model;
      last = { id: `msg_${randomBytes(6).toString('base64url')}`, role: 'assistant', content, ts, ...(model ? { modelInfo: { id: model, provider } } : {}) };
      out.push(last);
      continue;
    }
    const content =
      m.role === 'tool' ? (m.content as ToolResultBlock[]).map((r) => resultPart(r, names.get(r.tool_use_id) ?? 'tool')) : m.content.map(userPart);
    if (!content.length) continue;
    if (last && last.role === 'user' && m.role === 'user') {
      (last.content as Obj[]).push(...content);
      continue;
    }
    last = { id: randomUUID(), role: 'user', content, ts };
    out.push(last);
  }
  return out;
}

/** The provider and model the CLI will run with: its last used provider in providers.json and that provider's model, else its default (`cline`). */
export async function clineProvider(env: AdapterEnv, model: string | null): Promise<{ provider: string; model: string }> {
  let provider = 'cline';
  let configured: string | null = null;
  try {
    const v: unknown = JSON.parse((await readRegularFile(clineProviderSettings(env))).toString('utf8'));
    if (isObj(v)) {
      provider = optStr(v.lastUsedProvider) ?? provider;
      const entry = isObj(v.providers) ? v.providers[provider] : undefined;
      const settings = isObj(entry) && isObj(entry.settings) ? entry.settings : null;
      configured = settings ? optStr(settings.model) : null;
    }
  } catch {
    // No settings yet: the CLI asks for a provider on its first start.
  }
  // The model goes with the provider the CLI is set up for; another tool's model name would not fit it.
  return { provider, model: configured ?? model ?? '' };
}

function firstUserText(msgs: Message[]): string | null {
  const first = msgs.find((m) => m.role === 'user');
  const text = first?.content.find((b) => b.type === 'text') as { text: string } | undefined;
  return text ? text.text.replace(/\s+/g, ' ').trim().slice(0, 500) || null : null;
}

export const clineWriter: SessionWriter = {
  tool: 'cline',
  displayName: 'Cline CLI',
  binary: 'cline',
  installHint: 'npm install -g cline',
  async write(p: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession> {
    const sessionId = newClineSessionId(o.now);
    const dir = path.join(clineSessionsDir(env), sessionId);
    const messagesPath = path.join(dir, `${sessionId}.messages.json`);
    const recordPath = path.join(dir, `${sessionId}.json`);
    const run = await clineProvider(env, o.model ?? p.model);
    const messages = clineMessages(p, o, run.provider);
    const iso = o.now.toISOString();
    const title = o.title ?? firstUserText(p.messages);
    const metadata: Obj = { ...(title ? { title } : {}), sessionfs: { resumed_from: p.source.id, source_tool: p.source.tool } };
    const created: string[] = [];
    try {
      await writeNewFile(messagesPath, JSON.stringify({ version: 1, updated_at: iso, agent: 'lead', sessionId, messages }, null, 2) + '\n');
      created.push(messagesPath);
      const record = {
        version: 1,
        session_id: sessionId,
        source: 'cli',
        pid: process.pid,
        started_at: iso,
        ended_at: iso,
        exit_code: 0,
        status: 'completed',
        interactive: true,
        provider: run.provider,
        model: run.model,
        cwd: o.cwd,
        workspace_root: o.cwd,
        enable_tools: true,
        enable_spawn: true,
        enable_teams: true,
        ...(title ? { prompt: title } : {}),
        metadata,
        messages_path: messagesPath,
      };
      await writeNewFile(recordPath, JSON.stringify(record, null, 2) + '\n');
      created.push(recordPath);
      // Last: the row is what makes the CLI see the session.
      const db = insertSessionRow(clineDbDir(env), {
        sessionId,
        now: o.now,
        provider: run.provider,
        model: run.model,
        cwd: o.cwd,
        prompt: title,
        metadata,
        messagesPath,
      });
      return { tool: 'cline', nativeId: sessionId, path: messagesPath, files: [...created, db], cwd: o.cwd, records: messages.length };
    } catch (err) {
      // Only what this call created, in the folder only it uses.
      for (const f of created) rmSync(f, { force: true });
      if (created.length)
        try {
          rmdirSync(dir); // only when empty
        } catch {
          // something else is in it: leave it
        }
      throw err;
    }
  },
  launch: (w, o) => ({ command: 'cline', args: ['--id', w.nativeId, ...(o.model ? ['--model', o.model] : [])], cwd: w.cwd }),
};
