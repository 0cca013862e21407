import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, type FakeHome } from './fake-home.js';

export interface RunningUi {
  url: string;
  openUrl: string;
  port: number;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real `sfs ui --no-open --json` in the fake home and waits for the URL it prints. */
export function startUi(h: FakeHome, extraArgs: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningUi> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: h.home, SFS_HOME: h.sfsHome, NO_COLOR: '1' };
  // No desktop: a resume launched from the page finds no terminal unless a test names one.
  for (const k of ['CLAUDE_CONFIG_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'FORCE_COLOR', 'TERMINAL', 'DISPLAY', 'WAYLAND_DISPLAY'])
    delete env[k];
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, [CLI, 'ui', '--no-open', '--json', ...extraArgs], { cwd: h.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  h.beforeRemove(stop);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`sfs ui did not start: ${out} ${err}`)), 30_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      try {
        const data = JSON.parse(out).data as { url: string; open_url: string; port: number };
        clearTimeout(timer);
        resolve({ url: data.url, openUrl: data.open_url, port: data.port, token: new URL(data.open_url).searchParams.get('token')!, child, stop });
      } catch {
        // not the whole envelope yet
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sfs ui exited ${code}: ${out} ${err}`));
    });
  });
}

/** A .sfs folder (manifest + messages) to import: `messages` are full message objects. */
export function writeSfs(dir: string, o: { id: string; title: string; tool?: string; messages: unknown[] }): string {
  mkdirSync(dir, { recursive: true });
  const created = '2026-03-20T10:00:00.000Z';
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      sfs_version: '0.1.0',
      session_id: o.id,
      title: o.title,
      tags: [],
      created_at: created,
      updated_at: created,
      source: { tool: o.tool ?? 'claude-code', tool_version: '2.1.59', sfs_converter_version: '0.1.0', original_session_id: o.id, interface: 'cli' },
      model: { provider: 'anthropic', model_id: 'claude-sonnet-4-6' },
    }),
  );
  writeFileSync(path.join(dir, 'messages.jsonl'), o.messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
  return dir;
}

/** A user/assistant thread of `n` messages, every 10th a tool call answered by the next. */
export function threadMessages(n: number, word = 'filler'): unknown[] {
  const out: unknown[] = [];
  const t0 = Date.UTC(2026, 2, 20, 10);
  for (let i = 0; i < n; i++) {
    const id = `m${i}`;
    const parent = i ? `m${i - 1}` : null;
    const ts = new Date(t0 + i * 1000).toISOString();
    if (i % 10 === 8) {
      out.push({
        msg_id: id,
        parent_msg_id: parent,
        role: 'assistant',
        timestamp: ts,
        content: [{ type: 'tool_use', tool_use_id: `tu${i}`, name: 'Bash', input: { command: `echo ${word} ${i}` } }],
      });
    } else if (i % 10 === 9) {
      out.push({
        msg_id: id,
        parent_msg_id: parent,
        role: 'user',
        timestamp: ts,
        content: [{ type: 'tool_result', tool_use_id: `tu${i - 1}`, content: `${word} ${i - 1}` }],
      });
    } else {
      const role = i % 2 ? 'assistant' : 'user';
      out.push({
        msg_id: id,
        parent_msg_id: parent,
        role,
        timestamp: ts,
        content: [{ type: 'text', text: `Message ${i + 1} about ${word}: **bold** and \`code\`.` }],
      });
    }
  }
  return out;
}
