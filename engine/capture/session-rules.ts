import { projectOf } from '../project/identity.js';
import type { ProjectionDb } from '../projections/db.js';
import { getRules } from '../queries/knowledge.js';
import type { SessionRules } from '../model/events.js';

/**
 * Project key per directory: projectOf runs git, and a daemon captures the same few
 * directories over and over. Bounded so a long-running process does not grow without end.
 */
const projectKeys = new Map<string, string>();
const MAX_CACHED = 2000;

function projectKey(cwd: string): string {
  let key = projectKeys.get(cwd);
  if (key === undefined) {
    key = projectOf(cwd).key;
    if (projectKeys.size >= MAX_CACHED) projectKeys.delete(projectKeys.keys().next().value!);
    projectKeys.set(cwd, key);
  }
  return key;
}

/** Compiled once per database: every captured session with a cwd asks, and compiling cost more than the query. */
const anyRules = new WeakMap<ProjectionDb, { get(): unknown }>();

function hasAnyRules(db: ProjectionDb): boolean {
  let st = anyRules.get(db);
  if (!st) anyRules.set(db, (st = db.prepare('SELECT 1 FROM project_rules LIMIT 1')));
  return st.get() !== undefined;
}

/**
 * The rules that guided a session newly seen in `cwd`: the current rule set of the
 * directory's project, as the knowledge projection holds it. Null for a session already
 * stored (its first `session.discovered` is the one kept), without a cwd, or whose
 * project has no rules.
 */
export function rulesForNewSession(db: ProjectionDb, sessionId: string, cwd: string | null | undefined): SessionRules | null {
  if (!cwd) return null;
  // Most stores have no rules at all: then there is nothing to look up (and no git to run).
  if (!hasAnyRules(db)) return null;
  if (db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(sessionId)) return null;
  const project = projectKey(cwd);
  const rules = getRules(db, project);
  return rules ? { project, version: rules.version, hash: rules.hash } : null;
}
