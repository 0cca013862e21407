import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The real clients (installed by e2e/run.sh into .e2e-clis/) read the MCP config that
 * `sfs mcp install` wrote: each one's own `mcp list` / `mcp get` must show our server
 * with the command we registered, and Claude Code and Gemini CLI, which start the
 * server to health-check it, must report it connected. Runs offline, like the rest of
 * the e2e suite; every client gets a scratch HOME and a bare environment.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binDir = path.join(repo, '.e2e-clis', 'node_modules', '.bin');
const sfsBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/main.js');
/** Shared with resume.test.ts: Copilot unpacks 235 MB into it on first start. */
const copilotCache = path.join(repo, '.e2e-clis', 'copilot-cache');
const run = promisify(execFile);

let scratch: string;
before(() => {
  for (const c of ['claude', 'codex', 'gemini', 'copilot', 'kilo', 'opencode'])
    assert.ok(existsSync(path.join(binDir, c)), `${c} CLI missing in ${binDir}: run npm run test:e2e (it installs them)`);
  scratch = mkdtempSync(path.join(tmpdir(), 'sfs-e2e-mcp-'));
});
after(() => {
  if (scratch && !process.env.SFS_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
});

interface Box {
  home: string;
  project: string;
  sfsHome: string;
}

/** A scratch HOME and project directory for one test. */
function box(name: string): Box {
  const dir = path.join(scratch, name);
  const b = { home: path.join(dir, 'home'), project: path.join(dir, 'project'), sfsHome: path.join(dir, 'sfs') };
  for (const d of [b.home, b.project, path.join(b.home, '.tmp')]) mkdirSync(d, { recursive: true });
  return b;
}

/** The environment a client runs with: nothing of ours leaks in but PATH (Gemini and Copilot run on node). */
function clientEnv(b: Box, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: b.home, TMPDIR: path.join(b.home, '.tmp'), TERM: 'dumb', ...extra };
}

async function sfs(b: Box, args: string[], cwd = b.project): Promise<any> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: b.home, SFS_HOME: b.sfsHome };
  const { stdout } = await run(process.execPath, [sfsBin, ...args, '--json'], { cwd, env, timeout: 30_000 });
  return JSON.parse(stdout).data;
}

