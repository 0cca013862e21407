import { listDir, type AdapterEnv, type CaptureSource } from '../../engine/adapter-kit.js';
import { pathFor } from '../shared/paths.js';

/**
 * Copilot CLI's own directory (sessions, `mcp-config.json`, settings): `COPILOT_HOME`, else
 * `<home>/.copilot`. The XDG variables do not move it: 1.0.102 reads neither, and on start moves
 * what older versions left in `$XDG_STATE_HOME/.copilot` and `$XDG_CONFIG_HOME/.copilot` into
 * it (leaving symlinks behind). Capture and `sfs mcp install` both use this one function.
 */
export function copilotHome(env: AdapterEnv): string {
  return env.env.COPILOT_HOME || pathFor(env.platform).join(env.home, '.copilot');
}

/**
 * Copilot CLI keeps `<root>/session-state/<id>/events.jsonl` (+ `workspace.yaml`), and before
 * 1.0.11 a flat `<root>/session-state/<id>.jsonl`; the root is copilotHome.
 */
export function storeDirs(env: AdapterEnv): string[] {
  return [copilotHome(env)];
}

export async function listSources(env: AdapterEnv): Promise<CaptureSource[]> {
  const p = pathFor(env.platform);
  const out: CaptureSource[] = [];
  for (const root of storeDirs(env)) {
    const dir = p.join(root, 'session-state');
    let entries;
    try {
      entries = listDir(env, dir);
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) {
        const events = p.join(dir, e.name, 'events.jsonl');
        try {
          if (listDir(env, p.join(dir, e.name)).some((f) => f.name === 'events.jsonl')) out.push({ path: events, style: 'append' });
        } catch {
          // unreadable folder: nothing to list
        }
      } else if (e.name.endsWith('.jsonl')) out.push({ path: p.join(dir, e.name), style: 'append' });
    }
  }
  return out;
}

/** events.jsonl, a flat `<id>.jsonl`, or workspace.yaml (its title lives there) → the session's event log. */
export function sourceFor(changedPath: string, env: AdapterEnv): CaptureSource | null {
  const p = pathFor(env.platform);
  for (const root of storeDirs(env)) {
    const rel = p.relative(p.join(root, 'session-state'), changedPath);
    if (!rel || rel.startsWith('..') || p.isAbsolute(rel)) continue;
    const parts = rel.split(p.sep);
    if (parts.length === 1 && parts[0]!.endsWith('.jsonl')) return { path: changedPath, style: 'append' };
    if (parts.length === 2 && (parts[1] === 'events.jsonl' || parts[1] === 'workspace.yaml')) {
      return { path: p.join(p.dirname(changedPath), 'events.jsonl'), style: 'append' };
    }
  }
  return null;
}

/** The session id the path names: the folder for events.jsonl, the stem for the flat layout. */
export function idFromPath(file: string, platform: NodeJS.Platform): string {
  const p = pathFor(platform);
  return p.basename(file) === 'events.jsonl' ? p.basename(p.dirname(file)) : p.basename(file).replace(/\.jsonl$/, '');
}
