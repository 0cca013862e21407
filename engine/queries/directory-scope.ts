import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The directories a `--project DIR` argument names, for matching sessions' working directories.
 * `.`, `..`, relative paths and trailing slashes are resolved against `cwd`; a directory that exists is
 * also named by its real path, because tools record the physical working directory (getcwd) while a
 * user may type a path through a symlink. A path that does not exist here (a session from another
 * machine) is matched as written. `list` and `search` both resolve `--project` through this.
 */
export function directoryScope(arg: string, cwd: string): string[] {
  const given = resolve(cwd, arg);
  const dirs = [given];
  try {
    const real = realpathSync(given);
    if (real !== given) dirs.push(real);
  } catch {
    // not on this machine: the path as given
  }
  return dirs;
}

/**
 * An SQL condition: `column` is one of `dirs` or lies under one (a path-component prefix, so
 * /srv/alpha does not take /srv/alpha-two). Adds its parameters to `params` under `prefix`.
 */
export function cwdUnderSql(column: string, dirs: readonly string[], params: Record<string, unknown>, prefix = 'dir'): string {
  const terms = dirs.map((d, i) => {
    const dir = d.replace(/\/+$/, '') || '/';
    params[`${prefix}${i}`] = dir;
    params[`${prefix}${i}_under`] = dir === '/' ? '/' : dir + '/';
    return `${column} = @${prefix}${i} OR substr(${column}, 1, length(@${prefix}${i}_under)) = @${prefix}${i}_under`;
  });
  return terms.length ? `(${terms.join(' OR ')})` : '0';
}
