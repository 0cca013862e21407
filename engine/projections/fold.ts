import type { Statement } from 'better-sqlite3';
import { foreignViewId } from '../ids.js';
import type { AnyStoredEvent, Attribution, SessionDiscoveredBody, SessionForkedBody, SessionMetaBody } from '../model/events.js';
import { messageText, type Message } from '../model/message.js';
import type { ProjectionDb } from './db.js';
import { isKnowledgeEvent, KnowledgeFolder } from './knowledge-fold.js';

/**
 * Folds one event into the projection tables. Conflicting writes are resolved by the
 * event's stamp (ts, origin, seq), never by arrival order, so replicas that hold the
 * same events agree whatever order the events reached them in (DESIGN §11.3).
 */
export function stampOf(ev: { ts: number; origin: string; seq: number }): string {
  return `${String(ev.ts).padStart(15, '0')}:${ev.origin}:${String(ev.seq).padStart(12, '0')}`;
}

/** Sibling order key: native order within an origin, the same on every replica. */
function ordOf(ev: { origin: string; seq: number }, idx: number): string {
  return `${ev.origin}:${String(ev.seq).padStart(12, '0')}:${String(idx).padStart(6, '0')}`;
}

interface MessageRow {
  rowid: number;
  ord: string;
  orig_stamp: string | null;
  rev_stamp: string | null;
  author_account: string | null;
}

/**
 * Precedence of authors over one message or one discovery in a view: the user's own account
 * first, then other accounts in a fixed order. Content of a lower rank never replaces a higher
 * one's, whatever the stamps say, so another account cannot rewrite her messages by reusing ids.
 */
function rankOf(account: string | null | undefined): string {
  return account ? `1${account}` : '0';
}

/** Another account's event types that may enter the user's own view (through a space she shared the session into): content, never metadata. */
const ADMITTED_TYPES = new Set(['messages.captured', 'message.revised', 'session.discovered', 'session.forked']);

/**
 * Events after which a session's views are folded again from its events: an own share (another
 * account's events through that space now enter her view) and a purge (bodies erased in the log).
 * Replaying keeps the result independent of the order events arrived in, and equal to a rebuild.
 */
export function needsReplay(ev: AnyStoredEvent): boolean {
  return ev.session !== null && (ev.type === 'session.purged' || (ev.type === 'session.shared' && !ev.attr));
}

export class Folder {
  private readonly s: Record<string, Statement>;
  private readonly knowledge: KnowledgeFolder;
  /** Sessions whose search document is written at the next flush(). */
  private readonly stale = new Set<string>();
  /**
   * Whether session documents wait for flush() (see there). Off on a nearly full disk: FTS5 then
   * writes larger segments per transaction, and an in-place rebuild beside the log no longer fit.
   */
  deferDocuments = true;

