import type { Statement } from 'better-sqlite3';
import { foreignViewId } from '../ids.js';
import type { AnyStoredEvent, Attribution, SessionDiscoveredBody, SessionForkedBody, SessionMetaBody } from '../model/events.js';
import type { Message } from '../model/message.js';
import type { ProjectionDb } from './db.js';
import { isKnowledgeEvent, KnowledgeFolder } from './knowledge-fold.js';
import { nextMessageVersion } from './message-version.js';
import { ChunkReader, ChunkWriter, searchText, type BodyRef } from './message-bodies.js';
import { normalizeTs } from './timestamps.js';

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

/**
 * A message's stamps share `origin:seq` with its ord when they come from the event that placed it
 * (nearly always): stored, such a stamp keeps only its time, and reads back whole.
 */
export const packStamp = (param: string) =>
  `CASE WHEN substr(${param}, 16, 1) = ':' AND substr(${param}, 17) = substr(@ord, 1, length(@ord) - 7) THEN substr(${param}, 1, 15) ELSE ${param} END`;
/** packStamp in JS, for the insert of a new message (the same rule: test/engine/projections/pack-stamp.test.ts). */
export function packStampValue(stamp: string | null, ord: string): string | null {
  return stamp !== null && stamp[15] === ':' && stamp.slice(16) === ord.slice(0, ord.length - 7) ? stamp.slice(0, 15) : stamp;
}
const unpackStamp = (col: string) => `CASE WHEN length(${col}) = 15 THEN ${col} || ':' || substr(ord, 1, length(ord) - 7) ELSE ${col} END AS ${col}`;

/** The columns of a session row that folding an event reads. */
interface FoldRow {
  rowid: number;
  purged: number;
  evicted: number;
  message_count: number;
  discovered_stamp: string | null;
  discovered_by: string | null;
  resumed_stamp: string | null;
  deleted_stamp: string | null;
  [stamp: string]: string | number | null;
}

/** While a messages.captured event folds: what it changes on the session row, written once at its end. */
interface Tally {
  messages: number;
  toolUses: number;
  updated: string | null;
  /** The event's candidate for the first prompt (see trackFirstPrompt). */
  firstPrompt: { key: string; text: string } | null;
}

/** The columns of a session row its search document is made of. */
type DocRow = Record<string, string | number | null> & { rowid: number };

interface MessageRow {
  rowid: number;
  body_id: number;
  body_idx: number;
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

/** Event types that can change a session's own search document (see indexSession). */
const DOC_TYPES = new Set(['session.discovered', 'session.forked', 'session.meta']);

export class Folder {
  private readonly s: Record<string, Statement>;
  private readonly knowledge: KnowledgeFolder;
  private readonly bodies: ChunkWriter;
  /** While a messages.captured event folds: its counts, latest activity and first prompt, written to the session row once. */
  private tally: Tally | null = null;
  /**
   * Sessions whose search document may have changed, indexed once by indexDueDocs() rather than
   * after each event: a capture's discovery and its title event would otherwise index the
   * document, take it out again and index the new one.
   */
  private readonly docsDue = new Set<string>();

