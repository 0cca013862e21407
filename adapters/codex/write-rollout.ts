import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type {
  AdapterEnv,
  ContentBlock,
  ImageBlock,
  Message,
  ToolResultBlock,
  ToolUseBlock,
  PreparedSession,
  SessionWriter,
  WriteOptions,
  WrittenSession,
} from '../../engine/adapter-kit.js';
import { base64Image, imagePlaceholder, resultText } from '../shared/blocks.js';
import { isoOr, jsonl, writeNewFile } from '../shared/write-file.js';
import { codexHome } from './locate.js';
import { configuredProvider } from './write-config.js';
import { insertThreadRow } from './write-threads.js';

/**
 * Writes a Codex rollout as format doc §9 requires: `sessions/YYYY/MM/DD/rollout-<local
 * time>-<uuid>.jsonl`, a `session_meta` first line, then `response_item`s in Responses API
 * shape (every `call_id` with its output), with `user_message`/`agent_message` events
 * beside them so the title and the TUI transcript come from the imported turns. Then the
 * `threads` row of the state database, so `--last` and the picker list it.
 */
type Obj = Record<string, unknown>;

/** The version whose resume of a hand-written rollout was verified. */
const VERIFIED_CLI_VERSION = '0.171.0';

const pad = (n: number) => String(n).padStart(2, '0');

/** Codex names rollouts by the local wall-clock time the thread was created. */
export function rolloutRelPath(now: Date, id: string): string[] {
  const y = String(now.getFullYear());
  const mo = pad(now.getMonth() + 1);
  const d = pad(now.getDate());
  const stamp = `${y}-${mo}-${d}T${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return ['sessions', y, mo, d, `rollout-${stamp}-${id}.jsonl`];
}

/** UUID v7: Codex's current thread ids are time-ordered. */
export function uuidV7(now: Date): string {
  const hex = BigInt(now.getTime()).toString(16).padStart(12, '0');
  const rand = randomUUID().replace(/-/g, '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rand.slice(13, 16)}-${((parseInt(rand[16]!, 16) & 3) | 8).toString(16)}${rand.slice(17, 20)}-${rand.slice(20, 32)}`;
}

function imagePart(b: ImageBlock): Obj {
  const img = base64Image(b);
  if (img) return { type: 'input_image', image_url: `data:${img.mediaType};base64,${img.data}` };
  const s = b.source as { type: string; url?: string };
  if (s.type === 'url' && s.url) return { type: 'input_image', image_url: s.url };
  return { type: 'input_text', text: imagePlaceholder(b) };
}

export function codexRecords(p: PreparedSession, threadId: string, o: WriteOptions, provider = 'openai'): Obj[] {
  const line = (ts: string, type: string, payload: Obj) => ({ timestamp: ts, type, payload });
  const start = o.now.toISOString();
  const out: Obj[] = [
    line(start, 'session_meta', {
      id: threadId,
      timestamp: start,
      cwd: o.cwd,
      originator: 'sessionfs',
      cli_version: VERIFIED_CLI_VERSION,
      source: 'cli',
      model_provider: provider,
      ...(p.source.gitBranch ? { git: { branch: p.source.gitBranch } } : {}),
    }),
  ];
  const custom = new Set<string>();
  for (const m of p.messages) {
    const ts = isoOr(m.timestamp, o.now);
    if (m.role === 'user') {
      const content = m.content.map((b) => (b.type === 'image' ? imagePart(b as ImageBlock) : { type: 'input_text', text: (b as { text: string }).text }));
      out.push(line(ts, 'response_item', { type: 'message', role: 'user', content }));
      out.push(line(ts, 'event_msg', { type: 'user_message', message: userText(m), images: [] }));
    } else if (m.role === 'assistant') {
      for (const b of m.content) out.push(...assistantItems(b, ts, custom).map((pl) => line(ts, pl.kind, pl.payload)));
    } else {
      for (const r of m.content as ToolResultBlock[]) {
        const output = r.is_error && typeof r.content === 'string' ? r.content : resultText(r);
        out.push(
          line(
            ts,
            'response_item',
            custom.has(r.tool_use_id)
              ? { type: 'custom_tool_call_output', call_id: r.tool_use_id, output }
              : { type: 'function_call_output', call_id: r.tool_use_id, output },
          ),
        );
      }
    }
  }
  return out;
}

function userText(m: Message): string {
  return m.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n');
}

function assistantItems(b: ContentBlock, _ts: string, custom: Set<string>): Array<{ kind: string; payload: Obj }> {
  if (b.type === 'thinking') {
    const t = b as { text: string; signature?: string | null; native_id?: string | null };
    // The item's id goes back with its encrypted payload: the Responses API pairs them (normalize keeps
    // thinking only when Codex signed it, so an id here is always Codex's own).
    const id = t.signature && t.native_id ? { id: t.native_id } : {};
    return [
      {
        kind: 'response_item',
        payload: {
          type: 'reasoning',
          ...id,
          summary: t.text ? [{ type: 'summary_text', text: t.text }] : [],
          content: null,
          encrypted_content: t.signature ?? null,
        },
      },
    ];
  }
  if (b.type === 'tool_use') {
    const u = b as ToolUseBlock;
    if (typeof u.input === 'string') {
      // Free-form (grammar) tools such as apply_patch take raw text, not JSON arguments.
      custom.add(u.tool_use_id);
      return [{ kind: 'response_item', payload: { type: 'custom_tool_call', status: 'completed', call_id: u.tool_use_id, name: u.name, input: u.input } }];
    }
    return [{ kind: 'response_item', payload: { type: 'function_call', name: u.name, arguments: JSON.stringify(u.input ?? {}), call_id: u.tool_use_id } }];
  }
  const text = (b as { text: string }).text;
  return [
    { kind: 'response_item', payload: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] } },
    { kind: 'event_msg', payload: { type: 'agent_message', message: text } },
  ];
}

function firstUserText(p: PreparedSession): string {
  const m = p.messages.find((x) => x.role === 'user');
  return m ? userText(m) : '';
}

export const codexWriter: SessionWriter = {
  tool: 'codex',
  displayName: 'Codex CLI',
  binary: 'codex',
  installHint: 'npm install -g @openai/codex',
  async write(p: PreparedSession, o: WriteOptions, env: AdapterEnv): Promise<WrittenSession> {
    const id = uuidV7(o.now);
    const home = codexHome(env);
    const file = path.join(home, ...rolloutRelPath(o.now, id));
    const records = codexRecords(p, id, o, configuredProvider(home));
    await writeNewFile(file, jsonl(records));
    const files = [file];
    const first = firstUserText(p);
    const db = insertThreadRow(home, {
      id,
      rolloutPath: file,
      now: o.now,
      cwd: o.cwd,
      title: o.title ?? first.slice(0, 200),
      firstUserMessage: first,
      modelProvider: (records[0]!.payload as { model_provider: string }).model_provider,
      model: o.model ?? p.model,
      gitBranch: p.source.gitBranch,
      cliVersion: VERIFIED_CLI_VERSION,
    });
    if (db) files.push(db);
    return { tool: 'codex', nativeId: id, path: file, files, cwd: o.cwd, records: records.length };
  },
  launch: (w, o) => ({ command: 'codex', args: ['resume', w.nativeId, ...(o.model ? ['--model', o.model] : [])], cwd: w.cwd }),
};