  constructor(db: ProjectionDb) {
    this.knowledge = new KnowledgeFolder(db);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      ensureSession: p('INSERT OR IGNORE INTO sessions(id) VALUES (?)'),
      getSession: p('SELECT rowid, * FROM sessions WHERE id = ?'),
      discovered: p(`UPDATE sessions SET tool=@tool, native_id=@native_id, native_path=@native_path, cwd=@cwd,
        git_branch=@git_branch, git_remote=@git_remote, model=@model, provider=@provider, tool_version=@tool_version,
        via=@via, discovered_stamp=@stamp, discovered_by=@by, discovered_title=@title,
        created_at=CASE WHEN resumed_stamp IS NULL THEN @created_at ELSE created_at END,
        parent_session_id=@parent_session_id, agent_id=@agent_id, header=@header,
        tags=CASE WHEN tags_stamp IS NULL THEN @tags ELSE tags END,
        updated_at=CASE WHEN updated_at IS NULL OR updated_at < @created_at THEN @created_at ELSE updated_at END
        WHERE id=@id`),
      forked: p(`UPDATE sessions SET via='fork', fork_from=@from, fork_at_msg=@at, fork_checkpoint=@cp,
        discovered_stamp=@stamp, discovered_by=@by, created_at=@created_at,
        updated_at=CASE WHEN updated_at IS NULL OR updated_at < @created_at THEN @created_at ELSE updated_at END,
        tool=@tool, cwd=@cwd, git_branch=@git_branch, git_remote=@git_remote, model=@model, provider=@provider,
        tool_version=@tool_version
        WHERE id=@id`),
      resumed: p('UPDATE sessions SET resumed_from=@from, resumed_at_msg=@at, resumed_stamp=@stamp, created_at=COALESCE(@created_at, created_at) WHERE id=@id'),
      userTitle: p('UPDATE sessions SET user_title=?, user_title_stamp=? WHERE id=?'),
      nativeTitle: p('UPDATE sessions SET native_title=?, native_title_stamp=? WHERE id=?'),
      alias: p('UPDATE sessions SET alias=?, alias_stamp=? WHERE id=?'),
      tags: p('UPDATE sessions SET tags=?, tags_stamp=? WHERE id=?'),
      deleted: p('UPDATE sessions SET deleted=?, deleted_stamp=? WHERE id=?'),
      sessionRowid: p('SELECT rowid FROM sessions WHERE id = ?'),
      firstPromptKey: p('SELECT first_prompt_key FROM sessions WHERE id = ?'),
      firstPrompt: p('UPDATE sessions SET first_prompt=?, first_prompt_key=? WHERE id=?'),
      bumpUpdated: p('UPDATE sessions SET updated_at=? WHERE id=? AND (updated_at IS NULL OR updated_at < ?)'),
      counts: p('UPDATE sessions SET message_count=message_count+?, tool_use_count=tool_use_count+? WHERE id=?'),
      evicted: p('UPDATE sessions SET evicted=? WHERE id=? AND purged=0'),
      // A purge tombstones every earlier event of the session in the log, so the row must
      // end up exactly as a replay of tombstones leaves it: nothing but the id and the mark.
      purge: p(`UPDATE sessions SET tool=NULL, native_id=NULL, native_path=NULL, cwd=NULL, git_branch=NULL, git_remote=NULL,
        model=NULL, provider=NULL, tool_version=NULL, via=NULL, discovered_stamp=NULL, discovered_title=NULL,
        native_title=NULL, native_title_stamp=NULL, user_title=NULL, user_title_stamp=NULL, first_prompt=NULL,
        first_prompt_key=NULL, alias=NULL, alias_stamp=NULL, tags='[]', tags_stamp=NULL, created_at=NULL, updated_at=NULL,
        parent_session_id=NULL, agent_id=NULL, fork_from=NULL, fork_at_msg=NULL, fork_checkpoint=NULL,
        resumed_from=NULL, resumed_at_msg=NULL, resumed_stamp=NULL, deleted=0,
        deleted_stamp=NULL, purged=1, evicted=0, message_count=0, tool_use_count=0, header=NULL, discovered_by=NULL WHERE id=?`),
      getMessage: p('SELECT rowid, ord, orig_stamp, rev_stamp, tool_uses, author_account FROM messages WHERE session_id=? AND msg_id=?'),
      insertMessage: p(`INSERT INTO messages(session_id, msg_id, parent_msg_id, role, ts, ord, orig_stamp, rev_stamp, model,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, tool_uses, body,
        author_account, author_username, author_device)
        VALUES (@session_id, @msg_id, @parent_msg_id, @role, @ts, @ord, @orig_stamp, @rev_stamp, @model,
        @input_tokens, @output_tokens, @cache_read_tokens, @cache_write_tokens, @reasoning_tokens, @tool_uses, @body,
        @author_account, @author_username, @author_device)`),
      replaceContent: p(`UPDATE messages SET parent_msg_id=@parent_msg_id, role=@role, ts=@ts, model=@model,
        input_tokens=@input_tokens, output_tokens=@output_tokens, cache_read_tokens=@cache_read_tokens,
        cache_write_tokens=@cache_write_tokens, reasoning_tokens=@reasoning_tokens, tool_uses=@tool_uses, body=@body,
        author_account=@author_account, author_username=@author_username, author_device=@author_device
        WHERE rowid=@rowid`),
      setStamps: p('UPDATE messages SET ord=?, orig_stamp=?, rev_stamp=? WHERE rowid=?'),
      sessionMessageRowids: p('SELECT rowid FROM messages WHERE session_id=?'),
      deleteMessages: p('DELETE FROM messages WHERE session_id=?'),
      deleteCheckpoints: p('DELETE FROM checkpoints WHERE session_id=?'),
      getCheckpoint: p('SELECT stamp FROM checkpoints WHERE session_id=? AND name=?'),
      putCheckpoint: p('INSERT OR REPLACE INTO checkpoints(session_id, name, at_msg, created_at, stamp) VALUES (?, ?, ?, ?, ?)'),
      ftsDelete: p('DELETE FROM search WHERE rowid=?'),
      putShare: p('INSERT OR IGNORE INTO shares(session_id, space) VALUES (?, ?)'),
      deleteShares: p('DELETE FROM shares WHERE session_id=?'),
      isShared: p('SELECT 1 FROM shares WHERE session_id=? AND space=?'),
      viewsOf: p('SELECT id FROM sessions WHERE view_of=?'),
      deleteSession: p('DELETE FROM sessions WHERE id=?'),
      // An upsert: her own event on the view (an alias) may have arrived before any of theirs made it a view.
      ensureView: p(`INSERT INTO sessions(id, view_of, author_account, author_username) VALUES (?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET view_of=excluded.view_of, author_account=excluded.author_account, author_username=excluded.author_username`),
      viewSpace: p('UPDATE sessions SET author_space=? WHERE id=? AND (author_space IS NULL OR author_space > ?)'),
      ftsInsert: p('INSERT INTO search(rowid, text) VALUES (?, ?)'),
    };
  }

  /**
   * Folds one event. `before`, for an event that needsReplay(), is every event of its session
   * with a lower position: the session's views are emptied and folded again from them first.
   */
  apply(ev: AnyStoredEvent, before?: AnyStoredEvent[]): void {
    if (isKnowledgeEvent(ev)) return this.knowledge.apply(ev, stampOf(ev));
    if (!ev.session) return;
    const a = ev.attr ?? null;
    const ownShare = ev.type === 'session.shared' && !a && ev.body ? ev.body.space : null;
    // A replay forgets the session's shares and re-reads them from its events (a purge erased them);
    // this event's own share counts while the earlier events are folded again.
    if (before) this.replay(ev.session, before, ownShare);
    else if (ownShare) this.s.putShare!.run(ev.session, ownShare);
    if (!a) return this.fold(ev.session, ev, null);
    // Another account's event (DESIGN §13): into her own view of the session only through her personal
    // space or a space she shared the session into, and then only content; otherwise into a view of its own.
    if (ev.type === 'session.purged') return this.purge(this.foreignView(ev.session, a));
    if (ev.body === null) return;
    if (a.personal || this.s.isShared!.get(ev.session, a.space)) {
      if (ADMITTED_TYPES.has(ev.type)) this.fold(ev.session, ev, a);
      return;
    }
    this.fold(this.foreignView(ev.session, a), ev, a);
  }

  /** The view of another account's events of a session, created on first use. */
  private foreignView(session: string, a: Attribution): string {
    const id = foreignViewId(session, a.account);
    this.s.ensureView!.run(id, session, a.account, a.username);
    const space = a.personal ? 'personal' : (a.space_name ?? a.space);
    this.s.viewSpace!.run(space, id, space); // the same on every replica, whichever space came first
    return id;
  }

  /** Folds one session (its own view and other accounts' views of it) again from these events, in position order. */
  refold(session: string, events: AnyStoredEvent[]): void {
    this.replay(session, events);
    this.flush();
  }

  /**
   * Writes the search documents of the sessions folded since the last flush. Call once at the
   * end of each transaction of apply() calls. Deferred and written in ascending FTS rowid order
   * because FTS5 flushes its pending terms to a new segment whenever a write's rowid is below
   * the previous one's: a session document (negative rowid) written between messages (rising
   * positive rowids) did so once per event and made a first index several times slower.
   */
  flush(): void {
    if (!this.stale.size) return;
    const rows: Array<{ id: string; rowid: number }> = [];
    for (const id of this.stale) {
      const row = this.s.sessionRowid!.get(id) as { rowid: number } | undefined;
      if (row) rows.push({ id, rowid: row.rowid });
    }
    this.stale.clear();
    rows.sort((a, b) => b.rowid - a.rowid); // document rowid -rowid, ascending
    for (const r of rows) this.indexSession(r.id);
  }

  /** Empties the session's views (its own and those of other accounts) and its shares, and folds its earlier events again. */
  private replay(session: string, before: AnyStoredEvent[], share: string | null = null): void {
    this.s.deleteShares!.run(session);
    if (share) this.s.putShare!.run(session, share);
    const ids = [session, ...(this.s.viewsOf!.all(session) as { id: string }[]).map((r) => r.id)];
    for (const id of ids) {
      const row = this.s.getSession!.get(id) as { rowid: number } | undefined;
      if (!row) continue;
      for (const r of this.s.sessionMessageRowids!.all(id) as { rowid: number }[]) this.s.ftsDelete!.run(r.rowid);
      this.s.ftsDelete!.run(-row.rowid);
      this.s.deleteMessages!.run(id);
      this.s.deleteCheckpoints!.run(id);
      this.s.deleteSession!.run(id);
    }
    for (const e of before) this.apply(e);
  }

  /**
   * Folds an event into view `id`. `author` is set for another account's event: in a foreign view
   * it acts as there; in the user's own view (id === ev.session) only its content counts.
   */
  private fold(id: string, ev: AnyStoredEvent, author: Attribution | null): void {
    if (ev.type === 'session.purged') return this.purge(id);
    // Her view of a session is evicted from this store (storage prune) while its latest message event has no body.
    const evicted = !author && (ev.type === 'messages.captured' || ev.type === 'message.revised') ? (ev.body === null ? 1 : 0) : undefined;
    if (evicted !== undefined) {
      this.s.ensureSession!.run(id);
      this.s.evicted!.run(evicted, id);
    }
    if (ev.body === null) return; // tombstone of a purged session, or an evicted message
    this.s.ensureSession!.run(id);
    const row = this.s.getSession!.get(id) as Record<string, unknown> & { rowid: number };
    if (row.purged) return;
    const stamp = stampOf(ev);
    const rank = `${rankOf(author?.account)}|${stamp}`;
    const discovery = row.discovered_stamp ? `${rankOf(row.discovered_by as string | null)}|${row.discovered_stamp as string}` : null;
    switch (ev.type) {
      case 'session.discovered':
        if (discovery && discovery < rank) return; // the user's own discovery, else the earliest, wins
        this.discovered(id, ev.body, stamp, author);
        break;
      case 'session.forked':
        if (discovery && discovery < rank) return;
        this.forked(id, ev.body, stamp, author);
        break;
      case 'messages.captured': {
        const t = newTally();
        ev.body.messages.forEach((m, i) => this.message(id, m, stamp, ordOf(ev, i), false, author, t));
        this.settle(id, t);
        break;
      }
      case 'message.revised': {
        const t = newTally();
        this.message(id, ev.body.message, stamp, ordOf(ev, 0), true, author, t);
        this.settle(id, t);
        break;
      }
      case 'session.meta':
        this.meta(id, row, ev.body, stamp);
        break;
      case 'checkpoint.created': {
        const cur = this.s.getCheckpoint!.get(id, ev.body.name) as { stamp: string } | undefined;
        if (!cur || cur.stamp < stamp) this.s.putCheckpoint!.run(id, ev.body.name, ev.body.at_msg, ev.body.created_at, stamp);
        break;
      }
      case 'session.resumed': {
        // Lineage and dates: the messages arrive by capture of the written file, carrying the source's
        // old times. A resumed session is a new native session: created at the resume (whatever the
        // discovery says, in either order), active then at the latest. The first resume event wins.
        const at = normalizeTs(ev.body.created_at);
        if (!row.resumed_stamp || (row.resumed_stamp as string) > stamp)
          this.s.resumed!.run({ from: ev.body.from_session, at: ev.body.at_msg, stamp, created_at: at, id });
        if (at) this.s.bumpUpdated!.run(at, id, at);
        break;
      }
      case 'session.deleted':
      case 'session.restored':
        if (!row.deleted_stamp || (row.deleted_stamp as string) < stamp) this.s.deleted!.run(ev.type === 'session.deleted' ? 1 : 0, stamp, id);
        break;
    }
    // A session's search document holds only its titles, alias and paths: messages never change it.
    if (ev.type === 'messages.captured' || ev.type === 'message.revised') return;
    if (this.deferDocuments) this.stale.add(id);
    else this.indexSession(id);
  }

  private discovered(id: string, b: SessionDiscoveredBody, stamp: string, author: Attribution | null): void {
    const header = {
      git: b.git ?? null,
      interface: b.interface ?? null,
      imported_session_id: b.imported_session_id ?? null,
      workspace: b.workspace ?? null,
      tools: b.tools ?? null,
      manifest_extra: b.manifest_extra ?? null,
      model: b.model ?? null,
      ...(b.rules ? { rules: b.rules } : {}),
    };
    const facts = {
      id,
      tool: b.tool,
      native_id: b.native_id ?? null,
      native_path: b.native_path ?? null,
      cwd: b.cwd ?? null,
      git_branch: b.git?.branch ?? null,
      git_remote: b.git?.remote_url ?? null,
      model: b.model?.model_id ?? null,
      provider: b.model?.provider ?? null,
      tool_version: b.tool_version ?? null,
    };
    this.s.discovered!.run({
      ...facts,
      via: b.via,
      stamp,
      by: author?.account ?? null,
      title: b.title ?? null,
      created_at: normalizeTs(b.created_at),
      parent_session_id: b.parent_session_id ?? null,
      agent_id: b.agent_id ?? null,
      header: JSON.stringify(header),
      tags: JSON.stringify(b.tags ?? []),
    });
  }

  private forked(id: string, b: SessionForkedBody, stamp: string, author: Attribution | null): void {
    // Facts come from the event, never from the parent's row: the parent may be purged or not replicated yet.
    this.s.forked!.run({
      id,
      from: b.from_session,
      at: b.at_msg,
      cp: b.from_checkpoint ?? null,
      stamp,
      by: author?.account ?? null,
      created_at: normalizeTs(b.created_at),
      tool: b.tool ?? 'unknown',
      cwd: b.cwd ?? null,
      git_branch: b.git?.branch ?? null,
      git_remote: b.git?.remote_url ?? null,
      model: b.model?.model_id ?? null,
      provider: b.model?.provider ?? null,
      tool_version: b.tool_version ?? null,
    });
    // A fork's name is its title: metadata, which another account never sets in the user's own view.
    if (b.name && !(author && this.isOwnView(id))) {
      const row = this.s.getSession!.get(id) as { user_title_stamp: string | null };
      if (!row.user_title_stamp || row.user_title_stamp < stamp) this.s.userTitle!.run(b.name, stamp, id);
    }
  }

  private meta(id: string, row: Record<string, unknown>, b: SessionMetaBody, stamp: string): void {
    const newer = (col: string) => !row[col] || (row[col] as string) < stamp;
    if (b.title !== undefined && newer('user_title_stamp')) this.s.userTitle!.run(b.title, stamp, id);
    if (b.native_title !== undefined && newer('native_title_stamp')) this.s.nativeTitle!.run(b.native_title, stamp, id);
    if (b.alias !== undefined && newer('alias_stamp')) this.s.alias!.run(b.alias, stamp, id);
    if (b.tags !== undefined && newer('tags_stamp')) this.s.tags!.run(JSON.stringify(b.tags), stamp, id);
  }

  /** Whether `id` is one of the user's own views (not another account's view of a session). */
  private isOwnView(id: string): boolean {
    return !(this.s.getSession!.get(id) as { view_of: string | null } | undefined)?.view_of;
  }

  /** The session's counts and last activity after an event's messages, in one update each instead of one per message. */
  private settle(id: string, t: Tally): void {
    if (t.messages || t.toolUses) this.s.counts!.run(t.messages, t.toolUses, id);
    if (t.updated) this.s.bumpUpdated!.run(t.updated, id, t.updated);
  }

  private message(sessionId: string, m: Message, stamp: string, ord: string, isRevision: boolean, author: Attribution | null, t: Tally): void {
    const existing = this.s.getMessage!.get(sessionId, m.msg_id) as (MessageRow & { tool_uses: number }) | undefined;
    const content = {
      ...messageColumns(sessionId, m),
      author_account: author?.account ?? null,
      author_username: author?.username ?? null,
      author_device: author?.device ?? null,
    };
    // Another account's message never names her session (the first prompt is its fallback title).
    const titles = !author || !this.isOwnView(sessionId);
    const rank = rankOf(author?.account);
    const existingRank = existing ? rankOf(existing.author_account) : rank;
    if (existingRank < rank) return; // a message of hers (or of an account before this one) keeps its content
    if (!existing || existingRank > rank) {
      // New here, or replacing what a lower-ranked account wrote under the same id.
      const fresh = { ...content, ord, orig_stamp: isRevision ? null : stamp, rev_stamp: isRevision ? stamp : null };
      let rowid: number;
      if (existing) {
        rowid = existing.rowid;
        this.s.replaceContent!.run({ ...content, rowid });
        this.s.setStamps!.run(fresh.ord, fresh.orig_stamp, fresh.rev_stamp, rowid);
        this.s.ftsDelete!.run(rowid);
        t.toolUses += content.tool_uses - existing.tool_uses;
      } else {
        rowid = Number(this.s.insertMessage!.run(fresh).lastInsertRowid);
        t.messages++;
        t.toolUses += content.tool_uses;
      }
      this.s.ftsInsert!.run(rowid, searchText(m));
      if (titles) this.trackFirstPrompt(sessionId, m, ord);
      bump(t, content.ts);
      return;
    }
    // Which version's content shows: the newest revision, else the earliest capture.
    const newOrd = ord < existing.ord ? ord : existing.ord;
    let replace: boolean;
    let origStamp = existing.orig_stamp;
    let revStamp = existing.rev_stamp;
    if (isRevision) {
      replace = !revStamp || revStamp < stamp;
      if (replace) revStamp = stamp;
    } else {
      replace = !revStamp && (!origStamp || stamp < origStamp);
      if (!origStamp || stamp < origStamp) origStamp = stamp;
    }
    this.s.setStamps!.run(newOrd, origStamp, revStamp, existing.rowid);
    if (replace) {
      this.s.replaceContent!.run({ ...content, rowid: existing.rowid });
      this.s.ftsDelete!.run(existing.rowid);
      this.s.ftsInsert!.run(existing.rowid, searchText(m));
      t.toolUses += content.tool_uses - existing.tool_uses;
      bump(t, content.ts);
    }
    if (titles) this.trackFirstPrompt(sessionId, m, newOrd);
  }

  /** The first real prompt is the fallback title: the earliest user message the harness did not inject. */
  private trackFirstPrompt(sessionId: string, m: Message, ord: string): void {
    if (m.role !== 'user' || m.is_injected || m.is_compaction) return;
    const text = m.content
      .filter((b) => b.type === 'text')
      .map((b) => (b as { text: string }).text)
      .join(' ')
      .trim();
    if (!text) return;
    const key = `${normalizeTs(m.timestamp) ?? '~'}|${ord}`;
    const row = this.s.firstPromptKey!.get(sessionId) as { first_prompt_key: string | null };
    if (!row.first_prompt_key || key < row.first_prompt_key) this.s.firstPrompt!.run(text.replace(/\s+/g, ' ').slice(0, 200), key, sessionId);
  }

  /** The session's own search document (titles, alias, paths) uses the negated rowid. */
  private indexSession(id: string): void {
    const row = this.s.getSession!.get(id) as Record<string, string | number | null> & { rowid: number };
    this.s.ftsDelete!.run(-row.rowid);
    if (row.purged) return;
    const parts = [row.user_title, row.native_title, row.discovered_title, row.alias, row.cwd, row.native_path, row.git_branch];
    const text = parts.filter((p) => typeof p === 'string' && p).join('\n');
    if (text) this.s.ftsInsert!.run(-row.rowid, text);
  }

  private purge(id: string): void {
    this.s.ensureSession!.run(id);
    const row = this.s.getSession!.get(id) as { rowid: number };
    for (const r of this.s.sessionMessageRowids!.all(id) as { rowid: number }[]) this.s.ftsDelete!.run(r.rowid);
    this.s.ftsDelete!.run(-row.rowid);
    this.s.deleteMessages!.run(id);
    this.s.deleteCheckpoints!.run(id);
    this.s.purge!.run(id);
  }
}

