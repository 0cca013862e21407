import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SfsError } from '../errors.js';
import type { SfsPaths } from '../paths.js';

/** Who this store is signed in as, at which relay. Kept in a 0600 file: the token is a secret. */
export interface Credentials {
  relay: string;
  token: string;
  username: string;
  account_id: string;
}

export function credentialsFile(paths: SfsPaths): string {
  return join(paths.configDir, 'credentials.json');
}

export function readCredentials(paths: SfsPaths): Credentials | undefined {
  const file = credentialsFile(paths);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  } catch (err) {
    throw new SfsError('INVALID_INPUT', `${file} is not valid JSON; sign in again (sfs auth login)`, undefined, { cause: err });
  }
}

export function requireCredentials(paths: SfsPaths): Credentials {
  const c = readCredentials(paths);
  if (!c) throw new SfsError('AUTH', 'not signed in to a relay: run sfs auth signup or sfs auth login first');
  return c;
}

/** Written to a temp file created 0600 and renamed, so the token is never readable by others, even briefly. */
export function writeCredentials(paths: SfsPaths, c: Credentials): void {
  mkdirSync(paths.configDir, { recursive: true, mode: 0o700 });
  const file = credentialsFile(paths);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function removeCredentials(paths: SfsPaths): boolean {
  const file = credentialsFile(paths);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
