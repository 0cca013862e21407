import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { runInstall } from '../../../cli/mcp/install/install.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { newSfs } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { json, put, read, SPEC } from './config-files.js';

const STDIO = { command: SPEC.command, args: SPEC.args, env: SPEC.env };

/** A repository with the project-level config files of every tool that has one, shaped as the tools write them. */
function repoWithEveryTool(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t, 'sfs-install-project-');
  const root = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(home);
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const files = {
    mcpJson: put(
      path.join(root, '.mcp.json'),
      JSON.stringify({ mcpServers: { github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/' } } }, null, 2) + '\n',
    ),
    codex: put(
      path.join(root, '.codex', 'config.toml'),
      '# project Codex settings\nmodel = "gpt-5.5"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"  # keep me\nargs = ["--port", "0"]\n',
    ),
    gemini: put(
      path.join(root, '.gemini', 'settings.json'),
      '{\n  // project settings\n  "contextFileName": "GEMINI.md",\n  "mcpServers": { "fs": { "command": "fs-mcp", "trust": true } }\n}\n',
    ),
    cursor: put(path.join(root, '.cursor', 'mcp.json'), '{\n\t"mcpServers": {\n\t\t"linear": { "url": "https://mcp.linear.app/sse" }\n\t}\n}\n'),
    amp: put(path.join(root, '.amp', 'settings.json'), '{\n  "amp.dangerouslyAllowAll": false,\n  "amp.mcpServers": {}\n}\n'),
    // a stale registration from another install of sfs, with the user's own approvals on it
    roo: put(
      path.join(root, '.roo', 'mcp.json'),
      '{\n  "mcpServers": {\n    "sessionfs": { "command": "/old/node", "args": ["/old/main.js", "mcp", "serve"], "disabled": false, "alwaysAllow": ["search_sessions"] }\n  }\n}\n',
    ),
    kilo: put(
      path.join(root, 'kilo.jsonc'),
      '{\n  // kilo project config\n  "mcp": { "other": { "type": "local", "command": ["other-mcp"], "enabled": true } },\n}\n',
    ),
    kiloLegacy: put(path.join(root, '.kilocode', 'mcp.json'), '{"mcpServers":{}}\n'),
    opencode: put(path.join(root, '.opencode', 'opencode.jsonc'), '{\n  // opencode project config\n  "mcp": {},\n}\n'),
  };
  return { root, home, env, files };
}

test('--scope project --all writes every project file the repository has, keeps other keys and comments, backs up, is idempotent, and leaves HOME alone', (t) => {
  const { root, home, env, files } = repoWithEveryTool(t);
  const before = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, read(f)]));
  const results = runInstall({ all: true, spec: SPEC, env, scope: 'project', projectRoot: root });
  assert.deepEqual(
    results.filter((r) => r.action === 'failed'),
    [],
  );
  const written = new Map(results.filter((r) => r.action === 'installed' || r.action === 'updated').map((r) => [r.file, r]));
  for (const [k, f] of Object.entries(files)) {
    const r = written.get(f);
    assert.ok(r, `${k}: ${f} was not written`);
    assert.equal(r.action, k === 'roo' ? 'updated' : 'installed', k);
    assert.equal(read(r.backup!), before[k], `${k}: backup holds the previous file`);
  }
  // Claude Code and Copilot share .mcp.json with one entry shape: the second is already right.
  assert.deepEqual(
    results.filter((r) => r.file === files.mcpJson).map((r) => [r.tool, r.action]),
    [
      ['claude-code', 'installed'],
      ['copilot', 'unchanged'],
    ],
  );
  assert.deepEqual(
    results.find((r) => r.tool === 'cline'),
    { tool: 'cline', file: '', action: 'skipped', message: 'Cline reads MCP servers only from its global settings (no project file); use --scope user' },
  );
  assert.match(results.find((r) => r.tool === 'codex')!.note!, /trusted project/);

  const mcp = json(files.mcpJson);
  assert.deepEqual(mcp.mcpServers.sessionfs, { type: 'stdio', ...STDIO });
  assert.deepEqual(mcp.mcpServers.github, { type: 'http', url: 'https://api.githubcopilot.com/mcp/' });
  const codexText = read(files.codex);
  assert.match(codexText, /^# project Codex settings\n/);
  assert.match(codexText, /command = "docs-mcp"  # keep me/);
  const codex = parseToml(codexText) as Record<string, any>;
  assert.deepEqual({ ...codex.mcp_servers.sessionfs, env: { ...codex.mcp_servers.sessionfs.env } }, STDIO);
  assert.equal(codex.model, 'gpt-5.5');
  assert.match(read(files.gemini), /\/\/ project settings/);
  assert.deepEqual(json(files.gemini).mcpServers, { fs: { command: 'fs-mcp', trust: true }, sessionfs: STDIO });
  assert.equal(json(files.gemini).contextFileName, 'GEMINI.md');
  assert.match(read(files.cursor), /\n\t\t"linear"/);
  assert.deepEqual(json(files.cursor).mcpServers.sessionfs, STDIO);
  assert.equal(json(files.amp)['amp.dangerouslyAllowAll'], false);
  assert.deepEqual(json(files.amp)['amp.mcpServers'].sessionfs, STDIO);
  assert.deepEqual(json(files.roo).mcpServers.sessionfs, { ...STDIO, disabled: false, alwaysAllow: ['search_sessions'] });
  // an existing kilo.jsonc at the root is the one written, not a new .kilo/kilo.jsonc
  assert.match(read(files.kilo), /\/\/ kilo project config/);
  assert.deepEqual(json(files.kilo).mcp.sessionfs, { type: 'local', command: [SPEC.command, ...SPEC.args], environment: SPEC.env, enabled: true });
  assert.ok(!existsSync(path.join(root, '.kilo')));
  assert.deepEqual(json(files.kiloLegacy).mcpServers.sessionfs, { ...STDIO, disabled: false, alwaysAllow: [] });
  // an existing .opencode/opencode.jsonc is the one written, not a new opencode.json at the root
  assert.match(read(files.opencode), /\/\/ opencode project config/);
  assert.deepEqual(json(files.opencode).mcp.sessionfs, { type: 'local', command: [SPEC.command, ...SPEC.args], environment: SPEC.env, enabled: true });
  assert.ok(!existsSync(path.join(root, 'opencode.json')));
  assert.ok(!existsSync(path.join(root, '.github')), 'Copilot wrote .mcp.json, which it reads first');
  assert.deepEqual(readdirSync(home), [], 'project scope wrote nothing under HOME');

  const after = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, read(f)]));
  const again = runInstall({ all: true, spec: SPEC, env, scope: 'project', projectRoot: root });
  assert.deepEqual([...new Set(again.filter((r) => r.file).map((r) => r.action))], ['unchanged']);
  for (const [k, f] of Object.entries(files)) assert.equal(read(f), after[k], `${k}: second install changed nothing`);

  const removed = runInstall({ all: true, spec: null, env, scope: 'project', projectRoot: root });
  assert.deepEqual(
    removed
      .filter((r) => r.action === 'removed')
      .map((r) => r.file)
      .sort(),
    Object.values(files).sort(),
  );
  for (const [k, f] of Object.entries(files)) assert.doesNotMatch(read(f), /sessionfs/, `${k}: our entry is gone`);
  assert.ok(json(files.mcpJson).mcpServers.github);
  assert.ok(json(files.gemini).mcpServers.fs);
  assert.ok(json(files.kilo).mcp.other);
  assert.match(read(files.codex), /# keep me/);
  assert.deepEqual([...new Set(runInstall({ all: true, spec: null, env, scope: 'project', projectRoot: root }).map((r) => r.action))], ['absent']);
});