/** What an event's messages add to their session's row (see Folder.settle). */
interface Tally {
  messages: number;
  toolUses: number;
  /** The latest message time (UTC ISO, compared as strings), if any. */
  updated: string | null;
}

function newTally(): Tally {
  return { messages: 0, toolUses: 0, updated: null };
}

function bump(t: Tally, ts: string | null): void {
  if (ts && (!t.updated || t.updated < ts)) t.updated = ts;
}

function messageColumns(sessionId: string, m: Message) {
  const u = m.usage ?? {};
  return {
    session_id: sessionId,
    msg_id: m.msg_id,
    parent_msg_id: m.parent_msg_id ?? null,
    role: m.role,
    ts: normalizeTs(m.timestamp),
    model: m.model ?? null,
    input_tokens: u.input_tokens ?? 0,
    output_tokens: u.output_tokens ?? 0,
    cache_read_tokens: u.cache_read_tokens ?? 0,
    cache_write_tokens: u.cache_write_tokens ?? 0,
    reasoning_tokens: u.reasoning_tokens ?? 0,
    tool_uses: m.content.filter((b) => b.type === 'tool_use').length,
    body: JSON.stringify(m),
  };
}

/** ISO-8601 in UTC so timestamps from different tools compare as strings. */
export function normalizeTs(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString();
}

function searchText(m: Message): string {
  return messageText(m, { includeThinking: true });
}
