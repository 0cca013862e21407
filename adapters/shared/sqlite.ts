import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** Loaded on the first open: a capture pass that opens no database (nothing changed) does not load SQLite. */
let sqlite: typeof Database | undefined;
const SQLite = (): typeof Database => (sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database);
import { closeSync, copyFileSync, existsSync, mkdtempSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertRegularFileSync, NotRegularFileError, openRegularFileSync } from '../../engine/adapter-kit.js';

/**
 * The SQLite reader of the adapter kit (Cursor's state DBs, Kilo's CLI store). Opens a tool's
 * database read-only. Tools keep it open in WAL mode; when SQLite cannot open it in place
 * (no -shm and a read-only folder, a lock), the DB and its WAL are copied to a temporary
 * folder and the copy is read. The native file is never written.
 */
export interface OpenDb {
  db: Database.Database;
  close(): void;
}

/**
 * A WAL-mode DB without its -shm (the tool is closed): SQLite would create -wal and -shm
 * beside it even on a read-only open, so such a DB is read from a copy.
 */
function walWithoutShm(file: string): boolean {
  try {
    const { fd } = openRegularFileSync(file);
    try {
      const head = Buffer.alloc(20);
      readSync(fd, head, 0, 20, 0);
      return (head[18] === 2 || head[19] === 2) && !existsSync(file + '-shm');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The database and, when present, its -wal and -shm must be regular files: SQLite (and copyFileSync) would block on a FIFO. */
function assertRegularDbFiles(file: string): void {
  assertRegularFileSync(file);
  for (const side of [file + '-wal', file + '-shm']) {
    try {
      assertRegularFileSync(side);
    } catch (e) {
      if (e instanceof NotRegularFileError) throw new Error(`${path.basename(side)}: ${e.message}`);
      // absent: fine
    }
  }
}

export function openReadOnly(file: string): OpenDb {
  assertRegularDbFiles(file);
  try {
    if (walWithoutShm(file)) throw Object.assign(new Error('WAL database without -shm'), { code: 'SFS_COPY' });
    const db = new (SQLite())(file, { readonly: true, fileMustExist: true, timeout: 2000 });
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // fails now, not later, on a non-database or lock
    return { db, close: () => db.close() };
  } catch (first) {
    const code = (first as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || !existsSync(file)) throw first;
    const dir = mkdtempSync(path.join(tmpdir(), 'sfs-sqlite-'));
    try {
      const copy = path.join(dir, 'copy.db');
      copyFileSync(file, copy);
      if (existsSync(file + '-wal')) copyFileSync(file + '-wal', copy + '-wal');
      const db = new (SQLite())(copy, { readonly: true, fileMustExist: true });
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return {
        db,
        close: () => {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch {
      rmSync(dir, { recursive: true, force: true });
      throw first;
    }
  }
}

export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Values are UTF-8 JSON stored as TEXT or BLOB. */
export function valueText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return null;
}

/**
 * Size and mtime of a database and its write-ahead log: unchanged means nothing to re-read
 * (a WAL-mode writer may change only the -wal file).
 */
export function databaseStamp(file: string): string {
  const part = (f: string): string => {
    try {
      const st = statSync(f);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${part(file)}|${part(file + '-wal')}`;
}
