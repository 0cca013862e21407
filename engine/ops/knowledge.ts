import { randomBytes } from 'node:crypto';
import { SfsError } from '../errors.js';
import { KNOWLEDGE_KINDS, type KnowledgeKind } from '../model/events.js';
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
