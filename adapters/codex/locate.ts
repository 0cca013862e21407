import path from 'node:path';
import { listDir, type AdapterEnv, type CaptureSource } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/** `$CODEX_HOME`, default `~/.codex` (`%USERPROFILE%\.codex` on Windows). */
export function codexHome(env: AdapterEnv): string {
  const configured = env.env.CODEX_HOME?.trim();
  return configured ? configured : pathFor(env.platform).join(env.home, '.codex');
}

/** JSONL rollouts (plain or zstd), and the single-JSON rollouts of the TypeScript CLI (≤ 0.2x). */
export const ROLLOUT_RE = /^rollout-.*\.(jsonl(\.zst)?|json)$/;

/** Thread id from a rollout file name (`rollout-<ts>-<uuid>.jsonl[.zst]`, legacy `rollout-<date>-<uuid>.json`). */
export function idFromFileName(file: string): string | null {
  const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json(l(\.zst)?)?$/i.exec(file);
  return m && m[1] ? m[1].toLowerCase() : null;
}

async function walk(env: AdapterEnv, dir: string, depth: number, out: string[]): Promise<void> {
  let list;
  try {
    list = listDir(env, dir);
  } catch {
    return;
  }
  for (const e of list) {
    const full = path.join(dir, e.name);
    if (e.isFile() && ROLLOUT_RE.test(e.name)) out.push(full);
    else if (e.isDirectory() && depth < 4) await walk(env, full, depth + 1, out);
  }
}

/** A legacy `.json` rollout is rewritten whole after every turn; a `.zst` one is finished. */
export function sourceOf(file: string): CaptureSource {
  return { path: file, style: file.endsWith('.jsonl') ? 'append' : 'rewrite' };
}

/** Rollouts under sessions/YYYY/MM/DD (legacy ones directly in sessions/) and archived_sessions; a plain .jsonl wins over its .zst twin. */
export async function listCodexSources(env: AdapterEnv): Promise<CaptureSource[]> {
  const home = codexHome(env);
  const files: string[] = [];
  await walk(env, path.join(home, 'sessions'), 0, files);
  await walk(env, path.join(home, 'archived_sessions'), 0, files);
  const plain = new Set(files.filter((f) => f.endsWith('.jsonl')));
  return files
    .filter((f) => !(f.endsWith('.zst') && plain.has(f.slice(0, -4))))
    .sort()
    .map(sourceOf);
}

export function codexSourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const home = codexHome(env);
  const rel = p.relative(home, changedPath);
  if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) return null;
  const top = rel.split(/[\\/]/)[0];
  if (top !== 'sessions' && top !== 'archived_sessions') return null;
  return ROLLOUT_RE.test(p.basename(changedPath)) ? sourceOf(changedPath) : null;
}
