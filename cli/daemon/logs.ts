import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** The last `n` lines of a file, read from its end (the log can be megabytes). */
export function tailLines(file: string, n: number): { lines: string[]; size: number } {
  if (!existsSync(file)) return { lines: [], size: 0 };
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    let pos = size;
    let text = '';
    const chunk = Buffer.alloc(64 * 1024);
    while (pos > 0 && text.split('\n').length <= n + 1) {
      const len = Math.min(chunk.length, pos);
      pos -= len;
      readSync(fd, chunk, 0, len, pos);
      text = chunk.subarray(0, len).toString('utf8') + text;
    }
    const lines = text.split('\n').filter(Boolean);
    return { lines: lines.slice(-n), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `onLine` for every line appended after `from`, until `signal` aborts. Notices the
 * file being rotated (it shrinks or is replaced) and continues from the new file's start.
 */
export async function followLines(file: string, from: number, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
  let pos = from;
  let ino = existsSync(file) ? statSync(file).ino : 0;
  let rest = '';
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 250));
    let st;
    try {
      st = statSync(file);
    } catch {
      continue;
    }
    if (st.ino !== ino || st.size < pos) {
      ino = st.ino;
      pos = 0;
      rest = '';
    }
    if (st.size === pos) continue;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(st.size - pos);
      readSync(fd, buf, 0, buf.length, pos);
      pos = st.size;
      const parts = (rest + buf.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) if (l) onLine(l);
    } finally {
      closeSync(fd);
    }
  }
}

/** A log line for people: `time level msg key=value …`. */
export function formatLogLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { ts, level, msg, ...rest } = o;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(ts ?? '')
    .replace('T', ' ')
    .slice(0, 19)} ${String(level ?? '').padEnd(5)} ${String(msg ?? '')}${fields ? ' ' + fields : ''}`;
}
