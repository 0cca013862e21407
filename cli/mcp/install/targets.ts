import { existsSync } from 'node:fs';
import type { AdapterEnv, ToolName } from '../../../engine/index.js';
import { clineDataDir } from '../../../adapters/cline/locate.js';
import { copilotHome } from '../../../adapters/copilot/locate.js';
import { globalStorageDirs } from '../../../adapters/cline-family/vscode-hosts.js';
import { pathFor } from '../../../adapters/shared/paths.js';

/** What a client needs to start our server. */
export interface ServerSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** One config file a client reads its MCP servers from (see shared/formats/mcp-config.md). */
export interface ConfigTarget {
  tool: ToolName;
  file: string;
  format: 'json' | 'toml';
  /** Where the servers map sits in the document. */
  serversKey: string[];
  /** Our entry in this client's shape. */
  entry: (s: ServerSpec) => Record<string, unknown>;
  /** Keys of the entry we own; any other key in an existing entry (autoApprove, disabled, timeouts) is the user's and kept. */
  owned: string[];
  /** The tool's main file: written with `--for TOOL` even when the tool was not detected. */
  primary: boolean;
  /** Exists when the tool is installed (for `--all`, and for secondary files). */
  presence: string;
  /** Something the user should know about this file (shown after the result). */
  note?: string;
  /** A project file others check out: created readable by all, not private. */
  shared?: boolean;
}

export const SERVER_NAME = 'sessionfs';

const stdio = (s: ServerSpec) => ({ command: s.command, args: s.args, ...(Object.keys(s.env).length ? { env: s.env } : {}) });
const STDIO_KEYS = ['type', 'command', 'args', 'env'];

/** The Kilo CLI's and OpenCode's `mcp` entry: a local server started from one command array. */
const kiloEntry = (s: ServerSpec) => ({
  type: 'local',
  command: [s.command, ...s.args],
  ...(Object.keys(s.env).length ? { environment: s.env } : {}),
  enabled: true,
});
const KILO_KEYS = ['type', 'command', 'environment'];

function clineFamily(tool: ToolName, file: string, presence: string, primary: boolean, approveKey: 'autoApprove' | 'alwaysAllow'): ConfigTarget {
  return {
    tool,
    file,
    format: 'json',
    serversKey: ['mcpServers'],
    entry: (s) => ({ ...stdio(s), disabled: false, [approveKey]: [] }),
    owned: STDIO_KEYS,
    primary,
    presence,
  };
}

