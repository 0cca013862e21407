import { listDir, type AdapterEnv, type CaptureSource } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/**
 * Gemini CLI keeps chats under `<home>/.gemini/tmp/<project-id>/chats/` (`GEMINI_CLI_HOME`
 * replaces the home directory). Main sessions are `session-*.jsonl` (≥ 0.39) or
 * `session-*.json` (≤ 0.38); sub-agents live in `chats/<parent sessionId>/<child>.json[l]`.
 */
export function storeDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const home = env.env.GEMINI_CLI_HOME || env.home;
  return [p.join(home, '.gemini')];
}

const CHAT_FILE = /\.jsonl?$/;

export function sourceOf(file: string): CaptureSource {
  return { path: file, style: file.endsWith('.jsonl') ? 'append' : 'rewrite' };
}

async function entries(env: AdapterEnv, dir: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    return listDir(env, dir).map((d) => ({ name: d.name, dir: d.isDirectory() }));
  } catch {
    return [];
  }
}

export async function listSources(env: AdapterEnv): Promise<CaptureSource[]> {
  const p = pathFor(env.platform);
  const out: CaptureSource[] = [];
  for (const root of storeDirs(env)) {
    const tmp = p.join(root, 'tmp');
    for (const project of await entries(env, tmp)) {
      if (!project.dir) continue;
      const chats = p.join(tmp, project.name, 'chats');
      for (const e of (await entries(env, chats)).sort((a, b) => a.name.localeCompare(b.name))) {
        if (!e.dir && e.name.startsWith('session-') && CHAT_FILE.test(e.name)) out.push(sourceOf(p.join(chats, e.name)));
        if (!e.dir) continue;
        for (const child of await entries(env, p.join(chats, e.name))) {
          if (!child.dir && CHAT_FILE.test(child.name)) out.push(sourceOf(p.join(chats, e.name, child.name)));
        }
      }
    }
  }
  return out;
}

/** `…/.gemini/tmp/<project>/chats/session-*.json[l]` or `…/chats/<parent>/<child>.json[l]`. */
export function sourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  if (!CHAT_FILE.test(changedPath)) return null;
  for (const root of storeDirs(env)) {
    const rel = p.relative(p.join(root, 'tmp'), changedPath);
    if (!rel || rel.startsWith('..') || p.isAbsolute(rel)) continue;
    const parts = rel.split(p.sep);
    if (parts.length === 3 && parts[1] === 'chats' && parts[2]!.startsWith('session-')) return sourceOf(changedPath);
    if (parts.length === 4 && parts[1] === 'chats') return sourceOf(changedPath);
  }
  return null;
}

/** Facts that live next to the chats folder: the project root written by the CLI. */
export function projectDirOf(file: string, platform: NodeJS.Platform): { projectDir: string; parentSessionId: string | null } {
  const p = pathFor(platform);
  const dir = p.dirname(file);
  if (p.basename(dir) === 'chats') return { projectDir: p.dirname(dir), parentSessionId: null };
  // chats/<parent sessionId>/<child>: a sub-agent session.
  if (p.basename(p.dirname(dir)) === 'chats') return { projectDir: p.dirname(p.dirname(dir)), parentSessionId: p.basename(dir) };
  return { projectDir: dir, parentSessionId: null };
}
