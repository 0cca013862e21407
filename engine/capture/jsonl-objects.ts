import type { CaptureProblem } from './contract.js';
import type { FileHandle } from 'node:fs/promises';
import { DEFAULT_MAX_LINE_BYTES, oversizedLineMessage, readLines } from './jsonl-reader.js';
import { jsonTextTooDeep, tooDeepMessage } from './json-depth.js';

/** Where an incremental JSONL read stands: the byte offset after the last complete line, and that line's number + 1. */
export interface JsonlPosition {
  offset: number;
  line: number;
}

/**
 * Visits every complete line of `file` from `from` that holds a JSON object, passing the
 * byte offset the line starts at (a stable record key for derived ids). Blank lines are
 * skipped; invalid JSON, JSON nested too deep, non-objects, over-long lines, a record the
 * visitor cannot handle and a read that stops early are reported as problems naming the
 * file and line — never thrown. Returns where the read ended, to store in the cursor.
 */
export async function forEachJsonObject(
  file: string,
  from: JsonlPosition,
  problems: CaptureProblem[],
  visit: (obj: Record<string, unknown>, at: number, line: number) => void,
  /** The file already open (the caller closes it). */
  handle?: FileHandle,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): Promise<JsonlPosition> {
  let { offset, line } = from;
  try {
    const lines = readLines(file, { offset, startLine: line, maxLineBytes, ...(handle ? { handle } : {}) });
    for await (const l of lines) {
      const at = offset;
      offset = l.end;
      line = l.line + 1;
      if (l.skipped !== undefined) {
        problems.push({ path: file, where: String(l.line), message: oversizedLineMessage(l.skipped, maxLineBytes) });
        continue;
      }
      if (!l.text.trim()) continue;
      if (jsonTextTooDeep(l.text)) {
        problems.push({ path: file, where: String(l.line), message: `${tooDeepMessage()}, skipped` });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(l.text);
      } catch (err) {
        problems.push({ path: file, where: String(l.line), message: `invalid JSON: ${(err as Error).message}` });
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push({ path: file, where: String(l.line), message: 'line is not a JSON object' });
        continue;
      }
      try {
        visit(value as Record<string, unknown>, at, l.line);
      } catch (err) {
        // One record the adapter cannot handle must not stop the rest of the file.
        problems.push({ path: file, where: String(l.line), message: `unreadable record: ${(err as Error).message.slice(0, 200)}` });
      }
    }
  } catch (err) {
    problems.push({ path: file, where: String(line), message: `read stopped: ${(err as Error).message}` });
  }
  return { offset, line };
}