test('--for TOOL --scope project creates the file the tool reads, readable by the team; Cline is refused', (t) => {
  const base = tempDir(t, 'sfs-install-project-');
  const env: AdapterEnv = { home: path.join(base, 'home'), platform: 'linux', env: {} };
  const root = path.join(base, 'repo');
  mkdirSync(root);
  const expect: Record<string, string> = {
    'claude-code': '.mcp.json',
    codex: '.codex/config.toml',
    gemini: '.gemini/settings.json',
    cursor: '.cursor/mcp.json',
    amp: '.amp/settings.json',
    'roo-code': '.roo/mcp.json',
    'kilo-code': '.kilo/kilo.jsonc',
  };
  for (const [tool, rel] of Object.entries(expect)) {
    const r = runInstall({ tool, spec: SPEC, env, scope: 'project', projectRoot: root });
    assert.deepEqual(
      r.map((x) => [x.action, x.file]),
      [['installed', path.join(root, rel)]],
      tool,
    );
    assert.equal(statSync(path.join(root, rel)).mode & 0o777, 0o644 & ~process.umask(), `${tool}: a project file is not private`);
  }
  assert.deepEqual(json(path.join(root, '.amp', 'settings.json')), { 'amp.mcpServers': { sessionfs: STDIO } });
  assert.deepEqual((parseToml(read(path.join(root, '.codex', 'config.toml'))) as any).mcp_servers.sessionfs.command, SPEC.command);
  assert.equal(statSync(path.join(root, '.gemini')).mode & 0o777, 0o755 & ~process.umask());
  assert.throws(
    () => runInstall({ tool: 'cline', spec: SPEC, env, scope: 'project', projectRoot: root }),
    (e: any) => e.code === 'USAGE' && /Cline reads MCP servers only from its global settings/.test(e.message),
  );
  assert.ok(!existsSync(env.home));
});

