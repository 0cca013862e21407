import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SfsError } from '../../engine/adapter-kit.js';

/**
 * Creates a native file for resume. It must not exist: a resume writes a new session and
 * never changes one the tool made (DESIGN §11.4). Folders are created private to the user.
 */
export async function writeNewFile(file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, content, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new SfsError('CONFLICT', `${file} already exists; not overwriting a native session`);
    throw err;
  }
}

export function jsonl(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** A timestamp for a record: the message's own when it parses, else the fallback. */
export function isoOr(ts: string | null | undefined, fallback: Date): string {
  if (ts) {
    const d = new Date(ts);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return fallback.toISOString();
}