  constructor(private readonly db: ProjectionDb) {
    this.knowledge = new KnowledgeFolder(db);
    this.bodies = new ChunkWriter(db);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      ensureSession: p('INSERT OR IGNORE INTO sessions(id) VALUES (?)'),
      // Only the columns each step reads: the whole row (header JSON and all) cost more than the inserts.
      sessionRowid: p('SELECT rowid FROM sessions WHERE id = ?'),
      foldRow: p(`SELECT rowid, purged, evicted, message_count, discovered_stamp, discovered_by, resumed_stamp, deleted_stamp,
        user_title_stamp, native_title_stamp, alias_stamp, tags_stamp FROM sessions WHERE id = ?`),
      docRow: p('SELECT rowid, purged, user_title, native_title, discovered_title, alias, cwd, native_path, git_branch FROM sessions WHERE id = ?'),
      userTitleStamp: p('SELECT user_title_stamp FROM sessions WHERE id = ?'),
      viewOf: p('SELECT view_of FROM sessions WHERE id = ?'),
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
      firstPrompt: p('UPDATE sessions SET first_prompt=?, first_prompt_key=? WHERE id=?'),
      bumpUpdated: p('UPDATE sessions SET updated_at=? WHERE id=? AND (updated_at IS NULL OR updated_at < ?)'),
      counts: p('UPDATE sessions SET message_count=message_count+?, tool_use_count=tool_use_count+? WHERE id=?'),
      firstPromptKey: p('SELECT first_prompt_key FROM sessions WHERE id = ?'),
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
      getMessage: p(
        `SELECT rowid, body_id, body_idx, ord, ${unpackStamp('orig_stamp')}, ${unpackStamp('rev_stamp')}, tool_uses, author_account
         FROM messages WHERE session=? AND msg_id=?`,
      ),
      // Positional, stamps packed by packStampValue: binding 21 named values cost more than the insert.
      insertMessage: p(`INSERT INTO messages(session, msg_id, parent_msg_id, role, ts, ord, orig_stamp, rev_stamp, model,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, tool_uses, body_id, body_idx,
        body_bytes, author_account, author_username, author_device)
        VALUES (${Array.from({ length: 21 }, () => '?').join(', ')})`),
      replaceContent: p(`UPDATE messages SET parent_msg_id=@parent_msg_id, role=@role, ts=@ts, model=@model,
        input_tokens=@input_tokens, output_tokens=@output_tokens, cache_read_tokens=@cache_read_tokens,
        cache_write_tokens=@cache_write_tokens, reasoning_tokens=@reasoning_tokens, tool_uses=@tool_uses,
        body_id=@body_id, body_idx=@body_idx, body_bytes=@body_bytes,
        author_account=@author_account, author_username=@author_username, author_device=@author_device
        WHERE rowid=@rowid`),
      setStamps: p(`UPDATE messages SET ord=@ord, orig_stamp=${packStamp('@orig_stamp')}, rev_stamp=${packStamp('@rev_stamp')} WHERE rowid=@rowid`),
      sessionMessageBodies: p('SELECT rowid, body_id, body_idx FROM messages WHERE session=? ORDER BY body_id, body_idx'),
      deleteSessionBodies: p('DELETE FROM message_bodies WHERE id IN (SELECT body_id FROM messages WHERE session=?)'),
      deleteMessages: p('DELETE FROM messages WHERE session=?'),
      deleteCheckpoints: p('DELETE FROM checkpoints WHERE session_id=?'),
      getCheckpoint: p('SELECT stamp FROM checkpoints WHERE session_id=? AND name=?'),
      putCheckpoint: p('INSERT OR REPLACE INTO checkpoints(session_id, name, at_msg, created_at, stamp) VALUES (?, ?, ?, ?, ?)'),
      // The search table keeps no text of its own: a row leaves the index given the text it was indexed with.
      ftsForget: p("INSERT INTO search(search, rowid, text) VALUES ('delete', ?, ?)"),
      getDoc: p('SELECT text FROM session_docs WHERE id=?'),
      putDoc: p('INSERT INTO session_docs(id, text) VALUES (?, ?)'),
      deleteDoc: p('DELETE FROM session_docs WHERE id=?'),
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
    this.indexDueDocs();
  }

  /**
   * Brings the search documents of the sessions folded since the last call up to date. Call it
   * after apply(), before the transaction commits (a document left due is not in the index).
   */
  indexDueDocs(): void {
    const rows: DocRow[] = [];
    for (const id of this.docsDue) {
      const row = this.s.docRow!.get(id) as DocRow | undefined;
      if (row) rows.push(row); // else its view was emptied by a replay and no event made it again
    }
    this.docsDue.clear();
    // Ascending document rowids (the negated session rowids): FTS5 writes its pending terms out as a
    // new segment whenever a rowid comes in below the last one, so out of order each document would
    // become a segment of its own, to be merged (and its pages freed) later.
    rows.sort((a, b) => b.rowid - a.rowid);
    for (const row of rows) this.indexSession(row);
  }

