import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * A project is a repository. Its key is the git remote normalised with its host
 * (`github.com/acme/app`), so the same repository cloned on two machines shares one
 * key, and a fork on another forge does not collide with it. A repository without a
 * remote (or a plain directory) is `local:<absolute path>`.
 */
export interface Project {
  key: string;
  /** The working-tree root (or the directory) on this machine. */
  root: string;
  /** The remote URL as git reports it, when there is one. */
  remote: string | null;
}

/**
 * `git@github.com:Acme/App.git`, `https://user@github.com/acme/app`,
 * `ssh://git@github.com:22/acme/app.git` → `github.com/acme/app`. The host is lower-cased
 * (hosts are case-insensitive); the path keeps its case (some forges are case-sensitive).
 */
export function normalizeRemote(url: string): string | null {
  let u = url.trim();
  if (!u) return null;
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(u);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      return null;
    }
    if (parsed.protocol === 'file:') return null;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    return null;
  }
  path = path
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '')
    .replace(/\/{2,}/g, '/');
  if (!host || !path) return null;
  u = `${host.toLowerCase()}/${path}`;
  return u;
}

function git(dir: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || null;
  } catch {
    return null;
  }
}

/** The nearest ancestor holding `.git` (a directory, or a file for worktrees). */
function gitRoot(dir: string): string | null {
  for (let cur = dir; ; cur = dirname(cur)) {
    if (existsSync(join(cur, '.git'))) return cur;
    if (dirname(cur) === cur) return null;
  }
}

/** Resolves the project a directory belongs to. */
export function projectOf(dir: string): Project {
  let abs = resolve(dir);
  try {
    abs = realpathSync(abs);
    if (!statSync(abs).isDirectory()) abs = dirname(abs);
  } catch {
    // a directory that does not exist (yet) still names a project by its path
  }
  const root = gitRoot(abs);
  if (!root) return { key: `local:${abs}`, root: abs, remote: null };
  // origin first, else the first remote git lists (sorted, so the choice is stable)
  let remote = git(root, ['remote', 'get-url', 'origin']);
  if (!remote) {
    const first = git(root, ['remote'])?.split('\n').filter(Boolean).sort()[0];
    if (first) remote = git(root, ['remote', 'get-url', first]);
  }
  const key = remote ? normalizeRemote(remote) : null;
  return { key: key ?? `local:${root}`, root, remote };
}

/** A project named by the user: a key (`github.com/acme/app`, `local:/path`) or a directory. */
export function projectFromArg(arg: string, cwd = process.cwd()): Project {
  if (arg.startsWith('local:')) return { key: arg, root: arg.slice(6), remote: null };
  const asPath = resolve(cwd, arg);
  if (arg.startsWith('/') || arg.startsWith('.') || existsSync(asPath)) return projectOf(asPath);
  const key = normalizeRemote(arg.includes('://') || arg.includes('@') ? arg : `https://${arg}`);
  if (!key) return { key: arg, root: '', remote: null };
  return { key, root: '', remote: null };
}
