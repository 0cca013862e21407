import {
  BLOCKED_KEY,
  KNOWLEDGE_KINDS,
  SfsError,
  assertNotEvicted,
  createCheckpoint,
  deleteSession,
  directoryScope,
  exportMessages,
  exportSfs,
  isResumeTarget,
  RESUME_TARGETS,
  forkSession,
  lineageChildCounts,
  sessionTickets,
  getProjectContext,
  getRules,
  getSessionDetail,
  headerFromSfs,
  knowledgeCounts,
  listSessions,
  loadMessages,
  orderedRefs,
  projectFromArg,
  projectOf,
  readCredentials,
  readSyncSettings,
  renderMarkdown,
  resolveSession,
  restoreSession,
  search,
  searchKnowledge,
  setAlias,
  sfsHeader,
  checkToolName,
  type CheckResult,
  type KnowledgeKind,
  type MessageRef,
  type ProjectionDb,
  type SfsPaths,
  type Store,
} from '../../../engine/index.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDateArg } from '../../dates.js';
import { StorePool } from '../../mcp/store-pool.js';
import { daemonFiles } from '../../daemon/files.js';
import { runningDaemon } from '../../daemon/process.js';
import { readStatus } from '../../daemon/status.js';
import type { DashboardSource, MessagePage, MessageWindow, SearchHitOut, SessionQuery } from '../../../server/dashboard/source.js';

/** What the CLI lends the source: commands that need the adapters (kept out of this module's imports). */
export interface LocalHooks {
  doctor?: () => Promise<{ ok: boolean; failed: number; warnings: number; checks: CheckResult[] }>;
  resume?: (store: Store, id: string, target?: string) => Promise<Record<string, unknown> & { command: string }>;
  /** Writes the session's native files for `target` under `home` (a scratch directory); the store is unchanged. */
  exportNative?: (db: ProjectionDb, id: string, target: string, home: string) => Promise<void>;
  /** Starts this argv in a new terminal window; the terminal's name, or null when there is none. */
  runInTerminal?: (argv: readonly string[]) => Promise<string | null>;
  /** How this process runs `sfs` (node and the CLI's script), for the command started in a terminal. */
  sfsArgv?: readonly string[];
}

/** Session ids as the store makes them: the only session text a launched command may hold. */
const SESSION_ID = /^ses_[a-z0-9]{8,40}$/;

