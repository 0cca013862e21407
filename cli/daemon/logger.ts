import { appendFileSync, renameSync, statSync } from 'node:fs';

/**
 * The daemon's log: one JSON object per line, `{ts, level, msg, ...fields}`. When the file
 * passes `maxBytes` it becomes `<file>.1` (replacing the previous one), so the log never
 * takes more than twice that.
 */
export type Level = 'info' | 'warn' | 'error';

export class JsonLog {
  private size: number;

  constructor(
    readonly file: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly echo?: (line: string) => void,
  ) {
    try {
      this.size = statSync(file).size;
    } catch {
      this.size = 0;
    }
  }

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('info', msg, fields);
  }

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', msg, fields);
  }

  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('error', msg, fields);
  }

  private write(level: Level, msg: string, fields: Record<string, unknown>): void {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields }) + '\n';
    try {
      if (this.size + line.length > this.maxBytes && this.size > 0) {
        renameSync(this.file, `${this.file}.1`);
        this.size = 0;
      }
      appendFileSync(this.file, line, { mode: 0o600 });
      this.size += Buffer.byteLength(line);
    } catch {
      // A full disk must not stop capture; the status file still tells what happens.
    }
    this.echo?.(line);
  }
}