  /** Empties the session's views (its own and those of other accounts) and its shares, and folds its earlier events again. */
  private replay(session: string, before: AnyStoredEvent[], share: string | null = null): void {
    this.s.deleteShares!.run(session);
    if (share) this.s.putShare!.run(session, share);
    const ids = [session, ...(this.s.viewsOf!.all(session) as { id: string }[]).map((r) => r.id)];
    for (const id of ids) {
      const row = this.s.sessionRowid!.get(id) as { rowid: number } | undefined;
      if (!row) continue;
      this.forgetMessages(row.rowid);
      this.forgetSessionDoc(row.rowid);
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
    this.s.ensureSession!.run(id);
    if (ev.body === null) {
      // tombstone of a purged session, or an evicted message
      if (evicted !== undefined) this.s.evicted!.run(evicted, id);
      return;
    }
    const row = this.s.foldRow!.get(id) as FoldRow;
    if (row.purged) return;
    if (evicted !== undefined && row.evicted !== evicted) this.s.evicted!.run(evicted, id);
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
        this.bodies.begin(ev.body.messages);
        // The session row's counters and activity time change once per event, not once per message.
        this.tally = { messages: 0, toolUses: 0, updated: null, firstPrompt: null };
        // A view with no messages yet has none to look up, but for ids this event repeats.
        const seen = row.message_count === 0 ? new Set<string>() : null;
        try {
          ev.body.messages.forEach((m, i) => {
            const known = !seen || seen.has(m.msg_id) || !seen.add(m.msg_id);
            this.message(id, row.rowid, m, i, stamp, ordOf(ev, i), false, author, known);
          });
          this.flushTally(id);
        } finally {
          this.tally = null;
        }
        this.bodies.end();
        break;
      }
      case 'message.revised':
        this.bodies.begin([ev.body.message]);
        this.message(id, row.rowid, ev.body.message, 0, stamp, ordOf(ev, 0), true, author);
        this.bodies.end();
        break;
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
    // Only these change what the session's own search document holds (titles, alias, paths, branch).
    if (DOC_TYPES.has(ev.type)) this.docsDue.add(id);
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
      const row = this.s.userTitleStamp!.get(id) as { user_title_stamp: string | null };
      if (!row.user_title_stamp || row.user_title_stamp < stamp) this.s.userTitle!.run(b.name, stamp, id);
    }
  }

  private meta(id: string, row: FoldRow, b: SessionMetaBody, stamp: string): void {
    const newer = (col: string) => !row[col] || (row[col] as string) < stamp;
    if (b.title !== undefined && newer('user_title_stamp')) this.s.userTitle!.run(b.title, stamp, id);
    if (b.native_title !== undefined && newer('native_title_stamp')) this.s.nativeTitle!.run(b.native_title, stamp, id);
    if (b.alias !== undefined && newer('alias_stamp')) this.s.alias!.run(b.alias, stamp, id);
    if (b.tags !== undefined && newer('tags_stamp')) this.s.tags!.run(JSON.stringify(b.tags), stamp, id);
  }

  /** Whether `id` is one of the user's own views (not another account's view of a session). */
  private isOwnView(id: string): boolean {
    return !(this.s.viewOf!.get(id) as { view_of: string | null } | undefined)?.view_of;
  }

