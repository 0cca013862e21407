import { stat } from 'node:fs/promises';
import { readRegularFile, type CaptureProblem, parseJsonBounded } from '../../engine/adapter-kit.js';
import { parseArrayLeniently } from './lenient-array.js';
import { errorText } from './values.js';

/**
 * The JSON-file reader of the adapter kit, for sources a tool rewrites whole (Cline-family
 * task files, Cline SDK sessions, legacy Codex rollouts).
 */

/** Such files are re-read whole; anything bigger than this is refused rather than risking memory. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

export type JsonRead = { ok: true; value: unknown } | { ok: false; missing: boolean };

/**
 * Reads and parses a JSON file without throwing. A missing file is not a problem (most
 * files are optional); anything else that stops the read (a directory, no permission,
 * too large, invalid JSON) is reported. A broken top-level array keeps its good elements.
 */
export async function readJsonFile(file: string, problems: CaptureProblem[]): Promise<JsonRead> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      problems.push({ path: file, message: 'expected a file, found a directory' });
      return { ok: false, missing: false };
    }
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true };
    problems.push({ path: file, message: `cannot stat: ${errorText(e)}` });
    return { ok: false, missing: false };
  }
  if (size > MAX_JSON_BYTES) {
    problems.push({ path: file, message: `file too large (${size} bytes), skipped` });
    return { ok: false, missing: false };
  }
  let text: string;
  try {
    text = (await readRegularFile(file, MAX_JSON_BYTES)).toString('utf8');
  } catch (e) {
    problems.push({ path: file, message: `cannot read: ${errorText(e)}` });
    return { ok: false, missing: false };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    problems.push({ path: file, message: 'empty file' });
    return { ok: false, missing: false };
  }
  try {
    return { ok: true, value: parseJsonBounded(text) };
  } catch (e) {
    const salvage = parseArrayLeniently(text);
    if (!salvage) {
      problems.push({ path: file, message: `invalid JSON: ${errorText(e)}` });
      return { ok: false, missing: false };
    }
    for (const idx of salvage.bad) problems.push({ path: file, where: `[${idx}]`, message: 'invalid JSON element skipped' });
    if (salvage.truncated) problems.push({ path: file, message: `file cut off after ${salvage.items.length} complete elements` });
    return { ok: true, value: salvage.items };
  }
}

/** A file's size and mtime, or null: used to notice that nothing changed since the last read. */
export async function fileStamp(file: string): Promise<string | null> {
  try {
    const st = await stat(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}
