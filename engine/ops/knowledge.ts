import { randomBytes } from 'node:crypto';
import { SfsError } from '../errors.js';
import { KNOWLEDGE_KINDS, type KnowledgeKind } from '../model/events.js';
import { getKnowledgeRemoval, knowledgeByIdPrefix, type KnowledgeEntry } from '../queries/knowledge.js';
import type { Store } from '../store.js';

/** Writes project knowledge as events; the knowledge projection folds them, sync carries them to the team. */
export interface NewKnowledge {
  project: string;
  kind: string;
  text: string;
  title?: string | null;
  tags?: string[];
  author: { kind: 'user' | 'agent'; name?: string | null };
  sessionId?: string | null;
}

export async function addKnowledge(store: Store, k: NewKnowledge): Promise<{ entry_id: string }> {
  if (!(KNOWLEDGE_KINDS as readonly string[]).includes(k.kind)) {
    throw new SfsError('USAGE', `unknown knowledge kind "${k.kind}" (use one of ${KNOWLEDGE_KINDS.join(', ')})`);
  }
  const text = k.text.trim();
  if (!text) throw new SfsError('USAGE', 'a knowledge entry needs some text');
  const entry_id = 'kn_' + randomBytes(10).toString('hex');
  await store.log.append({
    events: [
      {
        type: 'knowledge.added',
        session: null,
        body: {
          project: k.project,
          entry_id,
          kind: k.kind as KnowledgeKind,
          title: k.title?.trim() || null,
          text,
          tags: k.tags ?? [],
          author: { kind: k.author.kind, name: k.author.name ?? null },
          session_id: k.sessionId ?? null,
          created_at: new Date().toISOString(),
        },
      },
    ],
  });
  return { entry_id };
}

export async function setProjectContext(store: Store, project: string, text: string): Promise<void> {
  await store.log.append({ events: [{ type: 'project.context', session: null, body: { project, text, updated_at: new Date().toISOString() } }] });
}

export async function setRules(store: Store, project: string, text: string): Promise<void> {
  await store.log.append({ events: [{ type: 'rules.set', session: null, body: { project, text, updated_at: new Date().toISOString() } }] });
}

export interface KnowledgeRemoval {
  project: string;
  /** The entry id, or a unique prefix of it (`kn_` and at least 4 more characters). */
  entry: string;
  author: { kind: 'user' | 'agent'; name?: string | null };
  reason?: string | null;
}

const ENTRY_PREFIX = /^kn_[a-z0-9]{4,40}$/;

/**
 * Removes a knowledge entry by appending `knowledge.removed` (the entry's own event stays
 * in the log; the projection drops it everywhere the removal reaches). Removing an entry
 * that is already removed changes nothing and says so.
 */
export async function removeKnowledge(store: Store, r: KnowledgeRemoval): Promise<{ entry_id: string; removed: boolean; entry: KnowledgeEntry | null }> {
  const id = r.entry.trim().toLowerCase();
  if (!ENTRY_PREFIX.test(id))
    throw new SfsError(
      'USAGE',
      `"${r.entry}" is not a knowledge entry id (kn_ followed by at least 4 letters or digits; \`sfs project knowledge\` lists them)`,
    );
  const db = await store.view();
  const matches = knowledgeByIdPrefix(db, id, r.project);
  if (matches.length > 1) {
    throw new SfsError(
      'AMBIGUOUS',
      `${id} matches ${matches.length} entries in ${r.project} (${matches
        .slice(0, 5)
        .map((m) => m.entry_id)
        .join(', ')}); give more of the id`,
      { candidates: matches.map((m) => m.entry_id) },
    );
  }
  const found = matches[0];
  if (!found) {
    if (getKnowledgeRemoval(db, r.project, id)) return { entry_id: id, removed: false, entry: null };
    const elsewhere = knowledgeByIdPrefix(db, id, null, 2);
    const hint = elsewhere.length === 1 ? ` (it is in ${elsewhere[0]!.project}: pass --project ${elsewhere[0]!.project})` : '';
    throw new SfsError('NOT_FOUND', `no knowledge entry ${id} in ${r.project}${hint}`);
  }
  const reason = r.reason?.trim() || null;
  await store.log.append({
    events: [
      {
        type: 'knowledge.removed',
        session: null,
        body: {
          project: r.project,
          entry_id: found.entry_id,
          author: { kind: r.author.kind, name: r.author.name ?? null },
          reason,
          removed_at: new Date().toISOString(),
        },
      },
    ],
  });
  return { entry_id: found.entry_id, removed: true, entry: found };
}
