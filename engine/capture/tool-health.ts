import { statSync } from 'node:fs';
import type { EventLog } from '../log/event-log.js';
import type { AdapterEnv, CaptureSource, ToolAdapter, ToolInstallation } from './contract.js';
import { cursorKey, type StoredCursor } from './capture-source.js';
import { compareVersions } from './installation.js';
import { toolPresence } from './presence.js';

/**
 * What capture knows about one tool, and what it must not keep quiet about (issue 14: the
 * common failure is silent — a tool moves its sessions and nothing is captured any more).
 * `sfs doctor` and `sfs daemon status` show the same report; the daemon logs each warning
 * once when it first appears.
 */
export type ToolWarningKind = 'store-missing' | 'empty-source' | 'unknown-record' | 'newer-version';

export interface ToolWarning {
  kind: ToolWarningKind;
  tool: string;
  /** The file (or store folder) it is about. */
  path: string | null;
  /** For 'unknown-record': the record type. */
  record_type?: string;
  /** How many records, or how many sources when several share the warning. */
  count?: number;
  message: string;
}

export interface ToolHealth {
  tool: string;
  installed_version: string | null;
  version_from: string | null;
  newest_tested: string | null;
  binary: string | null;
  store_found: boolean;
  store_dirs: string[];
  sources_on_disk: number;
  /** Sources without a capture cursor: never captured. */
  sources_uncaptured: number;
  /** Records of unknown types across the tool's sources, by type. */
  unknown_records: Record<string, number>;
  warnings: ToolWarning[];
}

/** An unknown record type seen more often than this (across a tool's sources) is a warning, not noise. */
export const UNKNOWN_TYPE_WARN_AFTER = 3;
/** Sources named one by one in an 'empty-source' warning; beyond this they are counted. */
const NAMED_SOURCES = 3;

export interface ToolHealthOptions {
  /** The tool's sources, when the caller listed them already (else they are listed here). */
  sources?: CaptureSource[];
  /** Where the capture cursors are (null: the store is not open; cursor-based checks are skipped). */
  log: EventLog | null;
}

export async function toolHealth(adapter: ToolAdapter, env: AdapterEnv, opts: ToolHealthOptions): Promise<ToolHealth> {
  const presence = toolPresence(adapter, env);
  const install = safeInstallation(adapter, env);
  const health: ToolHealth = {
    tool: adapter.tool,
    installed_version: install.version,
    version_from: install.versionFrom,
    newest_tested: adapter.newestTested,
    binary: install.binary,
    store_found: presence.found,
    store_dirs: presence.existing.length ? presence.existing : presence.storeDirs,
    sources_on_disk: 0,
    sources_uncaptured: 0,
    unknown_records: {},
    warnings: [],
  };
  const warn = (w: Omit<ToolWarning, 'tool'>) => health.warnings.push({ tool: adapter.tool, ...w });
  if (install.version && adapter.newestTested && compareVersions(install.version, adapter.newestTested) > 0) {
    warn({
      kind: 'newer-version',
      path: install.versionFrom ?? install.binary,
      message: `${adapter.displayName} ${install.version} is installed, newer than ${adapter.newestTested}, the newest version sfs was tested with: check that its sessions are still captured`,
    });
  }
  if (!presence.found) {
    const signs = [...(install.binary ? [install.binary] : []), ...install.traces];
    if (signs.length) {
      warn({
        kind: 'store-missing',
        path: presence.storeDirs[0] ?? null,
        message: `${adapter.displayName} is installed here (${signs.join(', ')}) but none of its session stores exists (${presence.storeDirs.join(', ')}): if it has sessions, it keeps them somewhere sfs does not read`,
      });
    }
    return health;
  }
  let sources = opts.sources;
  if (!sources) {
    try {
      sources = await adapter.listSources(env);
    } catch {
      return health; // the caller reports the listing failure itself
    }
  }
  health.sources_on_disk = sources.length;
  if (!opts.log) return health;
  const cursors = await opts.log.getCursors<StoredCursor>(cursorKey(adapter.tool, ''));
  const empty: string[] = [];
  const firstFile = new Map<string, { path: string; n: number }>();
  for (const s of sources) {
    const c = cursors[cursorKey(adapter.tool, s.path)];
    if (c === undefined) {
      health.sources_uncaptured++;
      continue;
    }
    if (c?.yielded === false && hasContent(s.path)) empty.push(s.path);
    for (const [type, n] of Object.entries(c?.unknown ?? {})) {
      health.unknown_records[type] = (health.unknown_records[type] ?? 0) + n;
      const f = firstFile.get(type);
      if (!f || n > f.n) firstFile.set(type, { path: s.path, n });
    }
  }
  if (empty.length) {
    const named = empty.slice(0, NAMED_SOURCES).join(', ');
    const more = empty.length > NAMED_SOURCES ? ` and ${empty.length - NAMED_SOURCES} more` : '';
    warn({
      kind: 'empty-source',
      path: empty[0]!,
      count: empty.length,
      message: `${empty.length === 1 ? 'a session file' : `${empty.length} session files`} of ${adapter.displayName} yielded nothing sfs could read: ${named}${more} (its format may have changed)`,
    });
  }
  for (const [type, n] of Object.entries(health.unknown_records)) {
    if (n <= UNKNOWN_TYPE_WARN_AFTER) continue;
    const f = firstFile.get(type)!;
    warn({
      kind: 'unknown-record',
      path: f.path,
      record_type: type,
      count: n,
      message: `${n} records of unknown type "${type}" in ${adapter.displayName} sessions (most in ${f.path}): kept as unknown blocks or skipped; a newer ${adapter.displayName} may write something sfs does not read yet`,
    });
  }
  return health;
}

function safeInstallation(adapter: ToolAdapter, env: AdapterEnv): ToolInstallation {
  try {
    return adapter.installation(env);
  } catch {
    return { version: null, versionFrom: null, binary: null, traces: [] };
  }
}

/** A file with bytes in it, or a folder (a task folder or database is judged by what it yielded). */
function hasContent(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isDirectory() || st.size > 0;
  } catch {
    return false;
  }
}

/** A stable key per warning, so the daemon logs each one once. */
export function warningKey(w: ToolWarning): string {
  return `${w.tool}\u0000${w.kind}\u0000${w.path ?? ''}\u0000${w.record_type ?? ''}`;
}