/** Every file each of the nine tools may read, for this home and environment. */
export function configTargets(env: AdapterEnv): ConfigTarget[] {
  const p = pathFor(env.platform);
  const e = env.env;
  const home = env.home;
  const xdgConfig = e.XDG_CONFIG_HOME || p.join(home, '.config');
  const out: ConfigTarget[] = [];

  // Claude Code: user scope is `mcpServers` at the root of ~/.claude.json (inside CLAUDE_CONFIG_DIR when set).
  const claudeDir = e.CLAUDE_CONFIG_DIR?.trim();
  out.push({
    tool: 'claude-code',
    file: claudeDir ? p.join(claudeDir, '.claude.json') : p.join(home, '.claude.json'),
    format: 'json',
    serversKey: ['mcpServers'],
    entry: (s) => ({ type: 'stdio', ...stdio(s) }),
    owned: STDIO_KEYS,
    primary: true,
    presence: claudeDir || p.join(home, '.claude'),
  });

  const codexHome = e.CODEX_HOME?.trim() || p.join(home, '.codex');
  out.push({
    tool: 'codex',
    file: p.join(codexHome, 'config.toml'),
    format: 'toml',
    serversKey: ['mcp_servers'],
    entry: stdio,
    owned: STDIO_KEYS,
    primary: true,
    presence: codexHome,
  });

  const geminiDir = p.join(e.GEMINI_CLI_HOME || home, '.gemini');
  out.push({
    tool: 'gemini',
    file: p.join(geminiDir, 'settings.json'),
    format: 'json',
    serversKey: ['mcpServers'],
    entry: stdio,
    owned: STDIO_KEYS,
    primary: true,
    presence: geminiDir,
  });

  // Copilot CLI: the directory capture reads (COPILOT_HOME, else ~/.copilot; XDG_CONFIG_HOME does not move it).
  const copilotDir = copilotHome(env);
  out.push({
    tool: 'copilot',
    file: p.join(copilotDir, 'mcp-config.json'),
    format: 'json',
    serversKey: ['mcpServers'],
    entry: (s) => ({ type: 'local', ...stdio(s), tools: ['*'] }),
    owned: STDIO_KEYS,
    primary: true,
    presence: copilotDir,
  });

  const cursorDir = p.join(home, '.cursor');
  out.push({
    tool: 'cursor',
    file: p.join(cursorDir, 'mcp.json'),
    format: 'json',
    serversKey: ['mcpServers'],
    entry: stdio,
    owned: STDIO_KEYS,
    primary: true,
    presence: cursorDir,
  });

  // Amp: the settings key is literally "amp.mcpServers".
  const ampDir = p.join(xdgConfig, 'amp');
  out.push({
    tool: 'amp',
    file: p.join(ampDir, 'settings.json'),
    format: 'json',
    serversKey: ['amp.mcpServers'],
    entry: stdio,
    owned: STDIO_KEYS,
    primary: true,
    presence: ampDir,
  });

  // Cline: the CLI's file (CLINE_MCP_SETTINGS_PATH honoured) and the extension's in every VS Code host it is installed in.
  const clineCli = e.CLINE_MCP_SETTINGS_PATH || p.join(clineDataDir(env), 'settings', 'cline_mcp_settings.json');
  out.push(clineFamily('cline', clineCli, p.dirname(p.dirname(clineCli)), true, 'autoApprove'));
  for (const dir of globalStorageDirs(env, 'saoudrizwan.claude-dev'))
    out.push(clineFamily('cline', p.join(dir, 'settings', 'cline_mcp_settings.json'), dir, false, 'autoApprove'));

  // Roo Code: the extension's global storage; the first host (VS Code) is the default.
  globalStorageDirs(env, 'rooveterinaryinc.roo-cline').forEach((dir, i) =>
    out.push(clineFamily('roo-code', p.join(dir, 'settings', 'mcp_settings.json'), dir, i === 0, 'alwaysAllow')),
  );

  // Kilo Code: the current kilo.json(c) with a top-level `mcp` key, plus the legacy extension and CLI files where present.
  const kiloDir = p.join(xdgConfig, 'kilo');
  const kiloFile = ['kilo.json', 'kilo.jsonc'].map((f) => p.join(kiloDir, f)).find((f) => existsSync(f)) ?? p.join(kiloDir, 'kilo.jsonc');
  out.push({
    tool: 'kilo-code',
    file: kiloFile,
    format: 'json',
    serversKey: ['mcp'],
    entry: kiloEntry,
    owned: KILO_KEYS,
    primary: true,
    presence: kiloDir,
  });
  for (const dir of globalStorageDirs(env, 'kilocode.kilo-code'))
    out.push(clineFamily('kilo-code', p.join(dir, 'settings', 'mcp_settings.json'), dir, false, 'alwaysAllow'));
  const kiloLegacyCli = p.join(home, '.kilocode', 'cli');
  out.push(clineFamily('kilo-code', p.join(kiloLegacyCli, 'global', 'settings', 'mcp_settings.json'), kiloLegacyCli, false, 'alwaysAllow'));

  // OpenCode (Kilo's upstream, same `mcp` shape): opencode.json(c) in its config folder, checked with `opencode mcp list` (1.18.33).
  const openCodeDir = p.join(xdgConfig, 'opencode');
  const openCodeFile =
    ['opencode.json', 'opencode.jsonc'].map((f) => p.join(openCodeDir, f)).find((f) => existsSync(f)) ?? p.join(openCodeDir, 'opencode.json');
  out.push({
    tool: 'opencode',
    file: openCodeFile,
    format: 'json',
    serversKey: ['mcp'],
    entry: kiloEntry,
    owned: KILO_KEYS,
    primary: true,
    presence: openCodeDir,
  });
  return out;
}

/** Tools that read no project-level MCP file, and what to do instead. */
export const NO_PROJECT_CONFIG: Partial<Record<ToolName, string>> = {
  cline: 'Cline reads MCP servers only from its global settings (no project file); use --scope user',
};

