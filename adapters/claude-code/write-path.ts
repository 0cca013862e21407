import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';
import { claudeProjectDirs } from './locate.js';

/**
 * Claude Code files a session under `projects/<encoded cwd>/`, where every UTF-16 code unit
 * that is not an ASCII letter or digit becomes `-` (`/home/a/my.app` → `-home-a-my-app`).
 * `claude --resume` only looks in the folder of the directory it runs in, so the writer uses
 * that directory's name, computed as Claude Code computes it (read from 2.1.332):
 * - a name longer than 200 characters is cut to 200 and followed by `-` and a base-36 hash of
 *   the directory (the 32-bit `h = 31·h + c` string hash, made positive);
 * - `CLAUDE_CODE_PROJECT_DIR_NAME` replaces the name when `CLAUDE_CONFIG_DIR` is also set and
 *   the value is a plain name (`[A-Za-z0-9_-]`, 1–64 characters, not a reserved device name).
 */
const MAX_NAME = 200;
const PLAIN_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

export function encodeProjectDir(cwd: string): string {
  const name = cwd.replace(/[^A-Za-z0-9]/g, '-');
  return name.length <= MAX_NAME ? name : `${name.slice(0, MAX_NAME)}-${Math.abs(stringHash(cwd)).toString(36)}`;
}

/** The folder name Claude Code uses for `cwd` in this environment. */
export function projectDirName(env: AdapterEnv, cwd: string): string {
  const override = env.env.CLAUDE_CODE_PROJECT_DIR_NAME;
  if (env.env.CLAUDE_CONFIG_DIR && override && PLAIN_NAME.test(override) && !DEVICE_NAME.test(override)) return override;
  return encodeProjectDir(cwd);
}

/** Where a new session for `cwd` goes: the first (primary) projects folder. */
export function claudeSessionFile(env: AdapterEnv, cwd: string, sessionId: string): string {
  const p = pathFor(env.platform);
  return p.join(claudeProjectDirs(env)[0]!, projectDirName(env, cwd), `${sessionId}.jsonl`);
}
