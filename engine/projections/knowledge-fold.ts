import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { AnyStoredEvent, KnowledgeAddedBody, KnowledgeRemovedBody, StoredEvent } from '../model/events.js';
import type { ProjectionDb } from './db.js';

/**
 * The knowledge projection: per project, the context document, the canonical rules and
 * the knowledge entries (with their own full-text index). Like the session fold, every
 * conflict is decided by the event's stamp, never by arrival order, so replicas agree.
 */
export const KNOWLEDGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS project_context (
  project TEXT PRIMARY KEY, text TEXT NOT NULL, updated_at TEXT, stamp TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_rules (
  project TEXT PRIMARY KEY, text TEXT NOT NULL, hash TEXT NOT NULL, updated_at TEXT, stamp TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS knowledge (
  project TEXT NOT NULL, entry_id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT, text TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]', author_kind TEXT NOT NULL, author_name TEXT, session_id TEXT,
  created_at TEXT, stamp TEXT NOT NULL,
  PRIMARY KEY (project, entry_id)
);
CREATE INDEX IF NOT EXISTS knowledge_recent ON knowledge(project, created_at);
CREATE TABLE IF NOT EXISTS knowledge_removed (
  project TEXT NOT NULL, entry_id TEXT NOT NULL, removed_at TEXT, author_kind TEXT NOT NULL, author_name TEXT,
  reason TEXT, stamp TEXT NOT NULL,
  PRIMARY KEY (project, entry_id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_search USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
`;

/** Dropped (children first) when the projections are rebuilt. */
export const KNOWLEDGE_TABLES = ['knowledge_search', 'knowledge_removed', 'knowledge', 'project_rules', 'project_context'];

const TYPES = new Set(['project.context', 'knowledge.added', 'knowledge.removed', 'rules.set']);

export function isKnowledgeEvent(ev: { type: string }): boolean {
  return TYPES.has(ev.type);
}

/** sha256 of the rules text; sessions record it to say which rules guided them. */
export function rulesHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export class KnowledgeFolder {
  private readonly s: Record<string, Statement>;

  constructor(db: ProjectionDb) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      getContext: p('SELECT stamp FROM project_context WHERE project = ?'),
      putContext: p('INSERT OR REPLACE INTO project_context(project, text, updated_at, stamp) VALUES (?, ?, ?, ?)'),
      getRules: p('SELECT stamp FROM project_rules WHERE project = ?'),
      insertRules: p('INSERT INTO project_rules(project, text, hash, updated_at, stamp, version) VALUES (?, ?, ?, ?, ?, 1)'),
      // The version counts rules events: the same set of events gives the same number everywhere.
      bumpRules: p('UPDATE project_rules SET version = version + 1 WHERE project = ?'),
      replaceRules: p('UPDATE project_rules SET text = ?, hash = ?, updated_at = ?, stamp = ? WHERE project = ?'),
      getEntry: p('SELECT rowid, stamp FROM knowledge WHERE project = ? AND entry_id = ?'),
      insertEntry: p(`INSERT INTO knowledge(project, entry_id, kind, title, text, tags, author_kind, author_name, session_id, created_at, stamp)
        VALUES (@project, @entry_id, @kind, @title, @text, @tags, @author_kind, @author_name, @session_id, @created_at, @stamp)`),
      replaceEntry: p(`UPDATE knowledge SET kind=@kind, title=@title, text=@text, tags=@tags, author_kind=@author_kind,
        author_name=@author_name, session_id=@session_id, created_at=@created_at, stamp=@stamp WHERE rowid=@rowid`),
      ftsDelete: p('DELETE FROM knowledge_search WHERE rowid = ?'),
      getRemoved: p('SELECT stamp FROM knowledge_removed WHERE project = ? AND entry_id = ?'),
      putRemoved: p(`INSERT OR REPLACE INTO knowledge_removed(project, entry_id, removed_at, author_kind, author_name, reason, stamp)
        VALUES (@project, @entry_id, @removed_at, @author_kind, @author_name, @reason, @stamp)`),
      deleteEntry: p('DELETE FROM knowledge WHERE rowid = ?'),
      ftsInsert: p('INSERT INTO knowledge_search(rowid, text) VALUES (?, ?)'),
    };
  }

  apply(ev: AnyStoredEvent, stamp: string): void {
    if (ev.body === null) return;
    switch (ev.type) {
      case 'project.context': {
        const b = ev.body;
        const cur = this.s.getContext!.get(b.project) as { stamp: string } | undefined;
        if (!cur || cur.stamp < stamp) this.s.putContext!.run(b.project, b.text, b.updated_at, stamp);
        break;
      }
      case 'rules.set': {
        const b = ev.body;
        const cur = this.s.getRules!.get(b.project) as { stamp: string } | undefined;
        if (!cur) {
          this.s.insertRules!.run(b.project, b.text, rulesHash(b.text), b.updated_at, stamp);
          break;
        }
        this.s.bumpRules!.run(b.project);
        if (cur.stamp < stamp) this.s.replaceRules!.run(b.text, rulesHash(b.text), b.updated_at, stamp, b.project);
        break;
      }
      case 'knowledge.added':
        this.entry(ev as StoredEvent<'knowledge.added'>, stamp);
        break;
      case 'knowledge.removed':
        this.removed(ev as StoredEvent<'knowledge.removed'>, stamp);
        break;
    }
  }

  /**
   * A removal leaves a tombstone that outlives the entry, so an add arriving later (from
   * a replica that had not seen the removal) stays out. Of two removals the earliest
   * stamp is the one recorded.
   */
  private removed(ev: StoredEvent<'knowledge.removed'>, stamp: string): void {
    const b = ev.body as KnowledgeRemovedBody;
    const tomb = this.s.getRemoved!.get(b.project, b.entry_id) as { stamp: string } | undefined;
    if (!tomb || stamp < tomb.stamp) {
      this.s.putRemoved!.run({
        project: b.project,
        entry_id: b.entry_id,
        removed_at: b.removed_at,
        author_kind: b.author.kind,
        author_name: b.author.name ?? null,
        reason: b.reason ?? null,
        stamp,
      });
    }
    const cur = this.s.getEntry!.get(b.project, b.entry_id) as { rowid: number } | undefined;
    if (cur) {
      this.s.ftsDelete!.run(cur.rowid);
      this.s.deleteEntry!.run(cur.rowid);
    }
  }

  /** An entry id is written once; should two events carry one id, the earliest stamp wins. A removed id stays removed. */
  private entry(ev: StoredEvent<'knowledge.added'>, stamp: string): void {
    const b = ev.body as KnowledgeAddedBody;
    if (this.s.getRemoved!.get(b.project, b.entry_id)) return;
    const row = {
      project: b.project,
      entry_id: b.entry_id,
      kind: b.kind,
      title: b.title ?? null,
      text: b.text,
      tags: JSON.stringify(b.tags ?? []),
      author_kind: b.author.kind,
      author_name: b.author.name ?? null,
      session_id: b.session_id ?? null,
      created_at: b.created_at,
      stamp,
    };
    const cur = this.s.getEntry!.get(b.project, b.entry_id) as { rowid: number; stamp: string } | undefined;
    let rowid: number;
    if (!cur) {
      rowid = Number(this.s.insertEntry!.run(row).lastInsertRowid);
    } else if (stamp < cur.stamp) {
      rowid = cur.rowid;
      this.s.replaceEntry!.run({ ...row, rowid });
      this.s.ftsDelete!.run(rowid);
    } else {
      return;
    }
    this.s.ftsInsert!.run(rowid, [b.kind, b.title ?? '', (b.tags ?? []).join(' '), b.text].filter(Boolean).join('\n'));
  }
}
