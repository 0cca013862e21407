import type { ProjectionDb } from '../projections/db.js';
import { normalizeRemote, type Project } from '../project/identity.js';

/**
 * The sessions of a project: those whose git remote normalises to the project key
 * (wherever they ran: a teammate's clone, another machine) or whose working directory
 * lies in the project's root on this machine.
 */
export function projectSessionIds(db: ProjectionDb, project: Project): string[] {
  const rows = db.prepare('SELECT id, cwd, git_remote FROM sessions WHERE purged = 0 AND tool IS NOT NULL').all() as Array<{
    id: string;
    cwd: string | null;
    git_remote: string | null;
  }>;
  const root = project.root.replace(/\/+$/, '');
  const keys = new Map<string, string | null>();
  const keyOf = (remote: string) => {
    if (!keys.has(remote)) keys.set(remote, normalizeRemote(remote));
    return keys.get(remote)!;
  };
  return rows
    .filter((r) => {
      if (r.git_remote && keyOf(r.git_remote) === project.key) return true;
      if (!root || !r.cwd) return false;
      return r.cwd === root || r.cwd.startsWith(root + '/');
    })
    .map((r) => r.id);
}
