import type { Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { requireMember, spacesOf, type Authed } from '../accounts.js';
import { RelayError } from '../errors.js';
import * as views from '../views/queries.js';
import { renderMarkdown, type TranscriptHeader } from '../../engine/index.js';
import type { DashboardSource, HostCapabilities, MessagePage, SessionQuery } from './source.js';

type Db = Kysely<RelayDb>;
const EXPORT_PAGE = 500;

/** Reading and searching what the account's spaces hold; nothing that acts on a local store. */
export const RELAY_CAN: HostCapabilities = {
  resume: false,
  fork: false,
  checkpoint: false,
  alias: false,
  delete: false,
  export_markdown: true,
  project: false,
  knowledge: false,
  rules: false,
  capture: false,
  doctor: false,
  sync: false,
  live: true,
};

function notHere(what: string): never {
  throw new RelayError('UNSUPPORTED', `${what} acts on a local store; the relay's dashboard only reads and searches (run it with sfs on your machine)`);
}

/**
 * The dashboard's source on the relay, for one signed-in account, answered from the server-side
 * views (server/views/queries.ts). Every read first takes the account's spaces from the membership
 * table — what the sync socket checks with requireMember — so a pending invitation, a removal or
 * another account's personal space is never read, and a session outside those spaces is NOT_FOUND
 * (the same answer whether it exists or not).
 */
export class RelaySource implements DashboardSource {
  constructor(
    private readonly db: Db,
    private readonly who: Authed,
  ) {}

  /** The ids of the spaces the account is a member of, now; or the one asked for, if it is a member (else FORBIDDEN). */
  private async spaces(only?: string): Promise<string[]> {
    if (only) return [(await requireMember(this.db, this.who.id, only)).id];
    return (await spacesOf(this.db, this.who.id)).map((s) => s.id);
  }

  async listSessions(q: SessionQuery) {
    return views.listSessions(this.db, await this.spaces(q.space), q);
  }
  async showSession(ref: string, page: MessagePage) {
    return views.showSession(this.db, await this.spaces(), ref, page);
  }
  async messages(ref: string, page: MessagePage) {
    return views.messages(this.db, await this.spaces(), ref, page);
  }
  async search(q: { query: string; tool?: string; limit?: number; space?: string }) {
    return views.search(this.db, await this.spaces(q.space), q);
  }

  resume(): never {
    notHere('resume');
  }
  fork(): never {
    notHere('fork');
  }
  checkpoint(): never {
    notHere('a checkpoint');
  }
  alias(): never {
    notHere('an alias');
  }
  remove(): never {
    notHere('delete');
  }
  restore(): never {
    notHere('restore');
  }
  /** The session as Markdown, like `sfs export --format md`, with who pushed it and from which space. */
  async exportMarkdown(ref: string): Promise<{ session: string; markdown: string }> {
    const spaces = await this.spaces();
    const d = (await views.showSession(this.db, spaces, ref, { limit: 1 })).session;
    const space = (await spacesOf(this.db, this.who.id)).find((s) => s.id === d.space)?.name ?? d.space;
    const by = d.pushed_by.username ? `${d.pushed_by.username}${d.pushed_by.device ? ` on ${d.pushed_by.device}` : ''}` : null;
    const header: TranscriptHeader = {
      title: d.title,
      sessionId: d.id,
      tool: [d.tool, d.tool_version].filter(Boolean).join(' ') || null,
      model: d.model,
      createdAt: d.created_at,
      updatedAt: d.updated_at,
      cwd: d.cwd,
      branch: d.git_branch,
      tags: d.tags,
      messageCount: d.message_count,
      extra: [['space', space], ...(by ? [['pushed by', by] as [string, string]] : [])],
    };
    const db = this.db;
    // Page by page from the session's own space, so a long session is never read in one query.
    async function* all() {
      for (let offset = 0; ; offset += EXPORT_PAGE) {
        const w = await views.messages(db, [d.space], d.id, { offset, limit: EXPORT_PAGE });
        for (const it of w.items) yield it.message;
        if (offset + EXPORT_PAGE >= w.total) return;
      }
    }
    return { session: d.id, markdown: await renderMarkdown(header, all()) };
  }
  project(): never {
    notHere('project context');
  }
  knowledge(): never {
    notHere('knowledge');
  }
  rules(): never {
    notHere('rules');
  }
  captureStatus(): never {
    notHere('capture status');
  }
  doctor(): never {
    notHere('doctor');
  }
  syncStatus(): never {
    notHere('sync status');
  }

  /** Grows whenever the views of the account's spaces fold more events, or its memberships change. */
  async position(): Promise<number> {
    const ids = await this.spaces();
    const at = await views.positions(this.db, ids);
    return Object.values(at).reduce((s, n) => s + n, 0) * 1000 + ids.length;
  }

  async close(): Promise<void> {}
}