async function client(bin: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  try {
    const { stdout, stderr } = await run(path.join(binDir, bin), args, { cwd, env, timeout: 120_000, encoding: 'utf8' });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    assert.fail(`${bin} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

const COPILOT_ENV = { COPILOT_OFFLINE: 'true', COPILOT_AUTO_UPDATE: 'false', COPILOT_CACHE_HOME: copilotCache };
/** What every listing must show: the node binary and our entry point, started with `mcp serve`. */
const served = new RegExp(`${escape(process.execPath)} ${escape(sfsBin)} mcp serve`);
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('claude mcp list: the server `sfs mcp install --for claude-code` registered is connected', async () => {
  const b = box('claude-user');
  const [r] = (await sfs(b, ['mcp', 'install', '--for', 'claude-code'])).results;
  assert.equal(r.file, path.join(b.home, '.claude.json'));
  const out = await client('claude', ['mcp', 'list'], b.project, clientEnv(b));
  assert.match(out, new RegExp(`sessionfs: ${served.source} - ✔ Connected`));
});

test('codex mcp list: the server `sfs mcp install --for codex` registered is listed and enabled', async () => {
  const b = box('codex-user');
  await sfs(b, ['mcp', 'install', '--for', 'codex']);
  const out = await client('codex', ['mcp', 'list'], b.project, clientEnv(b));
  assert.match(out, new RegExp(`^sessionfs\\s+${escape(process.execPath)}\\s+${escape(sfsBin)} mcp serve\\s+SFS_HOME=\\*+\\s+-\\s+enabled`, 'm'));
});

test('gemini mcp list: the server `sfs mcp install --for gemini` registered is connected', async () => {
  const b = box('gemini-user');
  await sfs(b, ['mcp', 'install', '--for', 'gemini']);
  const out = await client('gemini', ['mcp', 'list'], b.project, clientEnv(b, { GEMINI_CLI_TRUST_WORKSPACE: 'true' }));
  assert.match(out, new RegExp(`✓ sessionfs: ${served.source} \\(stdio\\) - Connected`));
});

test('copilot mcp list / get: the server `sfs mcp install --for copilot` registered is a user server with our command', async () => {
  const b = box('copilot-user');
  await sfs(b, ['mcp', 'install', '--for', 'copilot']);
  const env = clientEnv(b, COPILOT_ENV);
  assert.match(await client('copilot', ['mcp', 'list'], b.project, env), /User servers:\n\s+sessionfs \(local\)/);
  const got = await client('copilot', ['mcp', 'get', 'sessionfs'], b.project, env);
  assert.match(got, /Status: Enabled/);
  assert.match(got, new RegExp(`Command: ${served.source}`));
  assert.match(got, new RegExp(`Source: .*${escape(path.join(b.home, '.copilot', 'mcp-config.json'))}|Source: User`));
});

// Project scope: the file in the repository, read by the client started in it.

test('claude mcp get / list: `--scope project` registered a project server in .mcp.json, connected once approved', async () => {
  const b = box('claude-project');
  await sfs(b, ['mcp', 'install', '--for', 'claude-code', '--scope', 'project']);
  const out = await client('claude', ['mcp', 'get', 'sessionfs'], b.project, clientEnv(b));
  assert.match(out, /Scope: Project config \(shared via \.mcp\.json\)/);
  assert.match(out, new RegExp(`Command: ${escape(process.execPath)}\\n\\s+Args: ${escape(sfsBin)} mcp serve`));
  // Once the user approves it (what answering the first-use prompt records in ~/.claude.json), Claude Code starts it.
  writeFileSync(
    path.join(b.home, '.claude.json'),
    JSON.stringify({ projects: { [b.project]: { hasTrustDialogAccepted: true, enabledMcpjsonServers: ['sessionfs'] } } }),
  );
  const list = await client('claude', ['mcp', 'list'], b.project, clientEnv(b));
  assert.match(list, new RegExp(`sessionfs: ${served.source} - ✔ Connected`));
});

test('codex mcp list: `--scope project` registered the server in .codex/config.toml of a trusted project', async () => {
  const b = box('codex-project');
  mkdirSync(path.join(b.home, '.codex'));
  writeFileSync(path.join(b.home, '.codex', 'config.toml'), `[projects."${b.project}"]\ntrust_level = "trusted"\n`);
  const [r] = (await sfs(b, ['mcp', 'install', '--for', 'codex', '--scope', 'project'])).results;
  assert.equal(r.file, path.join(b.project, '.codex', 'config.toml'));
  const out = await client('codex', ['mcp', 'list'], b.project, clientEnv(b));
  assert.match(out, new RegExp(`^sessionfs\\s+${escape(process.execPath)}\\s+${escape(sfsBin)} mcp serve\\s+SFS_HOME=\\*+\\s+-\\s+enabled`, 'm'));
});

test('gemini mcp list: `--scope project` registered the server in .gemini/settings.json, connected', async () => {
  const b = box('gemini-project');
  await sfs(b, ['mcp', 'install', '--for', 'gemini', '--scope', 'project']);
  const out = await client('gemini', ['mcp', 'list'], b.project, clientEnv(b, { GEMINI_CLI_TRUST_WORKSPACE: 'true' }));
  assert.match(out, new RegExp(`✓ sessionfs: ${served.source} \\(stdio\\) - Connected`));
});

test('copilot mcp get: `--scope project` registered a workspace server in the file Copilot reads (.mcp.json, else .github/mcp.json)', async () => {
  for (const existing of [null, '.github/mcp.json']) {
    const b = box(`copilot-project-${existing ? 'github' : 'plain'}`);
    mkdirSync(path.join(b.home, '.copilot'));
    writeFileSync(path.join(b.home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [b.project] }));
    if (existing) {
      mkdirSync(path.join(b.project, '.github'));
      writeFileSync(path.join(b.project, existing), JSON.stringify({ mcpServers: { other: { type: 'local', command: 'other-mcp', tools: ['*'] } } }));
    }
    const [r] = (await sfs(b, ['mcp', 'install', '--for', 'copilot', '--scope', 'project'])).results;
    const file = path.join(b.project, existing ?? '.mcp.json');
    assert.equal(r.file, file);
    const env = clientEnv(b, COPILOT_ENV);
    assert.match(await client('copilot', ['mcp', 'list'], b.project, env), /Workspace servers:\n(\s+\S+ \(local\)\n)*\s+sessionfs \(local\)/);
    const got = await client('copilot', ['mcp', 'get', 'sessionfs'], b.project, env);
    assert.match(got, new RegExp(`Command: ${served.source}`));
    assert.match(got, new RegExp(`Source: Workspace \\(${escape(file)}\\)`));
  }
});

// OpenCode and its fork the Kilo CLI start each server to list it; `--pure` leaves plugins out.
const OPENCODE_ENV = { OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' };
const openCodeConnected = new RegExp(`✓ sessionfs connected\\n│\\s+${served.source}`);

for (const [tool, bin, userFile] of [
  ['opencode', 'opencode', '.config/opencode/opencode.json'],
  ['kilo-code', 'kilo', '.config/kilo/kilo.jsonc'],
] as const) {
  test(`${bin} mcp list: the server \`sfs mcp install --for ${tool}\` registered is connected, at user and at project scope`, async () => {
    const user = box(`${bin}-user`);
    const [r] = (await sfs(user, ['mcp', 'install', '--for', tool])).results;
    assert.equal(r.file, path.join(user.home, userFile));
    assert.match((await client(bin, ['mcp', 'list', '--pure'], user.project, clientEnv(user, OPENCODE_ENV))).replace(/\x1b\[[0-9;]*m/g, ''), openCodeConnected);
    const project = box(`${bin}-project`);
    await sfs(project, ['mcp', 'install', '--for', tool, '--scope', 'project']);
    assert.match(
      (await client(bin, ['mcp', 'list', '--pure'], project.project, clientEnv(project, OPENCODE_ENV))).replace(/\x1b\[[0-9;]*m/g, ''),
      openCodeConnected,
    );
  });
}

test('after `sfs mcp uninstall --all` no client lists the server', async () => {
  const b = box('uninstall');
  for (const t of ['claude-code', 'codex', 'gemini', 'copilot']) await sfs(b, ['mcp', 'install', '--for', t]);
  const removed = (await sfs(b, ['mcp', 'uninstall', '--all'])).results;
  assert.equal(removed.filter((r: any) => r.action === 'removed').length, 4);
  const outs = [
    await client('claude', ['mcp', 'list'], b.project, clientEnv(b)),
    await client('codex', ['mcp', 'list'], b.project, clientEnv(b)),
    await client('gemini', ['mcp', 'list'], b.project, clientEnv(b, { GEMINI_CLI_TRUST_WORKSPACE: 'true' })),
    await client('copilot', ['mcp', 'list'], b.project, clientEnv(b, COPILOT_ENV)),
  ];
  for (const out of outs) assert.doesNotMatch(out, /sessionfs/);
});