  /**
   * Folds message `i` of the event being folded into view `sessionId` (`session`: its rowid, what message rows refer to).
   * `known`: false when the view is known to have no message with this id (it is not looked up).
   */
  private message(
    sessionId: string,
    session: number,
    m: Message,
    i: number,
    stamp: string,
    ord: string,
    isRevision: boolean,
    author: Attribution | null,
    known = true,
  ): void {
    const existing = known ? (this.s.getMessage!.get(session, m.msg_id) as (MessageRow & { tool_uses: number }) | undefined) : undefined;
    // Another account's message never names her session (the first prompt is its fallback title).
    const titles = !author || !this.isOwnView(sessionId);
    if (!existing) return this.insertMessage(sessionId, session, m, i, stamp, ord, isRevision, author, titles);
    const content = {
      ...messageColumns(session, m),
      body_id: 0,
      body_idx: 0,
      body_bytes: 0,
      author_account: author?.account ?? null,
      author_username: author?.username ?? null,
      author_device: author?.device ?? null,
    };
    const rank = rankOf(author?.account);
    const existingRank = rankOf(existing.author_account);
    if (existingRank < rank) return; // a message of hers (or of an account before this one) keeps its content
    if (existingRank > rank) {
      // Replacing what a lower-ranked account wrote under the same id.
      const rowid = existing.rowid;
      this.replaceBody(existing, content, i);
      this.s.setStamps!.run({ ord, orig_stamp: isRevision ? null : stamp, rev_stamp: isRevision ? stamp : null, rowid });
      this.count(sessionId, 0, content.tool_uses - existing.tool_uses);
      this.s.ftsInsert!.run(rowid, searchText(m));
      if (titles) this.trackFirstPrompt(sessionId, m, ord);
      if (content.ts) this.bump(sessionId, content.ts);
      return;
    }
    // Which version's content shows: the newest revision, else the earliest capture.
    const { ord: newOrd, orig_stamp: origStamp, rev_stamp: revStamp, replace } = nextMessageVersion(existing, ord, stamp, isRevision);
    this.s.setStamps!.run({ ord: newOrd, orig_stamp: origStamp, rev_stamp: revStamp, rowid: existing.rowid });
    if (replace) {
      this.replaceBody(existing, content, i);
      this.s.ftsInsert!.run(existing.rowid, searchText(m));
      this.count(sessionId, 0, content.tool_uses - existing.tool_uses);
      if (content.ts) this.bump(sessionId, content.ts);
    }
    if (titles) this.trackFirstPrompt(sessionId, m, newOrd);
  }

  /** A message new to the view: its row, its body and its text in the search index. */
  private insertMessage(
    sessionId: string,
    session: number,
    m: Message,
    i: number,
    stamp: string,
    ord: string,
    isRevision: boolean,
    author: Attribution | null,
    titles: boolean,
  ): void {
    const u = m.usage ?? {};
    const ts = normalizeTs(m.timestamp);
    const toolUses = toolUseCount(m);
    const body = this.bodies.store(i);
    const rowid = this.s.insertMessage!.run(
      session,
      m.msg_id,
      m.parent_msg_id ?? null,
      m.role,
      ts,
      ord,
      isRevision ? null : packStampValue(stamp, ord),
      isRevision ? packStampValue(stamp, ord) : null,
      m.model ?? null,
      u.input_tokens ?? 0,
      u.output_tokens ?? 0,
      u.cache_read_tokens ?? 0,
      u.cache_write_tokens ?? 0,
      u.reasoning_tokens ?? 0,
      toolUses,
      body.body_id,
      body.body_idx,
      body.body_bytes,
      author?.account ?? null,
      author?.username ?? null,
      author?.device ?? null,
    ).lastInsertRowid;
    this.count(sessionId, 1, toolUses);
    this.s.ftsInsert!.run(rowid, searchText(m));
    if (titles) this.trackFirstPrompt(sessionId, m, ord);
    if (ts) this.bump(sessionId, ts);
  }

  /** Adds to the session's message and tool-use counts: into the event's tally while one is open, else at once. */
  private count(sessionId: string, messages: number, toolUses: number): void {
    if (!this.tally) return void this.s.counts!.run(messages, toolUses, sessionId);
    this.tally.messages += messages;
    this.tally.toolUses += toolUses;
  }

  /** Moves the session's last activity forward to `ts` (the tally keeps the latest while one is open). */
  private bump(sessionId: string, ts: string): void {
    if (!this.tally) return void this.s.bumpUpdated!.run(ts, sessionId, ts);
    if (!this.tally.updated || this.tally.updated < ts) this.tally.updated = ts;
  }

  private flushTally(sessionId: string): void {
    const t = this.tally;
    this.tally = null;
    if (!t) return;
    if (t.messages || t.toolUses) this.s.counts!.run(t.messages, t.toolUses, sessionId);
    if (t.updated) this.s.bumpUpdated!.run(t.updated, sessionId, t.updated);
    if (t.firstPrompt) this.setFirstPrompt(sessionId, t.firstPrompt.key, t.firstPrompt.text);
  }

