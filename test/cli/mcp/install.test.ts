import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { runInstall } from '../../../cli/mcp/install/install.js';
import type { ServerSpec } from '../../../cli/mcp/install/targets.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { tempDir } from '../../helpers/tmp.js';
import { json, put, read, SPEC } from './config-files.js';

const STALE: ServerSpec = { command: '/old/node', args: ['/old/sfs/main.js', 'mcp', 'serve'], env: {} };

/** A home with real-shaped config files of every tool. */
function homeWithEveryTool(t: Parameters<typeof tempDir>[0]) {
  const home = tempDir(t, 'sfs-install-');
  const env: AdapterEnv = { home, platform: 'linux', env: {} };
  const vs = path.join(home, '.config', 'Code', 'User', 'globalStorage');
  const files = {
    claude: put(
      path.join(home, '.claude.json'),
      JSON.stringify(
        {
          numStartups: 42,
          theme: 'dark',
          projects: { '/home/dev/app': { allowedTools: [], mcpServers: { local: { command: 'x' } } } },
          mcpServers: { github: { type: 'stdio', command: 'gh-mcp', args: [] } },
        },
        null,
        2,
      ) + '\n',
    ),
    codex: put(
      path.join(home, '.codex', 'config.toml'),
      '# Codex settings\nmodel = "gpt-5.1-codex"\napproval_policy = "on-request"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"  # keep me\nargs = ["--port", "0"]\n\n[profiles.fast]\nmodel = "o4-mini"\n',
    ),
    gemini: put(
      path.join(home, '.gemini', 'settings.json'),
      '{\n  // UI\n  "theme": "GitHub",\n  "mcpServers": {\n    "fs": { "command": "fs-mcp" }\n  }\n}\n',
    ),
    copilot: put(
      path.join(home, '.copilot', 'mcp-config.json'),
      '{\n  "mcpServers": {\n    "playwright": { "type": "local", "command": "npx", "args": ["@playwright/mcp"], "tools": ["*"] }\n  }\n}\n',
    ),
    cursor: put(path.join(home, '.cursor', 'mcp.json'), '{\n\t"mcpServers": {}\n}\n'),
    amp: put(
      path.join(home, '.config', 'amp', 'settings.json'),
      '{\n  "amp.notifications.enabled": false,\n  "amp.mcpServers": { "linear": { "url": "https://mcp.linear.app/sse" } }\n}\n',
    ),
    clineCli: put(path.join(home, '.cline', 'data', 'settings', 'cline_mcp_settings.json'), '{"mcpServers":{}}'),
    clineVs: put(
      path.join(vs, 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'),
      '{\n  "mcpServers": {\n    "sessionfs": { "command": "/old/node", "args": ["/old/sfs/main.js", "mcp", "serve"], "disabled": false, "autoApprove": ["search_sessions"] }\n  }\n}\n',
    ),
    roo: put(
      path.join(vs, 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json'),
      '{ "mcpServers": { "x": { "command": "x", "alwaysAllow": [] } } }\n',
    ),
    kilo: put(
      path.join(home, '.config', 'kilo', 'kilo.jsonc'),
      '{\n  // my kilo config\n  "model": "anthropic/claude-sonnet-4-5",\n  "mcp": {\n    "other": { "type": "local", "command": ["other-mcp"], "enabled": true },\n  },\n}\n',
    ),
    kiloLegacy: put(path.join(vs, 'kilocode.kilo-code', 'settings', 'mcp_settings.json'), '{"mcpServers":{}}\n'),
    opencode: put(
      path.join(home, '.config', 'opencode', 'opencode.jsonc'),
      '{\n  // my opencode config\n  "theme": "system",\n  "mcp": { "other": { "type": "remote", "url": "https://mcp.example/sse" } },\n}\n',
    ),
  };
  return { home, env, files };
}

test("install --all writes every present tool's file, keeps every other key and comment, backs up, and is idempotent", (t) => {
  const { env, files } = homeWithEveryTool(t);
  const before = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, read(f)]));
  const results = runInstall({ all: true, spec: SPEC, env });
  assert.deepEqual(
    results.filter((r) => r.action === 'failed'),
    [],
  );
  const byFile = new Map(results.map((r) => [r.file, r]));
  for (const [k, f] of Object.entries(files)) {
    const r = byFile.get(f);
    assert.ok(r, `${k}: ${f} was not written`);
    assert.equal(r.action, k === 'clineVs' ? 'updated' : 'installed', k);
    assert.equal(read(r.backup!), before[k], `${k}: backup holds the previous file`);
  }

  const claude = json(files.claude);
  assert.deepEqual(claude.mcpServers.sessionfs, { type: 'stdio', command: SPEC.command, args: SPEC.args, env: SPEC.env });
  assert.deepEqual(claude.mcpServers.github, { type: 'stdio', command: 'gh-mcp', args: [] });
  assert.equal(claude.numStartups, 42);
  assert.deepEqual(claude.projects['/home/dev/app'].mcpServers, { local: { command: 'x' } });

  const codexText = read(files.codex);
  assert.match(codexText, /^# Codex settings\n/);
  assert.match(codexText, /command = "docs-mcp"  # keep me/);
  const codex = parseToml(codexText) as Record<string, any>;
  assert.deepEqual({ ...codex.mcp_servers.sessionfs, env: { ...codex.mcp_servers.sessionfs.env } }, { command: SPEC.command, args: SPEC.args, env: SPEC.env });
  assert.equal(codex.profiles.fast.model, 'o4-mini');
  assert.equal(codex.approval_policy, 'on-request');

  assert.match(read(files.gemini), /\/\/ UI/);
  assert.deepEqual(json(files.gemini).mcpServers.fs, { command: 'fs-mcp' });
  assert.deepEqual(json(files.copilot).mcpServers.sessionfs, { type: 'local', command: SPEC.command, args: SPEC.args, env: SPEC.env, tools: ['*'] });
  assert.match(read(files.cursor), /\n\t"mcpServers"/); // tab indentation kept
  const amp = json(files.amp);
  assert.equal(amp['amp.notifications.enabled'], false);
  assert.deepEqual(Object.keys(amp['amp.mcpServers']).sort(), ['linear', 'sessionfs']);
  assert.deepEqual(json(files.clineCli).mcpServers.sessionfs, { command: SPEC.command, args: SPEC.args, env: SPEC.env, disabled: false, autoApprove: [] });
  // a stale registration is repaired; the user's own settings on it stay
  assert.deepEqual(json(files.clineVs).mcpServers.sessionfs, {
    command: SPEC.command,
    args: SPEC.args,
    env: SPEC.env,
    disabled: false,
    autoApprove: ['search_sessions'],
  });
  assert.deepEqual(json(files.roo).mcpServers.sessionfs, { command: SPEC.command, args: SPEC.args, env: SPEC.env, disabled: false, alwaysAllow: [] });
  const kiloText = read(files.kilo);
  assert.match(kiloText, /\/\/ my kilo config/);
  assert.deepEqual(json(files.kilo).mcp.sessionfs, { type: 'local', command: [SPEC.command, ...SPEC.args], environment: SPEC.env, enabled: true });
  assert.deepEqual(json(files.kilo).mcp.other, { type: 'local', command: ['other-mcp'], enabled: true });
  assert.ok(json(files.kiloLegacy).mcpServers.sessionfs);
  // OpenCode: an existing opencode.jsonc is the one written, comments and the user's servers kept
  assert.match(read(files.opencode), /\/\/ my opencode config/);
  assert.deepEqual(json(files.opencode).mcp.sessionfs, { type: 'local', command: [SPEC.command, ...SPEC.args], environment: SPEC.env, enabled: true });
  assert.deepEqual(json(files.opencode).mcp.other, { type: 'remote', url: 'https://mcp.example/sse' });
  assert.equal(json(files.opencode).theme, 'system');

  const after = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, read(f)]));
  const again = runInstall({ all: true, spec: SPEC, env });
  assert.deepEqual([...new Set(again.filter((r) => r.file).map((r) => r.action))], ['unchanged']);
  for (const [k, f] of Object.entries(files)) assert.equal(read(f), after[k], `${k}: second install changed nothing`);
});

