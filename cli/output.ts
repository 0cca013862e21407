import { writeSync } from 'node:fs';
import pc from 'picocolors';
import { ERROR_CODES, toSfsError } from '../engine/index.js';

/**
 * Everything the CLI prints goes through here: human text by default, a versioned JSON
 * envelope with --json, one-line errors with a stable code and exit code.
 */
export const JSON_SCHEMA_VERSION = 1;

export interface OutputOptions {
  json?: boolean;
}

/**
 * Standard output as a stream, for what writes to one (an export, the rules text). `sfs … | head`
 * closes the pipe early: the rest of the output is dropped instead of crashing.
 */
export function stdout(): NodeJS.WriteStream {
  if (!stream) {
    stream = process.stdout;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    });
  }
  return stream;
}

let stream: NodeJS.WriteStream | undefined;
let closed = false;

/**
 * Writes to standard output. Straight to the file descriptor until something needs the stream:
 * making process.stdout for a pipe loads Node's net and stream modules, a tenth of a bare Node
 * start-up, and `sfs list` only prints lines. A descriptor that would block (another process
 * made it non-blocking) hands what is left to the stream, which then takes every later write,
 * so the order holds.
 */
export function write(text: string): void {
  if (closed) return;
  if (!stream) {
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        closed = true;
        return;
      }
      if (code !== 'EAGAIN') throw err;
    }
    text = bytes.subarray(done).toString();
  }
  stdout().write(text);
}

/**
 * Colors only on a terminal (or with FORCE_COLOR), never with NO_COLOR or TERM=dumb.
 * picocolors alone also colors piped output whenever `CI` is set, which breaks
 * `sfs list | grep` on build machines.
 */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env, isTty?: boolean): boolean {
  if ('NO_COLOR' in env && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR !== undefined) return true;
  return (isTty ?? !!process.stdout.isTTY) && env.TERM !== 'dumb';
}

export const color = pc.createColors(colorEnabled());

export function printJson(command: string, data: unknown): void {
  write(JSON.stringify({ sfs_json: JSON_SCHEMA_VERSION, command, data }, null, 2) + '\n');
}

export function print(line = ''): void {
  write(line + '\n');
}

/** Prints the error as one line (or a JSON envelope) and returns the exit code. */
export function reportError(err: unknown, json: boolean): number {
  const e = toSfsError(err);
  const exit = ERROR_CODES[e.code];
  const message = e.message.replace(/\s*\n\s*/g, ' ');
  if (json) {
    write(
      JSON.stringify(
        { sfs_json: JSON_SCHEMA_VERSION, error: { code: e.code, message, exit_code: exit, ...(e.details ? { details: e.details } : {}) } },
        null,
        2,
      ) + '\n',
    );
  } else {
    process.stderr.write(`${color.red('sfs:')} ${message} ${color.dim(`[${e.code}]`)}\n`);
    if (e.code === 'INTERNAL' && process.env.SFS_DEBUG && e.cause instanceof Error) process.stderr.write(`${e.cause.stack}\n`);
  }
  return exit;
}

export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  return String(n);
}

export function formatCost(usd: number | null): string {
  if (usd === null) return 'unknown (no price for a model used)';
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Renders \u0002…\u0003 match markers from search snippets. */
export function highlight(snippet: string): string {
  return snippet.replace(/\u0002([^\u0003]*)\u0003/g, (_, t: string) => (color.isColorSupported ? color.bold(color.yellow(t)) : `[${t}]`)).replace(/\s+/g, ' ');
}
