import type { AdapterEnv, CaptureSource, ToolName } from '../../engine/adapter-kit.js';
import { readdirSync, statSync } from 'node:fs';
import { pathFor } from '../shared/paths.js';

/**
 * One member of the OpenCode family: OpenCode itself (`opencode-ai`) and its fork, the Kilo
 * CLI (`@kilocode/cli`). Both keep sessions in one SQLite file under
 * `${XDG_DATA_HOME:-~/.local/share}/<name>/` (xdg-basedir: the same rule on every platform):
 * `<name>.db` for the release channels `latest`/`beta`/`prod`, `<name>-<channel>.db` for
 * others, and `<NAME>_DB` naming another file (absolute, or relative to that folder). Verified
 * in the binaries of OpenCode 1.18.33 and Kilo 7.7.7 (function resolving the database path).
 */
export interface OpenCodeApp {
  tool: ToolName;
  /** The folder and file stem: `opencode` or `kilo`. */
  name: string;
  /** The variable that names another database file. */
  dbEnv: string;
  displayName: string;
}

/** `<name>.db` or `<name>-<channel>.db`. */
export function dbFileRe(app: OpenCodeApp): RegExp {
  return new RegExp(`^${app.name}(-[A-Za-z0-9._-]+)?\\.db$`);
}

/** `${XDG_DATA_HOME:-~/.local/share}/<name>`. */
export function dataDir(app: OpenCodeApp, env: AdapterEnv): string {
  const p = pathFor(env.platform);
  const xdg = env.env.XDG_DATA_HOME?.trim();
  return p.join(xdg || p.join(env.home, '.local', 'share'), app.name);
}

/** `<NAME>_DB`, when set: an absolute file, or a name inside the data folder. */
export function dbOverride(app: OpenCodeApp, env: AdapterEnv): string | null {
  const v = env.env[app.dbEnv]?.trim();
  if (!v || v === ':memory:') return null;
  const p = pathFor(env.platform);
  return p.isAbsolute(v) ? v : p.join(dataDir(app, env), v);
}

function isFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

/** Every database file of the app: each channel's, and the override. */
export function dbFiles(app: OpenCodeApp, env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const dir = dataDir(app, env);
  const re = dbFileRe(app);
  const files = new Set<string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  for (const n of names.sort()) if (re.test(n)) files.add(p.join(dir, n));
  const override = dbOverride(app, env);
  if (override) files.add(override);
  return [...files].filter(isFile);
}

export function dbSources(app: OpenCodeApp, env: AdapterEnv): CaptureSource[] {
  return dbFiles(app, env).map((f) => ({ path: f, style: 'rewrite' as const }));
}

/** A changed store file (the database, its WAL or shared-memory file) → the database source. */
export function dbSourceFor(app: OpenCodeApp, changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const db = changedPath.replace(/-(wal|shm|journal)$/, '');
  const override = dbOverride(app, env);
  if (override && db === override) return { path: db, style: 'rewrite' };
  if (p.dirname(db) === dataDir(app, env) && dbFileRe(app).test(p.basename(db))) return { path: db, style: 'rewrite' };
  return null;
}

/** The database a resume writes into: the override, else the default channel's file. */
export function targetDbFile(app: OpenCodeApp, env: AdapterEnv): string {
  return dbOverride(app, env) ?? pathFor(env.platform).join(dataDir(app, env), `${app.name}.db`);
}
