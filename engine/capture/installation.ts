import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AdapterEnv, ToolInstallation } from './contract.js';

/**
 * How an adapter tells what version of its tool is installed, without running it: the
 * executable found on PATH, resolved through its symlinks, then the package.json of the
 * npm package it belongs to, or a version in the resolved path (native installers keep
 * `…/versions/<version>`); for editor extensions, the versioned extension folders.
 */
export interface InstallationProbe {
  /** Executable names looked up on PATH. */
  bins?: string[];
  /** npm package names whose package.json may hold the version (others are not trusted). */
  packages?: string[];
  /** VS Code extension ids (`publisher.name`) whose installed folders carry the version. */
  extensions?: string[];
  /** Paths that exist when the tool is in use here (its config folder or file). */
  traces?: string[];
}

const VERSION_IN_PATH = /(?:^|[/\\@_-])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)(?=$|[/\\])/g;
/** Package folders are at most this far above the executable (node_modules/pkg/bin/x, dist/bin/x). */
const MAX_UP = 5;

export function probeInstallation(env: AdapterEnv, probe: InstallationProbe): ToolInstallation {
  const traces = (probe.traces ?? []).filter((p) => exists(p));
  const binary = probe.bins?.length ? findOnPath(probe.bins, env) : null;
  let found = binary ? versionOfBinary(binary, probe.packages ?? []) : null;
  if (!found && probe.extensions?.length) found = extensionVersion(env, probe.extensions);
  return { version: found?.version ?? null, versionFrom: found?.from ?? null, binary, traces };
}

/** The first executable of these names on the environment's PATH. */
export function findOnPath(names: string[], env: AdapterEnv): string | null {
  const pathVar = env.env.PATH ?? env.env.Path ?? '';
  const win = env.platform === 'win32';
  const exts = win ? (env.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of pathVar.split(win ? ';' : ':')) {
    if (!dir) continue;
    for (const name of names)
      for (const ext of exts) {
        const p = path.join(dir, name + ext);
        try {
          const st = statSync(p);
          if (st.isFile() && (win || (st.mode & 0o111) !== 0)) return p;
        } catch {
          // not here
        }
      }
  }
  return null;
}

function versionOfBinary(bin: string, packages: string[]): { version: string; from: string } | null {
  let real: string;
  try {
    real = realpathSync(bin);
  } catch {
    return null;
  }
  let dir = path.dirname(real);
  for (let i = 0; i < MAX_UP; i++) {
    const pj = path.join(dir, 'package.json');
    const pkg = readJson(pj);
    if (pkg && typeof pkg.version === 'string' && typeof pkg.name === 'string' && packages.includes(pkg.name)) return { version: pkg.version, from: pj };
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const matches = [...real.matchAll(VERSION_IN_PATH)];
  const last = matches[matches.length - 1];
  return last ? { version: last[1]!, from: real } : null;
}

/** The highest version among the installed folders (`publisher.name-1.2.3`) of these extensions, in every VS Code-like editor. */
export function extensionVersion(env: AdapterEnv, ids: string[]): { version: string; from: string } | null {
  const roots = ['.vscode', '.vscode-insiders', '.vscode-server', '.vscode-oss', '.cursor', '.windsurf'].map((d) => path.join(env.home, d, 'extensions'));
  const wanted = ids.map((id) => id.toLowerCase() + '-');
  let best: { version: string; from: string } | null = null;
  for (const root of roots) {
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const n of names) {
      const prefix = wanted.find((w) => n.toLowerCase().startsWith(w));
      if (!prefix) continue;
      const m = /^(\d+\.\d+\.\d+)/.exec(n.slice(prefix.length));
      if (m && (!best || compareVersions(m[1]!, best.version) > 0)) best = { version: m[1]!, from: path.join(root, n) };
    }
  }
  return best;
}

/** Numeric comparison of dotted versions (`1.10.0` > `1.9.3`); a pre-release suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (v.split(/[-+]/)[0] ?? '').split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

function readJson(p: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(p, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function exists(p: string): boolean {
  try {
    return existsSync(p);
  } catch {
    return false;
  }
}
