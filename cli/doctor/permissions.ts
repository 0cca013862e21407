import { existsSync, statSync } from 'node:fs';
import { result, type CheckResult, type SfsPaths, credentialsFile } from '../../engine/index.js';
import { sensitive } from '../commands/security.js';

const octal = (m: number) => m.toString(8).padStart(4, '0');

/**
 * The same list `sfs security scan` checks: store, config and token files must not be
 * readable by other users. The relay token file must be exactly 0600. Doctor only reports;
 * `sfs security scan --fix` tightens the modes.
 */
export function checkPermissions(paths: SfsPaths): CheckResult {
  const problems: Array<{ path: string; mode: string; want: string }> = [];
  let checked = 0;
  const creds = credentialsFile(paths);
  for (const [p, want] of sensitive(paths)) {
    if (!existsSync(p)) continue;
    checked++;
    const mode = statSync(p).mode & 0o777;
    const bad = p === creds ? mode !== 0o600 : (mode & 0o077) !== 0;
    if (bad) problems.push({ path: p, mode: octal(mode), want: octal(want) });
  }
  const data = { checked, problems };
  if (!problems.length) return result('permissions', 'Permissions', 'ok', `${checked} store, config and credential paths are private to you`, data);
  return result('permissions', 'Permissions', 'fail', `${problems.length} ${problems.length === 1 ? 'path is' : 'paths are'} readable by other users`, data, [
    ...problems.map((p) => `${p.path}: mode ${p.mode}, want ${p.want}`),
    '`sfs security scan --fix` tightens them',
  ]);
}
