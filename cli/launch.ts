import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { LaunchSpec } from '../engine/index.js';

/** The executable's full path on PATH, or null. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, command + ext);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** POSIX shell quoting, for printing a command the user can paste. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(spec: LaunchSpec): string {
  return `cd ${shellQuote(spec.cwd)} && ${[spec.command, ...spec.args].map(shellQuote).join(' ')}`;
}

/** Runs the tool in the terminal and resolves with its exit code. */
export function runInteractive(executable: string, spec: LaunchSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, spec.args, { cwd: spec.cwd, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
