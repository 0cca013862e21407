import type { KnowledgeKind } from '../model/events.js';
import type { ProjectionDb } from '../projections/db.js';
import { toFtsQuery } from './search.js';

/** Read models of the knowledge projection. */
export interface ProjectContextView {
  project: string;
  text: string;
  updated_at: string | null;
}

export interface RulesView {
  project: string;
  text: string;
  /** sha256 prefix of the text. */
  hash: string;
  /** How many rule sets were written for the project (the same on every replica holding the same events). */
  version: number;
  updated_at: string | null;
}

export interface KnowledgeEntry {
  entry_id: string;
  project: string;
  kind: KnowledgeKind;
  title: string | null;
  text: string;
  tags: string[];
  author: { kind: 'user' | 'agent'; name: string | null };
  session_id: string | null;
  created_at: string | null;
}

export function getProjectContext(db: ProjectionDb, project: string): ProjectContextView | null {
  return (db.prepare('SELECT project, text, updated_at FROM project_context WHERE project = ?').get(project) as ProjectContextView | undefined) ?? null;
}

export function getRules(db: ProjectionDb, project: string): RulesView | null {
  return (db.prepare('SELECT project, text, hash, version, updated_at FROM project_rules WHERE project = ?').get(project) as RulesView | undefined) ?? null;
}

function entry(r: Record<string, unknown>): KnowledgeEntry {
  return {
    entry_id: r.entry_id as string,
    project: r.project as string,
    kind: r.kind as KnowledgeKind,
    title: (r.title as string) ?? null,
    text: r.text as string,
    tags: JSON.parse((r.tags as string) ?? '[]'),
    author: { kind: r.author_kind as 'user' | 'agent', name: (r.author_name as string) ?? null },
    session_id: (r.session_id as string) ?? null,
    created_at: (r.created_at as string) ?? null,
  };
}

export interface KnowledgeQuery {
  project: string;
  /** Words and "phrases" that must all match; empty lists the newest entries. */
  query?: string;
  kind?: KnowledgeKind;
  limit?: number;
}

/** Knowledge entries of a project: ranked by relevance for a query, else newest first. */
export function searchKnowledge(db: ProjectionDb, q: KnowledgeQuery): KnowledgeEntry[] {
  const limit = Math.max(1, Math.min(q.limit ?? 20, 500));
  const params: Record<string, unknown> = { project: q.project, limit, kind: q.kind ?? null };
  const fts = q.query ? toFtsQuery(q.query) : '';
  if (!fts) {
    const rows = db
      .prepare('SELECT * FROM knowledge WHERE project = @project AND (@kind IS NULL OR kind = @kind) ORDER BY created_at DESC, entry_id LIMIT @limit')
      .all(params) as Record<string, unknown>[];
    return rows.map(entry);
  }
  const rows = db
    .prepare(
      `SELECT k.* FROM knowledge_search s JOIN knowledge k ON k.rowid = s.rowid
       WHERE knowledge_search MATCH @q AND k.project = @project AND (@kind IS NULL OR k.kind = @kind)
       ORDER BY bm25(knowledge_search), k.created_at DESC, k.entry_id LIMIT @limit`,
    )
    .all({ ...params, q: fts }) as Record<string, unknown>[];
  return rows.map(entry);
}

export function knowledgeCounts(db: ProjectionDb, project: string): Record<string, number> {
  const rows = db.prepare('SELECT kind, COUNT(*) AS n FROM knowledge WHERE project = ? GROUP BY kind ORDER BY kind').all(project) as Array<{
    kind: string;
    n: number;
  }>;
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

export interface RemovedKnowledge {
  project: string;
  entry_id: string;
  removed_at: string | null;
  author: { kind: 'user' | 'agent'; name: string | null };
  reason: string | null;
}

/** The removal recorded for an entry id, if it was removed. */
export function getKnowledgeRemoval(db: ProjectionDb, project: string, entryId: string): RemovedKnowledge | null {
  const r = db.prepare('SELECT * FROM knowledge_removed WHERE project = ? AND entry_id = ?').get(project, entryId) as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    project: r.project as string,
    entry_id: r.entry_id as string,
    removed_at: (r.removed_at as string) ?? null,
    author: { kind: r.author_kind as 'user' | 'agent', name: (r.author_name as string) ?? null },
    reason: (r.reason as string) ?? null,
  };
}

/** Live entries whose id starts with `prefix`, in `project` or (with project null) in any project. At most `limit`. */
export function knowledgeByIdPrefix(db: ProjectionDb, prefix: string, project: string | null, limit = 10): KnowledgeEntry[] {
  const like = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  const rows = db
    .prepare("SELECT * FROM knowledge WHERE entry_id LIKE @like ESCAPE '\\' AND (@project IS NULL OR project = @project) ORDER BY entry_id LIMIT @limit")
    .all({ like, project, limit }) as Record<string, unknown>[];
  return rows.map(entry);
}
