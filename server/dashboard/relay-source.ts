import type { Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { spacesOf, type Authed } from '../accounts.js';
import { RelayError } from '../errors.js';
import * as views from '../views/queries.js';
import type { DashboardSource, HostCapabilities, MessagePage, SessionQuery } from './source.js';

type Db = Kysely<RelayDb>;

/** Reading and searching what the account's spaces hold; nothing that acts on a local store. */
export const RELAY_CAN: HostCapabilities = {
  resume: false,
  fork: false,
  checkpoint: false,
  alias: false,
  delete: false,
  export_markdown: false,
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
 * views (server/views/queries.ts). Every read first takes the
 * account's spaces from the membership table — what the sync socket checks with requireMember —
 * so a pending invitation, a removal or another account's personal space is never read, and a
 * session outside those spaces is NOT_FOUND (the same answer whether it exists or not).
 */
export class RelaySource implements DashboardSource {
  constructor(
    private readonly db: Db,
    private readonly who: Authed,
  ) {}

  /** The ids of the spaces the account is a member of, now. */
  private async spaces(): Promise<string[]> {
    return (await spacesOf(this.db, this.who.id)).map((s) => s.id);
  }

  async listSessions(q: SessionQuery) {
    return views.listSessions(this.db, await this.spaces(), q);
  }
  async showSession(ref: string, page: MessagePage) {
    return views.showSession(this.db, await this.spaces(), ref, page);
  }
  async messages(ref: string, page: MessagePage) {
    return views.messages(this.db, await this.spaces(), ref, page);
  }
  async search(q: { query: string; tool?: string; limit?: number }) {
    return views.search(this.db, await this.spaces(), q);
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
  exportMarkdown(): never {
    notHere('export');
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