/**
 * The project-level files each tool reads, in the repository root `root`
 * (shared/formats/mcp-config.md, checked with the real clients in e2e/mcp-clients.test.ts).
 * Claude Code and Copilot CLI both read `.mcp.json`: they get the same entry
 * (`type: "stdio"`, which both accept), so installing for one then the other changes nothing.
 * `presence` is the tool's own directory in the project, for `--all`.
 */
export function projectTargets(root: string, env: AdapterEnv): ConfigTarget[] {
  const p = pathFor(env.platform);
  const at = (...parts: string[]) => p.join(root, ...parts);
  const claudeShape = (s: ServerSpec) => ({ type: 'stdio', ...stdio(s) });
  const out: ConfigTarget[] = [];
  const json = (tool: ToolName, file: string, presence: string, extra: Partial<ConfigTarget> = {}): ConfigTarget => ({
    tool,
    file,
    format: 'json',
    serversKey: ['mcpServers'],
    entry: stdio,
    owned: STDIO_KEYS,
    primary: true,
    presence,
    ...extra,
  });
  const shared = 'Claude Code and Copilot CLI both read .mcp.json';
  out.push(
    json('claude-code', at('.mcp.json'), at('.claude'), {
      entry: claudeShape,
      note: `Claude Code asks each user to approve project servers on first use; ${shared}`,
    }),
  );
  out.push({
    tool: 'codex',
    file: at('.codex', 'config.toml'),
    format: 'toml',
    serversKey: ['mcp_servers'],
    entry: stdio,
    owned: STDIO_KEYS,
    primary: true,
    presence: at('.codex'),
    note: 'Codex reads it only in a trusted project',
  });
  out.push(json('gemini', at('.gemini', 'settings.json'), at('.gemini')));
  // Copilot reads .mcp.json, else .github/mcp.json (a .mcp.json hides the other): write the one it reads.
  const copilotMain = existsSync(at('.github', 'mcp.json')) && !existsSync(at('.mcp.json')) ? at('.github', 'mcp.json') : at('.mcp.json');
  const copilotOther = copilotMain === at('.mcp.json') ? at('.github', 'mcp.json') : at('.mcp.json');
  const copilotNote = (f: string) => (f === at('.mcp.json') ? { note: shared } : {});
  out.push(json('copilot', copilotMain, copilotMain, { entry: claudeShape, ...copilotNote(copilotMain) }));
  out.push(json('copilot', copilotOther, copilotOther, { entry: claudeShape, primary: false, ...copilotNote(copilotOther) }));
  out.push(json('cursor', at('.cursor', 'mcp.json'), at('.cursor')));
  out.push(json('amp', at('.amp', 'settings.json'), at('.amp'), { serversKey: ['amp.mcpServers'] }));
  out.push(clineFamily('roo-code', at('.roo', 'mcp.json'), at('.roo'), true, 'alwaysAllow'));
  // Newer Kilo: kilo.json(c) at the root or in .kilo/ (an existing one wins); the legacy extension's .kilocode/mcp.json where present.
  const kiloFile =
    [at('kilo.json'), at('kilo.jsonc'), at('.kilo', 'kilo.json'), at('.kilo', 'kilo.jsonc')].find((f) => existsSync(f)) ?? at('.kilo', 'kilo.jsonc');
  out.push(json('kilo-code', kiloFile, at('.kilo'), { serversKey: ['mcp'], entry: kiloEntry, owned: KILO_KEYS }));
  out.push(clineFamily('kilo-code', at('.kilocode', 'mcp.json'), at('.kilocode', 'mcp.json'), false, 'alwaysAllow'));
  // OpenCode: opencode.json(c) at the root or in .opencode/ (an existing one wins).
  const openCodeFile =
    [at('opencode.json'), at('opencode.jsonc'), at('.opencode', 'opencode.json'), at('.opencode', 'opencode.jsonc')].find((f) => existsSync(f)) ??
    at('opencode.json');
  out.push(json('opencode', openCodeFile, at('.opencode'), { serversKey: ['mcp'], entry: kiloEntry, owned: KILO_KEYS }));
  return out.map((t) => ({ ...t, shared: true }));
}