  /**
   * Gives an existing message row new content (message i of the event being folded): its old
   * text leaves the search index first, while its chunk can still be read. The caller indexes the new text.
   */
  private replaceBody(existing: MessageRow, content: Record<string, unknown> & BodyRef, i: number): void {
    const old = new ChunkReader(this.db).message(existing.body_id, existing.body_idx);
    if (old) this.s.ftsForget!.run(existing.rowid, searchText(old));
    Object.assign(content, this.bodies.store(i));
    this.s.replaceContent!.run({ ...content, rowid: existing.rowid });
    this.bodies.release(existing.body_id);
  }

  /** Takes every message of the view (its sessions rowid) out of the search index and deletes them with their bodies. */
  private forgetMessages(id: number): void {
    const reader = new ChunkReader(this.db);
    for (const r of this.s.sessionMessageBodies!.all(id) as Array<{ rowid: number; body_id: number; body_idx: number }>) {
      const m = reader.message(r.body_id, r.body_idx);
      if (m) this.s.ftsForget!.run(r.rowid, searchText(m));
    }
    this.s.deleteSessionBodies!.run(id);
    this.s.deleteMessages!.run(id);
  }

  /** Takes the session's own search document (negated rowid) out of the index. */
  private forgetSessionDoc(rowid: number): string | null {
    const old = this.s.getDoc!.get(-rowid) as { text: string } | undefined;
    if (!old) return null;
    this.s.ftsForget!.run(-rowid, old.text);
    this.s.deleteDoc!.run(-rowid);
    return old.text;
  }

  /**
   * The first real prompt is the fallback title: the earliest user message the harness did not inject.
   * While an event's tally is open only its earliest candidate is kept, and compared with the row once.
   */
  private trackFirstPrompt(sessionId: string, m: Message, ord: string): void {
    if (m.role !== 'user' || m.is_injected || m.is_compaction) return;
    const key = `${normalizeTs(m.timestamp) ?? '~'}|${ord}`;
    const best = this.tally?.firstPrompt;
    if (best && best.key <= key) return;
    const text = m.content
      .filter((b) => b.type === 'text')
      .map((b) => (b as { text: string }).text)
      .join(' ')
      .trim();
    if (!text) return;
    if (this.tally) this.tally.firstPrompt = { key, text };
    else this.setFirstPrompt(sessionId, key, text);
  }

  private setFirstPrompt(sessionId: string, key: string, text: string): void {
    const row = this.s.firstPromptKey!.get(sessionId) as { first_prompt_key: string | null };
    if (!row.first_prompt_key || key < row.first_prompt_key) this.s.firstPrompt!.run(text.replace(/\s+/g, ' ').slice(0, 200), key, sessionId);
  }

  /** The session's own search document (titles, alias, paths) uses the negated rowid. */
  private indexSession(row: DocRow): void {
    const parts = [row.user_title, row.native_title, row.discovered_title, row.alias, row.cwd, row.native_path, row.git_branch];
    const text = row.purged ? '' : parts.filter((p) => typeof p === 'string' && p).join('\n');
    const old = (this.s.getDoc!.get(-row.rowid) as { text: string } | undefined)?.text ?? '';
    if (old === text) return; // most events change none of it
    this.forgetSessionDoc(row.rowid);
    if (!text) return;
    this.s.putDoc!.run(-row.rowid, text);
    this.s.ftsInsert!.run(-row.rowid, text);
  }

  private purge(id: string): void {
    this.s.ensureSession!.run(id);
    const row = this.s.sessionRowid!.get(id) as { rowid: number };
    this.forgetMessages(row.rowid);
    this.forgetSessionDoc(row.rowid);
    this.s.deleteCheckpoints!.run(id);
    this.s.purge!.run(id);
  }
}

function messageColumns(session: number, m: Message) {
  const u = m.usage ?? {};
  return {
    session,
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
    tool_uses: toolUseCount(m),
  };
}

function toolUseCount(m: Message): number {
  let n = 0;
  for (const b of m.content) if (b.type === 'tool_use') n++;
  return n;
}
