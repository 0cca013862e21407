import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';
import { claudeProjectDirs } from './locate.js';

/**
 * Claude Code files a session under `projects/<encoded cwd>/`, where every character that
 * is not a letter or digit becomes `-` (`/home/a/my.app` → `-home-a-my-app`). `claude --resume`
 * only looks in the folder of the directory it runs in, so the writer uses that directory.
 */
export function encodeProjectDir(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

/** Where a new session for `cwd` goes: the first (primary) projects folder. */
export function claudeSessionFile(env: AdapterEnv, cwd: string, sessionId: string): string {
  const p = pathFor(env.platform);
  return p.join(claudeProjectDirs(env)[0]!, encodeProjectDir(cwd), `${sessionId}.jsonl`);
}
