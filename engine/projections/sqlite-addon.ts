import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';

let addon: string | null | undefined;

/**
 * Options for `new Database` that name better-sqlite3's compiled addon. Left to itself,
 * better-sqlite3 finds it through the `bindings` package, which requires one candidate path
 * after another (each miss builds an error and its stack): a few ms of every `sfs list`.
 * Where npm puts it (build/Release) is used; elsewhere better-sqlite3 searches as before.
 */
export function sqliteOptions(options: Database.Options = {}): Database.Options {
  if (addon === undefined) {
    try {
      // Its main module (lib/index.js), already resolved once when it was loaded.
      const file = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3')), '..', 'build', 'Release', 'better_sqlite3.node');
      addon = existsSync(file) ? file : null;
    } catch {
      addon = null;
    }
  }
  return addon ? { ...options, nativeBinding: addon } : options;
}