/** Every file under `dir`, relative to it with '/' separators, and its bytes. */
function filesUnder(dir: string, prefix = ''): Array<{ path: string; data: Buffer }> {
  const out: Array<{ path: string; data: Buffer }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(p, rel));
    else if (e.isFile()) out.push({ path: rel, data: readFileSync(p) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const PAGE = 100;
const MAX_PAGE = 500;

/**
 * The dashboard over this machine's store: the engine's queries on the projections, the
 * engine's operations for actions. The store is opened on demand and closed after a quiet
 * spell (StorePool), so the UI is a guest of the store like any command and the daemon
 * keeps capturing whether or not a page is open.
 */
export class LocalSource implements DashboardSource {
  private readonly pool: StorePool;
  /** The ordered message refs of the last session read, for the position they were computed at (a 15,000-message order costs tens of ms). */
  private refsCache: { key: string; refs: MessageRef[] } | null = null;

  constructor(
    private readonly paths: SfsPaths,
    private readonly cwd: string,
    private readonly hooks: LocalHooks = {},
  ) {
    this.pool = new StorePool(paths);
  }

  private read<T>(fn: (db: ProjectionDb, store: Store) => T | Promise<T>): Promise<T> {
    return this.pool.use(async (store) => fn(await store.view(), store));
  }

  private refs(db: ProjectionDb, store: Store, id: string): MessageRef[] {
    const key = `${id}@${store.projections.position()}`;
    if (this.refsCache?.key !== key) this.refsCache = { key, refs: orderedRefs(db, id) };
    return this.refsCache.refs;
  }

  private window(db: ProjectionDb, store: Store, id: string, p: MessagePage): MessageWindow {
    const refs = this.refs(db, store, id);
    const limit = Math.min(p.limit ?? PAGE, MAX_PAGE);
    let offset = Math.max(0, p.offset ?? 0);
    if (p.at_msg) {
      const i = refs.findIndex((r) => r.msg_id === p.at_msg);
      if (i < 0) throw new SfsError('NOT_FOUND', `no message ${p.at_msg} in ${id}`);
      offset = Math.max(0, i - Math.floor(limit / 2));
    }
    const items = loadMessages(db, refs.slice(offset, offset + limit)).map((m, i) => ({ ...m, index: offset + i }));
    return { total: refs.length, offset, items };
  }

  listSessions(q: SessionQuery) {
    return this.read((db) => {
      checkToolName(db, q.tool);
      const limit = Math.min(q.limit ?? 50, 500);
      const offset = q.offset ?? 0;
      const res = listSessions(db, {
        tool: q.tool,
        ticket: q.ticket,
        lineage: q.parent ? { childrenOf: resolveSession(db, q.parent) } : q.group ? 'roots' : undefined,
        directories: q.project ? directoryScope(q.project, this.cwd) : undefined,
        since: parseDateArg(q.since, 'since'),
        until: parseDateArg(q.until, 'until'),
        text: q.text,
        aliased: q.alias,
        deleted: q.deleted ? 'only' : 'exclude',
        includeSubagents: q.subagents,
        limit,
        offset,
      });
      const counts = lineageChildCounts(
        db,
        res.sessions.map((x) => x.id),
        q.deleted ? 'only' : 'exclude',
      );
      const sessions = res.sessions.map((x) => ({ ...x, tickets: sessionTickets(x), children: counts[x.id] ?? 0 }));
      return { total: res.total, sessions, next_offset: offset + res.sessions.length < res.total ? offset + res.sessions.length : null };
    });
  }

  showSession(ref: string, page: MessagePage) {
    return this.read((db, store) => {
      const id = resolveSession(db, ref);
      const session = getSessionDetail(db, id);
      if (session.purged) throw new SfsError('NOT_FOUND', `session ${id} was purged`);
      return { session, messages: this.window(db, store, id, page) };
    });
  }

  messages(ref: string, page: MessagePage) {
    return this.read((db, store) => {
      const id = resolveSession(db, ref);
      return { session: id, ...this.window(db, store, id, page) };
    });
  }

  search(q: { query: string; tool?: string; limit?: number }) {
    return this.read((db, store) => {
      checkToolName(db, q.tool);
      const hits = search(db, { query: q.query, tool: q.tool, limit: Math.min(q.limit ?? 20, 100) });
      const out: SearchHitOut[] = hits.map((h) => {
        const { text, ranges } = marks(h.snippet);
        let index: number | null = null;
        if (h.msg_id) {
          const i = this.refs(db, store, h.session_id).findIndex((r) => r.msg_id === h.msg_id);
          index = i < 0 ? null : i;
        }
        return { ...h, snippet: text, snippet_marked: h.snippet.replace(/\u0002/g, '<<').replace(/\u0003/g, '>>'), highlights: ranges, message_index: index };
      });
      return { query: q.query, hits: out };
    });
  }

  resume(ref: string, target?: string) {
    const run = this.hooks.resume;
    if (!run) throw new SfsError('NOT_FOUND', 'resume is not available here');
    return this.pool.use(async (store) => run(store, resolveSession(await store.view(), ref), target));
  }

  fork(ref: string, o: { at?: string; name?: string }) {
    return this.pool.use(async (store) => {
      const id = resolveSession(await store.view(), ref);
      const res = await forkSession(store, id, { at: o.at, name: o.name });
      return { id: res.id, from: id, at_msg: res.at_msg };
    });
  }

  checkpoint(ref: string, name: string) {
    return this.pool.use(async (store) => {
      const id = resolveSession(await store.view(), ref);
      const cp = await createCheckpoint(store, id, name);
      return { session: id, ...cp };
    });
  }

  alias(ref: string, alias: string | null) {
    return this.pool.use(async (store) => {
      const id = resolveSession(await store.view(), ref);
      await setAlias(store, id, alias);
      return { session: id, alias };
    });
  }

  remove(ref: string) {
    return this.pool.use(async (store) => {
      const id = resolveSession(await store.view(), ref);
      await deleteSession(store, id);
      return { session: id, deleted: true as const };
    });
  }

  restore(ref: string) {
    return this.pool.use(async (store) => {
      const id = resolveSession(await store.view(), ref);
      await restoreSession(store, id);
      return { session: id, deleted: false as const };
    });
  }

  exportMarkdown(ref: string) {
    return this.read(async (db) => {
      const id = resolveSession(db, ref);
      const d = getSessionDetail(db, id);
      if (d.purged) throw new SfsError('NOT_FOUND', `session ${id} was purged`);
      assertNotEvicted(db, id);
      const { manifest, workspace } = sfsHeader(d);
      return { session: id, markdown: await renderMarkdown(headerFromSfs(manifest, workspace), exportMessages(db, id)) };
    });
  }

  exportFiles(ref: string, format: string) {
    return this.read(async (db) => {
      const id = resolveSession(db, ref);
      const scratch = mkdtempSync(path.join(tmpdir(), 'sfs-ui-export-'));
      try {
        if (format === 'sfs') {
          await exportSfs(db, id, path.join(scratch, `${id}.sfs`));
          return { session: id, filename: `${id}.sfs.tar`, files: filesUnder(scratch) };
        }
        if (!this.hooks.exportNative) throw new SfsError('NOT_FOUND', 'native export is not available here');
        await this.hooks.exportNative(db, id, format, scratch);
        return { session: id, filename: `${id}.${format}.tar`, files: filesUnder(scratch) };
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }

  async launchResume(ref: string, target?: string) {
    const id = await this.read((db) => resolveSession(db, ref));
    // The id comes from the store, the tool from a fixed list (the hook checks it): nothing else goes into the command.
    if (!SESSION_ID.test(id)) throw new SfsError('UNSAFE_INPUT', `session id ${id} cannot be passed to a terminal`);
    if (target !== undefined && !isResumeTarget(target)) throw new SfsError('USAGE', `cannot resume in "${target}" (${RESUME_TARGETS.join(', ')})`);
    const args = ['resume', id, ...(target ? ['--in', target] : [])];
    const command = ['sfs', ...args].join(' ');
    const run = this.hooks.runInTerminal;
    const terminal = run && this.hooks.sfsArgv ? await run([...this.hooks.sfsArgv, ...args]) : null;
    return { session: id, command, launched: terminal !== null, terminal };
  }

  private projectOf(arg?: string) {
    return arg ? projectFromArg(arg, this.cwd) : projectOf(this.cwd);
  }

  project(arg?: string) {
    const p = this.projectOf(arg);
    return this.read((db) => {
      const r = getRules(db, p.key);
      return {
        project: p.key,
        root: p.root || null,
        remote: p.remote ?? null,
        context: getProjectContext(db, p.key),
        rules: r && { version: r.version, hash: r.hash, updated_at: r.updated_at },
        knowledge_counts: knowledgeCounts(db, p.key),
      };
    });
  }

  knowledge(q: { project?: string; query?: string; kind?: string; limit?: number }) {
    const p = this.projectOf(q.project);
    if (q.kind && !(KNOWLEDGE_KINDS as readonly string[]).includes(q.kind)) throw new SfsError('USAGE', `unknown knowledge kind "${q.kind}"`);
    return this.read((db) => ({
      project: p.key,
      entries: searchKnowledge(db, { project: p.key, query: q.query, kind: q.kind as KnowledgeKind | undefined, limit: q.limit ?? 50 }),
    }));
  }

  rules(arg?: string) {
    const p = this.projectOf(arg);
    return this.read((db) => ({ project: p.key, rules: getRules(db, p.key) }));
  }

  async captureStatus() {
    const files = daemonFiles(this.paths);
    const pid = runningDaemon(files);
    const st = pid ? readStatus(files) : null;
    return {
      running: !!pid,
      pid: pid?.pid ?? null,
      started_at: pid?.started_at ?? null,
      uptime_ms: pid ? Date.now() - Date.parse(pid.started_at) : null,
      status: st && st.pid === pid?.pid ? st : null,
    };
  }

  async doctor() {
    if (!this.hooks.doctor) throw new SfsError('NOT_FOUND', 'doctor is not available here');
    return this.hooks.doctor();
  }

  async syncStatus() {
    const creds = readCredentials(this.paths);
    if (!creds) return { signed_in: false };
    const settings = readSyncSettings(this.paths);
    return this.pool.use(async (store) => {
      const info = await store.log.info();
      const blocked = ((await store.log.getCursor<string[]>(BLOCKED_KEY)) ?? []).length;
      // The relay is not asked (reachable: null): the page must not wait on the network; `sfs sync status` asks it.
      return {
        signed_in: true,
        relay: creds.relay,
        username: creds.username,
        reachable: null,
        mode: settings.mode,
        watched: settings.watch.length,
        origin: info.origin,
        local_seq: info.origins[info.origin] ?? 0,
        dlp_blocked: blocked,
      };
    });
  }

  position() {
    return this.read((_db, store) => store.projections.position());
  }

  close() {
    return this.pool.close();
  }
}

/** Splits a search snippet's \u0002…\u0003 markers into plain text and match ranges. */
export function marks(snippet: string): { text: string; ranges: Array<[number, number]> } {
  let text = '';
  const ranges: Array<[number, number]> = [];
  let start = -1;
  for (const ch of snippet) {
    if (ch === '\u0002') start = text.length;
    else if (ch === '\u0003') {
      if (start >= 0) ranges.push([start, text.length]);
      start = -1;
    } else text += ch;
  }
  return { text, ranges };
}
