import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { SfsError, TOOL_NAMES, type AdapterEnv, readRegularFileSync } from '../../../engine/index.js';
import { editJson, mapAt, parseJsonConfig } from './json-config.js';
import { configTargets, NO_PROJECT_CONFIG, projectTargets, SERVER_NAME, type ConfigTarget, type ServerSpec } from './targets.js';
import { parseTomlConfig, setTomlEntry } from './toml-config.js';
import { writeConfigAtomic } from './write-file.js';

export type InstallAction = 'installed' | 'updated' | 'unchanged' | 'removed' | 'absent' | 'skipped' | 'failed';

export interface InstallResult {
  tool: string;
  file: string;
  action: InstallAction;
  backup?: string | null;
  /** Why it failed or was skipped. */
  message?: string;
  /** Something to know about the file written (approval, trust). */
  note?: string;
}

function readText(file: string): string | null {
  try {
    return readRegularFileSync(file).toString('utf8'); // a FIFO here must not hang the command
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SfsError('IO', `cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Our entry merged over an existing one: our keys replaced, the user's other keys (autoApprove, disabled, timeouts) kept. */
function merged(t: ConfigTarget, existing: unknown, spec: ServerSpec): Record<string, unknown> {
  const ours = t.entry(spec);
  if (!existing || typeof existing !== 'object' || Array.isArray(existing)) return ours;
  const users = Object.entries(existing as Record<string, unknown>).filter(([k]) => !t.owned.includes(k));
  return { ...ours, ...Object.fromEntries(users) };
}

/** Registers (spec) or unregisters (null) our server in one file. Idempotent. */
export function applyTarget(t: ConfigTarget, spec: ServerSpec | null): InstallResult {
  const text = readText(t.file);
  if (text === null && !spec) return { tool: t.tool, file: t.file, action: 'absent' };
  const src = text ?? '';
  const doc = t.format === 'toml' ? parseTomlConfig(t.file, src) : parseJsonConfig(t.file, src);
  const servers = t.format === 'toml' ? tomlTable(t, doc) : mapAt(t.file, doc, t.serversKey);
  const existing = servers?.[SERVER_NAME];
  if (!spec) {
    if (existing === undefined) return { tool: t.tool, file: t.file, action: 'absent' };
    const out =
      t.format === 'toml' ? setTomlEntry(src, doc, t.serversKey[0]!, SERVER_NAME, undefined) : editJson(src, [...t.serversKey, SERVER_NAME], undefined);
    const { backup } = writeConfigAtomic(t.file, out, { shared: t.shared });
    return { tool: t.tool, file: t.file, action: 'removed', backup, ...(t.note ? { note: t.note } : {}) };
  }
  const entry = merged(t, existing, spec);
  if (existing !== undefined && isDeepStrictEqual(plain(existing), plain(entry))) return { tool: t.tool, file: t.file, action: 'unchanged' };
  const out = t.format === 'toml' ? setTomlEntry(src, doc, t.serversKey[0]!, SERVER_NAME, entry) : editJson(src, [...t.serversKey, SERVER_NAME], entry);
  const { backup } = writeConfigAtomic(t.file, out, { shared: t.shared });
  return { tool: t.tool, file: t.file, action: existing === undefined ? 'installed' : 'updated', backup, ...(t.note ? { note: t.note } : {}) };
}

/** Parsers may build objects without a prototype; compare values only. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

function tomlTable(t: ConfigTarget, doc: Record<string, unknown>): Record<string, unknown> | undefined {
  const v = doc[t.serversKey[0]!];
  if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
    throw new SfsError('INVALID_INPUT', `${t.file}: "${t.serversKey[0]}" is not a table; nothing was changed`);
  }
  return v as Record<string, unknown> | undefined;
}

export interface InstallOptions {
  /** One tool, or every tool found on this machine. */
  tool?: string;
  all?: boolean;
  /** null uninstalls. */
  spec: ServerSpec | null;
  env: AdapterEnv;
  /** The user's own config files (default), or the project's (in `projectRoot`). */
  scope?: 'user' | 'project';
  projectRoot?: string;
}

/**
 * Which files to touch: for `--for TOOL`, its main file (always) and its other files
 * where the tool is present; for `--all`, the files of every tool present. Uninstall
 * looks at every file that exists. At project scope "present" means the project already
 * has the tool's directory (`.cursor/`, `.gemini/`, …) or file.
 */
export function selectTargets(o: Pick<InstallOptions, 'tool' | 'all' | 'spec' | 'env' | 'scope' | 'projectRoot'>): ConfigTarget[] {
  if (o.tool && !(TOOL_NAMES as readonly string[]).includes(o.tool)) {
    throw new SfsError('USAGE', `unknown tool "${o.tool}" (use one of ${TOOL_NAMES.join(', ')}, or --all)`);
  }
  if (!o.tool && !o.all) throw new SfsError('USAGE', 'name a tool with --for TOOL, or use --all');
  let candidates: ConfigTarget[];
  if (o.scope === 'project') {
    if (!o.projectRoot) throw new SfsError('USAGE', 'project scope needs a project directory');
    const none = o.tool ? NO_PROJECT_CONFIG[o.tool as keyof typeof NO_PROJECT_CONFIG] : undefined;
    if (none) throw new SfsError('USAGE', none);
    candidates = projectTargets(o.projectRoot, o.env);
  } else {
    candidates = configTargets(o.env);
  }
  const all = candidates.filter((t) => !o.tool || t.tool === o.tool);
  if (!o.spec) return all.filter((t) => existsSync(t.file));
  return all.filter((t) => existsSync(t.file) || existsSync(t.presence) || (o.tool !== undefined && t.primary));
}

/** Runs every selected target; one failing file (malformed, read-only) does not stop the others. */
export function runInstall(o: InstallOptions): InstallResult[] {
  const targets = selectTargets(o);
  const results: InstallResult[] = [];
  for (const t of targets) {
    try {
      results.push(applyTarget(t, o.spec));
    } catch (err) {
      results.push({ tool: t.tool, file: t.file, action: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }
  if (o.all && o.spec) {
    for (const tool of TOOL_NAMES) {
      if (targets.some((t) => t.tool === tool)) continue;
      const none = o.scope === 'project' ? NO_PROJECT_CONFIG[tool] : undefined;
      results.push({
        tool,
        file: '',
        action: 'skipped',
        message: none ?? (o.scope === 'project' ? `this project has no config of it (--for ${tool} --scope project creates it)` : 'not found on this machine'),
      });
    }
  }
  return results;
}
