import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A home directory holding copies of generated tool sessions (Claude Code under
 * `~/.claude/projects`, Codex under `~/.codex/sessions`, and on request Gemini CLI under
 * `~/.gemini/tmp` and Copilot CLI under `~/.copilot/session-state`), and a runner for the real `sfs`
 * with HOME and SFS_HOME pointing into it.
 */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROOT = path.dirname(DIST);
/** The CLI compiled next to this helper (whatever the output directory is called). */
export const CLI = path.join(DIST, 'bin/main.js');
const FIXTURES = path.resolve(ROOT, 'test/fixtures');
export const CLAUDE_FIXTURE = path.join(FIXTURES, 'claude-code/generated-claude-code-2.1.197/dot-claude');
export const CODEX_FIXTURE = path.join(FIXTURES, 'codex/generated-codex-0.169.0/dot-codex');
export const GEMINI_FIXTURE = path.join(FIXTURES, 'gemini/generated-gemini-cli-0.61.0/dot-gemini');
export const COPILOT_FIXTURE = path.join(FIXTURES, 'copilot/generated-copilot-cli-1.0.102/dot-copilot');

export interface FakeHome {
  root: string;
  home: string;
  sfsHome: string;
  claudeProjects: string;
  /** Runs before the directory is removed (stop daemons here). */
  beforeRemove(fn: () => Promise<void>): void;
  run(args: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>;
  json<T = any>(args: string[]): Promise<T>;
}

function writable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) writable(p);
    else chmodSync(p, 0o644);
  }
}

/** Variables that would send the adapters to the real stores. */
const RELOCATIONS = [
  'CLAUDE_CONFIG_DIR',
  'CODEX_HOME',
  'GEMINI_CLI_HOME',
  'COPILOT_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_STATE_HOME',
  'APPDATA',
  'FORCE_COLOR',
  'SFS_DEBUG',
];

export function fakeHome(
  t: { after(fn: () => void | Promise<void>): void },
  tools: Array<'claude-code' | 'codex' | 'gemini' | 'copilot'> = ['claude-code', 'codex'],
): FakeHome {
  const root = mkdtempSync(path.join(tmpdir(), 'sfs-home-'));
  const home = path.join(root, 'home');
  const sfsHome = path.join(root, 'sfs');
  mkdirSync(home);
  if (tools.includes('claude-code')) cpSync(CLAUDE_FIXTURE, path.join(home, '.claude'), { recursive: true });
  if (tools.includes('codex')) cpSync(CODEX_FIXTURE, path.join(home, '.codex'), { recursive: true });
  if (tools.includes('gemini')) cpSync(GEMINI_FIXTURE, path.join(home, '.gemini'), { recursive: true });
  if (tools.includes('copilot')) cpSync(COPILOT_FIXTURE, path.join(home, '.copilot'), { recursive: true });
  writable(home);
  const cleanups: Array<() => Promise<void>> = [];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });
  const run: FakeHome['run'] = (args, opts = {}) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SFS_HOME: sfsHome, NO_COLOR: '1', ...(opts.env ?? {}) };
    for (const k of RELOCATIONS) if (!(opts.env && k in opts.env)) delete env[k];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
      });
    });
  };
  return {
    root,
    home,
    sfsHome,
    claudeProjects: path.join(home, '.claude', 'projects'),
    beforeRemove: (fn) => cleanups.push(fn),
    run,
    async json(args) {
      const r = await run([...args, '--json']);
      if (r.code !== 0) throw new Error(`sfs ${args.join(' ')} exited ${r.code}: ${r.stdout} ${r.stderr}`);
      return JSON.parse(r.stdout).data;
    },
  };
}
