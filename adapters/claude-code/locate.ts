import path from 'node:path';
import { listDir, type AdapterEnv, type CaptureSource } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/**
 * `projects/` folders Claude Code writes to. CLAUDE_CONFIG_DIR moves the whole root;
 * otherwise `~/.claude` and the XDG location `$XDG_CONFIG_HOME/claude` (used by newer builds).
 */
export function claudeProjectDirs(env: AdapterEnv): string[] {
  const p = pathFor(env.platform);
  const configured = env.env.CLAUDE_CONFIG_DIR?.trim();
  if (configured) {
    // Some tools accept a comma-separated list here; a single path is the common case.
    return configured
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => p.join(d, 'projects'));
  }
  const dirs = [p.join(env.home, '.claude', 'projects')];
  if (env.platform !== 'win32') {
    const xdg = env.env.XDG_CONFIG_HOME?.trim() || p.join(env.home, '.config');
    dirs.push(p.join(xdg, 'claude', 'projects'));
  }
  return dirs;
}

async function entries(env: AdapterEnv, dir: string) {
  try {
    return listDir(env, dir);
  } catch {
    return [];
  }
}

/** Sub-agent transcripts below `<sessionId>/subagents/` (workflow agents sit one level deeper). */
async function subagentFiles(env: AdapterEnv, dir: string, depth: number, out: string[]): Promise<void> {
  for (const e of await entries(env, dir)) {
    const full = path.join(dir, e.name);
    if (e.isFile() && /^agent-.+\.jsonl$/.test(e.name)) out.push(full);
    else if (e.isDirectory() && depth < 3) await subagentFiles(env, full, depth + 1, out);
  }
}

export async function listClaudeSources(env: AdapterEnv): Promise<CaptureSource[]> {
  const out: string[] = [];
  for (const root of claudeProjectDirs(env)) {
    for (const proj of await entries(env, root)) {
      if (!proj.isDirectory()) continue;
      const projDir = path.join(root, proj.name);
      for (const e of await entries(env, projDir)) {
        const full = path.join(projDir, e.name);
        if (e.isFile() && e.name.endsWith('.jsonl')) out.push(full);
        else if (e.isDirectory()) {
          // A session's folder may hold its transcript as `<id>/<id>.jsonl` besides `subagents/`.
          for (const inner of await entries(env, full)) if (inner.isFile() && inner.name === `${e.name}.jsonl`) out.push(path.join(full, inner.name));
          await subagentFiles(env, path.join(full, 'subagents'), 0, out);
        }
      }
    }
  }
  return out.sort().map((p) => ({ path: p, style: 'append' as const }));
}

/** A transcript path for a changed file: the .jsonl itself, or the transcript a `.meta.json` describes. */
export function claudeSourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  const roots = claudeProjectDirs(env);
  const inside = roots.some((r) => {
    const rel = p.relative(r, changedPath);
    return rel !== '' && !rel.startsWith('..') && !p.isAbsolute(rel);
  });
  if (!inside) return null;
  if (changedPath.endsWith('.jsonl')) return { path: changedPath, style: 'append' };
  const meta = /^(.*[\\/]agent-.+)\.meta\.json$/.exec(changedPath);
  if (meta) return { path: `${meta[1]}.jsonl`, style: 'append' };
  // <dir>/<session>/custom-title.json titles <dir>/<session>.jsonl
  const title = /^(.*)[\\/]([^\\/]+)[\\/]custom-title\.json$/.exec(changedPath);
  if (title) return { path: p.join(title[1]!, `${title[2]}.jsonl`), style: 'append' };
  return null;
}
