import { sql, type Kysely, type Transaction } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { stampOf, type ViewEvent } from './fold-rules.js';

type Tx = Transaction<RelayDb> | Kysely<RelayDb>;

/**
 * Knowledge entries of a space, with the client's rules (engine/projections/knowledge-fold.ts):
 * an entry id is written once and the earliest stamp wins; a removal leaves a tombstone (its
 * earliest stamp) that keeps a later add out. Applied as statements: knowledge events are few.
 */
export async function applyKnowledge(tx: Tx, space: string, ev: ViewEvent): Promise<void> {
  const b = ev.body;
  if (!b) return;
  const stamp = stampOf(ev);
  if (ev.type === 'knowledge.removed') {
    await sql`insert into view_knowledge_removed (space_id, project, entry_id, removed_at, author_kind, author_name, reason, stamp)
      values (${space}, ${b.project}, ${b.entry_id}, ${b.removed_at ?? null}, ${b.author?.kind ?? 'user'}, ${b.author?.name ?? null}, ${b.reason ?? null}, ${stamp})
      on conflict (space_id, project, entry_id) do update set removed_at = excluded.removed_at, author_kind = excluded.author_kind,
        author_name = excluded.author_name, reason = excluded.reason, stamp = excluded.stamp
      where excluded.stamp < view_knowledge_removed.stamp`.execute(tx);
    await sql`delete from view_knowledge where space_id = ${space} and project = ${b.project} and entry_id = ${b.entry_id}`.execute(tx);
    return;
  }
  if (ev.type !== 'knowledge.added') return; // project context and rules have no server-side view yet
  const tags = JSON.stringify(b.tags ?? []);
  const doc = [b.kind, b.title ?? '', (b.tags ?? []).join(' '), b.text].filter(Boolean).join('\n').replaceAll('\0', '');
  await sql`insert into view_knowledge (space_id, project, entry_id, kind, title, text, tags, author_kind, author_name, session_id, created_at, stamp, pushed_by, search)
    select ${space}, ${b.project}, ${b.entry_id}, ${b.kind}, ${b.title ?? null}, ${String(b.text).replaceAll('\0', '')}, ${tags}, ${b.author?.kind ?? 'user'},
      ${b.author?.name ?? null}, ${b.session_id ?? null}, ${b.created_at ?? null}, ${stamp}, ${ev.account}, to_tsvector('english', ${doc})
    where not exists (select 1 from view_knowledge_removed r where r.space_id = ${space} and r.project = ${b.project} and r.entry_id = ${b.entry_id})
    on conflict (space_id, project, entry_id) do update set kind = excluded.kind, title = excluded.title, text = excluded.text, tags = excluded.tags,
      author_kind = excluded.author_kind, author_name = excluded.author_name, session_id = excluded.session_id, created_at = excluded.created_at,
      stamp = excluded.stamp, pushed_by = excluded.pushed_by, search = excluded.search
    where excluded.stamp < view_knowledge.stamp`.execute(tx);
}

export function isKnowledgeEvent(type: string): boolean {
  return type === 'knowledge.added' || type === 'knowledge.removed' || type === 'project.context' || type === 'rules.set';
}
