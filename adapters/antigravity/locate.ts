import { existsSync, readdirSync } from 'node:fs';
import type { AdapterEnv, CaptureSource } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/**
 * Antigravity keeps one folder per conversation under `~/.gemini/antigravity-cli/brain/<uuid>/`
 * (the `agy` CLI) and `~/.gemini/antigravity/brain/<uuid>/` (the desktop app), with the
 * readable step log in `.system_generated/logs/transcript_full.jsonl` (untruncated) and
 * `transcript.jsonl` (long outputs cut). Layout from public parsers (test/fixtures/SOURCES.md);
 * no environment variable is documented to move it.
 */
export const APP_DIRS = ['antigravity-cli', 'antigravity'] as const;
const LOGS = ['.system_generated', 'logs'];
export const FULL = 'transcript_full.jsonl';
export const TRUNCATED = 'transcript.jsonl';

/** `~/.gemini/<app>` for each Antigravity app. */
export function appDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  return APP_DIRS.map((d) => p.join(env.home, '.gemini', d));
}

export function storeDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  return appDirs(env).map((d) => p.join(d, 'brain'));
}

/** The conversation's step log: the untruncated one when it exists. */
function transcriptOf(conversationDir: string, env: AdapterEnv): string | null {
  const p = pathFor(env.platform);
  const logs = p.join(conversationDir, ...LOGS);
  for (const name of [FULL, TRUNCATED]) if (existsSync(p.join(logs, name))) return p.join(logs, name);
  return null;
}

export async function listSources(env: AdapterEnv): Promise<CaptureSource[]> {
  const p = pathFor(env.platform);
  const out: CaptureSource[] = [];
  for (const brain of storeDirs(env)) {
    let names: string[];
    try {
      names = readdirSync(brain);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      const t = transcriptOf(p.join(brain, n), env);
      if (t) out.push({ path: t, style: 'append' });
    }
  }
  return out;
}

/** A change under `brain/<uuid>/.system_generated/logs/` → that conversation's step log. */
export function sourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const base = p.basename(changedPath);
  if (base !== FULL && base !== TRUNCATED) return null;
  const logs = p.dirname(changedPath);
  const conversation = p.dirname(p.dirname(logs));
  if (p.basename(p.dirname(logs)) !== LOGS[0] || !storeDirs(env).includes(p.dirname(conversation))) return null;
  const t = transcriptOf(conversation, env);
  return t ? { path: t, style: 'append' } : null;
}

/** `brain/<uuid>/.system_generated/logs/<file>` → `<uuid>` and the app folder above `brain/`. */
export function conversationOf(transcript: string, platform: NodeJS.Platform): { id: string; appDir: string } {
  const p = pathFor(platform);
  const conversation = p.dirname(p.dirname(p.dirname(transcript)));
  return { id: p.basename(conversation), appDir: p.dirname(p.dirname(conversation)) };
}
