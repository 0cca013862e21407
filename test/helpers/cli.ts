import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

/**
 * End-to-end helpers: every call spawns the real `sfs` (dist/bin/main.js, the bundle that ships) with its own
 * SFS_HOME, so tests see exactly what a user sees — exit codes, stdout, stderr.
 */

/** Repo root, from dist/test/helpers/ (compiled). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The CLI compiled next to this helper (whatever the output directory is called). */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/main.js');
export const EXAMPLES = path.resolve(ROOT, 'test/fixtures/sfs/sessionfs-spec-examples');
export const example = (name: 'minimal' | 'complete' | 'subagent'): string => path.join(EXAMPLES, name);

/** Our ids for the spec examples (UUIDs in the files): tool + original id, or 'sfs' + the file's id. */
export const IDS = {
  minimal: 'ses_2b102c02fd3f1b6d4a31e6cb',
  complete: 'ses_a896004566411b61e5051b52',
  subagent: 'ses_ea1204ed48cf62f2f9a71031',
} as const;

/** The id SessionFS derives for a foreign session id (mirrors engine/ids.ts capturedSessionId). */
export function derivedId(tool: string, nativeId: string): string {
  return 'ses_' + createHash('sha256').update(`${tool}\0${nativeId}`).digest('hex').slice(0, 24);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface JsonResult<T = any> extends RunResult {
  envelope: { sfs_json: number; command?: string; data?: T; error?: { code: string; message: string; exit_code: number; details?: Record<string, unknown> } };
  data: T;
}

export interface RunOptions {
  /** Extra environment (undefined removes a variable). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Written to the command's standard input (closed after); without it stdin is /dev/null. */
  input?: string;
}

// eslint-disable-next-line no-control-regex
export const ANSI_RE = /\u001b\[/;

export class Sfs {
  /** `home` is SFS_HOME; `dir` is a scratch directory (the default cwd) removed by dispose(). */
  constructor(
    readonly dir: string,
    readonly home: string,
  ) {}

  run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const k of ['FORCE_COLOR', 'NO_COLOR', 'SFS_DEBUG', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME']) delete env[k];
    Object.assign(env, { SFS_HOME: this.home }, o.env ?? {});
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: o.cwd ?? this.dir,
        env: env as NodeJS.ProcessEnv,
        stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      if (o.input !== undefined) child.stdin!.end(o.input);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
      });
    });
  }

  /** Runs with --json and parses the envelope (success or error). */
  async json<T = any>(args: string[], o: RunOptions = {}): Promise<JsonResult<T>> {
    const r = await this.run([...args, '--json'], o);
    let envelope: JsonResult<T>['envelope'];
    try {
      envelope = JSON.parse(r.stdout);
    } catch {
      throw new assert.AssertionError({ message: `sfs ${args.join(' ')} --json: stdout is not one JSON document (exit ${r.code})\n${r.stdout}\n${r.stderr}` });
    }
    assert.equal(envelope.sfs_json, 1, 'envelope version');
    return { ...r, envelope, data: envelope.data as T };
  }

  /** --json, asserting success; returns data. */
  async ok<T = any>(args: string[], o: RunOptions = {}): Promise<T> {
    const r = await this.json<T>(args, o);
    assert.equal(r.code, 0, `sfs ${args.join(' ')} failed: ${r.stdout} ${r.stderr}`);
    assert.equal(r.envelope.error, undefined);
    return r.data;
  }

  /** Human output, asserting success; returns stdout. */
  async out(args: string[], o: RunOptions = {}): Promise<string> {
    const r = await this.run(args, { ...o, env: { NO_COLOR: '1', ...(o.env ?? {}) } });
    assert.equal(r.code, 0, `sfs ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  /** Asserts a failure the documented way: exit code, one stderr line naming the code, nothing on stdout; then the same with --json. */
  async fails(args: string[], code: string, exit: number, o: RunOptions = {}): Promise<{ message: string; details?: Record<string, unknown> }> {
    const [r, j] = await Promise.all([this.run(args, { ...o, env: { NO_COLOR: '1', ...(o.env ?? {}) } }), this.failsJson(args, code, exit, o)]);
    assert.equal(r.code, exit, `sfs ${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    assert.equal(r.stdout, '', `sfs ${args.join(' ')}: nothing on stdout`);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `sfs ${args.join(' ')}: one stderr line, got:\n${r.stderr}`);
    assert.equal(lines[0], `sfs: ${j.message} [${code}]`, 'the same message in both forms');
    return j;
  }

  /** The --json half of fails(): exit code, error envelope, nothing on stderr. */
  async failsJson(args: string[], code: string, exit: number, o: RunOptions = {}): Promise<{ message: string; details?: Record<string, unknown> }> {
    const j = await this.json(args, o);
    assert.equal(j.code, exit, `sfs ${args.join(' ')} --json: exit ${j.code}`);
    assert.equal(j.stderr, '');
    assert.equal(j.envelope.data, undefined);
    assert.equal(j.envelope.error?.code, code);
    assert.equal(j.envelope.error?.exit_code, exit);
    assert.equal(typeof j.envelope.error?.message, 'string');
    assert.ok(!j.envelope.error!.message.includes('\n'));
    return { message: j.envelope.error!.message, details: j.envelope.error!.details };
  }

  /** A scratch path inside this test's temp directory. */
  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fresh SFS_HOME (and scratch directory) under the system temp dir. */
export function newSfs(): Sfs {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfs-cli-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  mkdirSync(path.join(dir, 'work'));
  return new Sfs(path.join(dir, 'work'), home);
}

/** A writable copy of a spec example (the fixtures are read-only). */
export function copyExample(name: 'minimal' | 'complete' | 'subagent', dest: string): string {
  cpSync(example(name), dest, { recursive: true });
  chmodSync(dest, 0o755);
  for (const f of readdirSync(dest)) chmodSync(path.join(dest, f), 0o644);
  return dest;
}

export interface GenMessage {
  role: 'user' | 'assistant' | 'tool' | 'system';
  text: string;
  at: string;
  model?: string;
  usage?: { input_tokens: number; output_tokens: number };
}

export interface GenSession {
  session_id: string;
  tool?: string;
  title?: string | null;
  created_at: string;
  cwd?: string;
  native_id?: string;
  messages?: GenMessage[];
}

/** Writes a small valid .sfs directory. */
export function writeSfs(dir: string, s: GenSession): string {
  mkdirSync(dir, { recursive: true });
  const msgs = s.messages ?? [{ role: 'user', text: `prompt of ${s.session_id}`, at: s.created_at }];
  const manifest = {
    sfs_version: '0.1.0',
    session_id: s.session_id,
    title: s.title ?? null,
    tags: [],
    created_at: s.created_at,
    updated_at: msgs[msgs.length - 1]?.at ?? s.created_at,
    source: { tool: s.tool ?? 'codex', tool_version: '1.0.0', ...(s.native_id ? { original_session_id: s.native_id } : {}) },
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  if (s.cwd) writeFileSync(path.join(dir, 'workspace.json'), JSON.stringify({ root_path: s.cwd }));
  const lines = msgs.map((m, i) =>
    JSON.stringify({
      msg_id: `m${i + 1}`,
      parent_msg_id: i ? `m${i}` : null,
      role: m.role,
      content: [{ type: 'text', text: m.text }],
      timestamp: m.at,
      ...(m.model ? { model: m.model } : {}),
      ...(m.usage ? { usage: m.usage } : {}),
    }),
  );
  writeFileSync(path.join(dir, 'messages.jsonl'), lines.join('\n') + '\n');
  return dir;
}

/** Message ids of a `show --json` page. */
export const msgIds = (show: { messages: { items: Array<{ message: { msg_id: string } }> } }): string[] => show.messages.items.map((i) => i.message.msg_id);