test('Copilot at project scope writes .github/mcp.json when that is the file it reads, else .mcp.json', (t) => {
  const base = tempDir(t, 'sfs-install-project-');
  const env: AdapterEnv = { home: path.join(base, 'home'), platform: 'linux', env: {} };
  const root = path.join(base, 'repo');
  const gh = put(path.join(root, '.github', 'mcp.json'), '{ "mcpServers": { "gh": { "type": "local", "command": "gh-mcp", "tools": ["*"] } } }\n');
  const only = runInstall({ tool: 'copilot', spec: SPEC, env, scope: 'project', projectRoot: root });
  assert.deepEqual(
    only.map((r) => [r.action, r.file]),
    [['installed', gh]],
  );
  assert.ok(!existsSync(path.join(root, '.mcp.json')), 'a new .mcp.json would hide .github/mcp.json from Copilot');
  assert.deepEqual(json(gh).mcpServers.sessionfs, { type: 'stdio', ...STDIO });
  assert.ok(json(gh).mcpServers.gh);

  // Both exist: .mcp.json is the one Copilot reads; the other keeps ours in step.
  const mcp = put(path.join(root, '.mcp.json'), '{ "mcpServers": {} }\n');
  const both = runInstall({ tool: 'copilot', spec: { ...SPEC, env: {} }, env, scope: 'project', projectRoot: root });
  assert.deepEqual(
    both.map((r) => [r.action, r.file]),
    [
      ['installed', mcp],
      ['updated', gh],
    ],
  );
  const gone = runInstall({ tool: 'copilot', spec: null, env, scope: 'project', projectRoot: root });
  assert.deepEqual(
    gone.map((r) => [r.action, r.file]),
    [
      ['removed', mcp],
      ['removed', gh],
    ],
  );
});

test('a malformed project file is refused with the file, line and column, and left as it was', (t) => {
  const { root, env, files } = repoWithEveryTool(t);
  const bad = '{\n  "mcpServers": {\n    "github": { "type": "http" }\n  \n';
  writeFileSync(files.mcpJson, bad);
  const [r] = runInstall({ tool: 'claude-code', spec: SPEC, env, scope: 'project', projectRoot: root });
  assert.equal(r!.action, 'failed');
  assert.match(
    r!.message!,
    new RegExp(
      `${files.mcpJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON \\(\\w+ at line \\d+, column \\d+\\); fix it first — nothing was changed`,
    ),
  );
  assert.equal(read(files.mcpJson), bad);
  assert.ok(!existsSync(files.mcpJson + '.sfs-backup'));
});

test('sfs mcp install --scope project: the repository root of the current directory or --project, clear errors', async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  const home = sfs.path('home');
  const repo = sfs.path('repo');
  mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
  mkdirSync(home);
  execFileSync('git', ['init', '-q', repo]);
  const env = { HOME: home };
  const fromSub = await sfs.json(['mcp', 'install', '--for', 'gemini', '--scope', 'project'], { env, cwd: path.join(repo, 'src', 'deep') });
  assert.deepEqual(
    fromSub.data.results.map((r: any) => [r.action, r.file]),
    [['installed', path.join(repo, '.gemini', 'settings.json')]],
  );
  const entry = json(path.join(repo, '.gemini', 'settings.json')).mcpServers.sessionfs;
  assert.deepEqual(entry.args.slice(1), ['mcp', 'serve']);
  assert.equal(entry.env.SFS_HOME, sfs.home);
  const named = await sfs.json(['mcp', 'install', '--for', 'gemini', '--scope', 'project', '--project', path.join(repo, 'src')], { env });
  assert.equal(named.data.results[0].action, 'unchanged');
  assert.deepEqual(readdirSync(home), []);

  const text = await sfs.run(['mcp', 'install', '--for', 'claude-code', '--scope', 'project', '--project', repo], { env });
  assert.equal(text.code, 0);
  assert.match(text.stdout, /installed\s+claude-code .*\.mcp\.json .*approve project servers on first use/);

  const cline = await sfs.fails(['mcp', 'install', '--for', 'cline', '--scope', 'project', '--project', repo], 'USAGE', 2, { env });
  assert.equal(cline.message, 'Cline reads MCP servers only from its global settings (no project file); use --scope user');
  const stray = await sfs.fails(['mcp', 'install', '--for', 'cursor', '--project', repo], 'USAGE', 2, { env });
  assert.equal(stray.message, '--project applies to --scope project');
  const missing = await sfs.fails(['mcp', 'uninstall', '--for', 'cursor', '--scope', 'project', '--project', path.join(repo, 'nope')], 'NOT_FOUND', 3, { env });
  assert.equal(missing.message, `${path.join(repo, 'nope')} is not a directory`);
  assert.ok(!existsSync(path.join(repo, '.cursor')));

  const un = await sfs.json(['mcp', 'uninstall', '--all', '--scope', 'project'], { env, cwd: repo });
  assert.deepEqual(
    un.data.results
      .filter((r: any) => r.action === 'removed')
      .map((r: any) => r.tool)
      .sort(),
    ['claude-code', 'gemini'],
  );
});
