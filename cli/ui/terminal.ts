import { spawn } from 'node:child_process';
import path from 'node:path';
import { findOnPath, shellQuote } from '../launch.js';

/** A terminal emulator and how it is told to run a command (its flag before the argv). */
interface Terminal {
  name: string;
  path: string;
  argv(cmd: readonly string[]): string[];
}

/** Linux terminals in order of preference, with the option that takes the command to run. */
const LINUX: Array<[string, (cmd: readonly string[]) => string[]]> = [
  ['x-terminal-emulator', (c) => ['-e', ...c]],
  ['gnome-terminal', (c) => ['--', ...c]],
  ['konsole', (c) => ['-e', ...c]],
  ['xfce4-terminal', (c) => ['-x', ...c]],
  ['kitty', (c) => [...c]],
  ['alacritty', (c) => ['-e', ...c]],
  ['wezterm', (c) => ['start', '--', ...c]],
  ['foot', (c) => [...c]],
  ['xterm', (c) => ['-e', ...c]],
];

/**
 * The terminal to open for the user: `$TERMINAL` (her choice, run as `$TERMINAL -e cmd…`), else
 * on a desktop session the first known emulator on PATH; on macOS Terminal.app. Null on a
 * machine without a desktop (a server, a container): the page then shows the command.
 */
export function findTerminal(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Terminal | null {
  if (env.TERMINAL) {
    const p = path.isAbsolute(env.TERMINAL) ? env.TERMINAL : findOnPath(env.TERMINAL, env);
    if (p) return { name: path.basename(p), path: p, argv: (c) => ['-e', ...c] };
  }
  if (platform === 'darwin') {
    const osa = findOnPath('osascript', env);
    // AppleScript string: backslash and double quote escaped; the command itself is shell-quoted.
    const script = (c: readonly string[]) =>
      `tell application "Terminal" to do script "${c
        .map(shellQuote)
        .join(' ')
        .replace(/[\\"]/g, (x) => `\\${x}`)}"`;
    return osa ? { name: 'Terminal', path: osa, argv: (c) => ['-e', script(c), '-e', 'tell application "Terminal" to activate'] } : null;
  }
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return null;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  for (const [name, argv] of LINUX) {
    const p = findOnPath(name, env);
    if (p) return { name, path: p, argv };
  }
  return null;
}

/**
 * Starts `cmd` (an argv: never a shell line) in a new terminal window, detached from this
 * process. Resolves with the terminal's name, or null when there is none or it failed to start.
 */
export function runInTerminal(cmd: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const term = findTerminal(env);
  if (!term) return Promise.resolve(null);
  return new Promise((resolve) => {
    try {
      const child = spawn(term.path, term.argv(cmd), { stdio: 'ignore', detached: true, env });
      // A terminal that cannot start fails at once; one that started keeps running: give it a moment.
      const timer = setTimeout(() => resolve(term.name), 500);
      child.once('error', () => (clearTimeout(timer), resolve(null)));
      child.once('exit', (code) => (clearTimeout(timer), resolve(code === 0 ? term.name : null)));
      child.unref();
    } catch {
      resolve(null);
    }
  });
}