test('uninstall removes only our entry, everywhere it is', (t) => {
  const { env, files } = homeWithEveryTool(t);
  runInstall({ all: true, spec: SPEC, env });
  const results = runInstall({ all: true, spec: null, env });
  assert.equal(results.filter((r) => r.action === 'removed').length, Object.keys(files).length);
  assert.equal(json(files.claude).mcpServers.sessionfs, undefined);
  assert.ok(json(files.claude).mcpServers.github);
  const codex = parseToml(read(files.codex)) as Record<string, any>;
  assert.equal(codex.mcp_servers.sessionfs, undefined);
  assert.ok(codex.mcp_servers.docs);
  assert.match(read(files.codex), /# keep me/);
  assert.equal(json(files.kilo).mcp.sessionfs, undefined);
  assert.ok(json(files.kilo).mcp.other);
  assert.equal(json(files.opencode).mcp.sessionfs, undefined);
  assert.ok(json(files.opencode).mcp.other);
  assert.deepEqual([...new Set(runInstall({ all: true, spec: null, env }).map((r) => r.action))], ['absent']);
});

test('--for TOOL creates the main file when missing; --all skips tools that are not there', (t) => {
  const home = tempDir(t, 'sfs-install-');
  const env: AdapterEnv = { home, platform: 'linux', env: { CODEX_HOME: path.join(home, 'codex-home') } };
  const [r] = runInstall({ tool: 'codex', spec: SPEC, env });
  assert.equal(r!.action, 'installed');
  assert.equal(r!.file, path.join(home, 'codex-home', 'config.toml'));
  assert.equal(r!.backup, null);
  assert.deepEqual(Object.keys(parseToml(read(r!.file)) as object), ['mcp_servers']);
  const all = runInstall({ all: true, spec: SPEC, env });
  assert.deepEqual(
    all.filter((x) => x.action !== 'skipped').map((x) => [x.tool, x.action]),
    [['codex', 'unchanged']],
  );
  assert.equal(all.filter((x) => x.action === 'skipped').length, 10); // every other tool, Antigravity included (it has no MCP target yet)
  assert.ok(!existsSync(path.join(home, '.claude.json')));
  const claude = runInstall({ tool: 'claude-code', spec: STALE, env: { ...env, env: { CLAUDE_CONFIG_DIR: path.join(home, 'cc') } } });
  assert.equal(claude[0]!.file, path.join(home, 'cc', '.claude.json'));
  assert.throws(() => runInstall({ tool: 'vim', spec: SPEC, env }), /unknown tool "vim"/);
  assert.throws(() => runInstall({ spec: SPEC, env }), /--for TOOL, or use --all/);
});

test('a malformed file is refused with a clear message and left untouched', (t) => {
  const { env, files } = homeWithEveryTool(t);
  const badJson = '{\n  "mcpServers": {\n    "a": { "command": "x" },,\n  }\n';
  writeFileSync(files.gemini, badJson);
  writeFileSync(files.codex, 'model = "x"\n[mcp_servers.docs\ncommand = "y"\n');
  writeFileSync(files.copilot, '{"mcpServers": ["not", "an", "object"]}');
  const results = runInstall({ all: true, spec: SPEC, env });
  const failed = Object.fromEntries(results.filter((r) => r.action === 'failed').map((r) => [r.tool, r.message]));
  assert.match(failed.gemini!, /settings\.json is not valid JSON \(PropertyNameExpected at line 3, column \d+\); fix it first — nothing was changed/);
  assert.match(failed.codex!, /config\.toml is not valid TOML \(.+ at line 2, column \d+\)/);
  assert.match(failed.copilot!, /"mcpServers" is not an object/);
  assert.equal(read(files.gemini), badJson);
  assert.ok(!existsSync(files.gemini + '.sfs-backup'));
  // the other tools were still installed
  assert.ok(json(files.cursor).mcpServers.sessionfs);
});

test('a read-only file is refused, not forced', (t) => {
  const { env, files } = homeWithEveryTool(t);
  chmodSync(files.cursor, 0o444);
  const before = read(files.cursor);
  const [r] = runInstall({ tool: 'cursor', spec: SPEC, env });
  assert.equal(r!.action, 'failed');
  assert.match(r!.message!, /mcp\.json is read-only; make it writable or edit it by hand \(nothing was changed\)/);
  assert.equal(read(files.cursor), before);
});
