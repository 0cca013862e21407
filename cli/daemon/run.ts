import { existsSync, rmSync, unwatchFile, watchFile } from 'node:fs';
import { sep } from 'node:path';
import {
  captureSource,
  type CaptureOptions,
  type AdapterEnv,
  type ToolAdapter,
  watchPlan,
  type WatchPlan,
  groupMessage,
  groupProblems,
  CaptureScheduler,
  unchangedSplit,
  refreshStampCopy,
  forgetStampCopy,
  type CaptureJob,
  type JobOutcome,
  configFile,
  loadConfig,
  SfsError,
  type SfsPaths,
  type SyncHandle,
  Store,
  DirListing,
  withListing,
  readCredentials,
  readSyncSettings,
  startSync,
  toolHealth,
  type ToolHealth,
  warningKey,
} from '../../engine/index.js';
import { daemonFiles, type DaemonFiles } from './files.js';
import { HeapReleaser, releaseHeap } from './heap.js';
import { acquireDaemonLock, readPidFile } from './lock.js';
import { JsonLog } from './logger.js';
import { writeStatus, type DaemonStatus, type ToolStatus } from './status.js';
import { DirWatcher } from './watcher.js';

/**
 * The capture daemon (`sfs daemon run`). Start-up: take the single-instance lock, open
 * the store (owner if nobody else holds it, guest otherwise), watch the enabled tools'
 * store directories, then catch up by capturing every source once from its cursor.
 * After that each changed file is mapped to its source, debounced and captured. Config
 * changes (file or SIGHUP) re-plan the watches; SIGTERM/SIGINT finish the capture under
 * way, close the store and release the lock.
 */
export interface DaemonOptions {
  adapters: readonly ToolAdapter[];
  env: AdapterEnv;
  /** Also print log lines on stderr (foreground runs). */
  echo?: boolean;
  statusEveryMs?: number;
  rescanEveryMs?: number;
}

const RECENT_PROBLEMS = 10;
/** While captures keep coming, the projections are caught up at least this often. */
const INDEX_EVERY_MS = 1000;
/** Each tool's health (versions, stores, sources that yield nothing, unknown records) is re-checked at most this often. */
const HEALTH_EVERY_MS = 5000;

interface ToolStats {
  sessions: Set<string>;
  messagesAdded: number;
  lastCaptureAt: string | null;
  errors: number;
  recent: ToolStatus['recent_problems'];
}

export async function runDaemon(paths: SfsPaths, opts: DaemonOptions): Promise<void> {
  const files = daemonFiles(paths);
  // `sfs watcher` may send SIGHUP as soon as the pid file exists: it must never end the daemon.
  const ignoreHup = () => undefined;
  process.on('SIGHUP', ignoreHup);
  const lock = await acquireDaemonLock(files);
  if (!lock) {
    process.off('SIGHUP', ignoreHup);
    const other = readPidFile(files);
    throw new SfsError('CONFLICT', `a daemon is already running${other ? ` (pid ${other.pid})` : ''} for ${files.dir}`);
  }
  const log = new JsonLog(files.log, undefined, opts.echo ? (l) => process.stderr.write(l) : undefined);
  const d = new Daemon(paths, files, opts, log);
  try {
    await d.run();
  } catch (err) {
    log.error('daemon failed', { error: (err as Error).message });
    throw err;
  } finally {
    rmSync(files.status, { force: true });
    await lock.release();
    log.info('stopped', { pid: process.pid });
    process.off('SIGHUP', ignoreHup);
  }
}

class Daemon {
  private store!: Store;
  private sync: SyncHandle | undefined;
  private autosync: DaemonStatus['autosync'];
  private scheduler!: CaptureScheduler;
  private watcher!: DirWatcher;
  private plan: WatchPlan[] = [];
  private readonly stats = new Map<string, ToolStats>();
  private readonly byTool: Map<string, ToolAdapter>;
  private phase: DaemonStatus['phase'] = 'catching-up';
  private readonly startedAt = new Date().toISOString();
  private stopping: Promise<void> | undefined;
  private replanning: Promise<void> = Promise.resolve();
  private stopRequested!: () => void;
  /** From the config, re-read at every re-plan. */
  private captureOpts: CaptureOptions = {};
  /** Sources the catch-ups found unchanged (not read). */
  private unchanged = 0;
  /** Sources captured since their stamps were last copied (refreshStampCopy): after the catch-up and at shutdown. */
  private readonly captured = new Map<string, { tool: string; path: string }>();
  /** Sources known per tool (listed by a catch-up or changed since), read or not. */
  private readonly known = new Map<string, Set<string>>();
  /** The catch-up of the projections under way (see index()), and when the last one ended. */
  private indexing: Promise<void> | undefined;
  private indexedAt = Date.now();
  private indexWhenIdle = false;
  /** Per tool, the last health check; warnings already logged, by key. */
  private readonly health = new Map<string, ToolHealth>();
  private readonly warned = new Set<string>();
  /** Tools that captured something since their cursors were last checked: only theirs are read again. */
  private readonly cursorsDirty = new Set<string>();
  private healthDirty = true;
  private healthAt = 0;
  private checkingHealth: Promise<void> | undefined;
  private readonly heap = new HeapReleaser();

  constructor(
    private readonly paths: SfsPaths,
    private readonly files: DaemonFiles,
    private readonly opts: DaemonOptions,
    private readonly log: JsonLog,
  ) {
    this.byTool = new Map(opts.adapters.map((a) => [a.tool, a]));
    for (const a of opts.adapters) this.stats.set(a.tool, { sessions: new Set(), messagesAdded: 0, lastCaptureAt: null, errors: 0, recent: [] });
  }

  async run(): Promise<void> {
    const stopped = new Promise<void>((resolve) => (this.stopRequested = resolve));
    const onSignal = (sig: string) => {
      this.log.info('signal', { signal: sig });
      this.stopRequested();
    };
    const onTerm = () => onSignal('SIGTERM');
    const onInt = () => onSignal('SIGINT');
    const onHup = () => this.replan('SIGHUP');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    process.on('SIGHUP', onHup);
    this.log.info('starting', { pid: process.pid, state_dir: this.files.dir, data_dir: this.paths.dataDir });
    this.store = await Store.open(this.paths, {
      onRoleChange: (role) => this.log.info('store role', { role }),
      // The daemon keeps the store open: it must not hold the read-only full-disk fallback (an exclusive lock).
      readWhenFull: false,
      onWarning: (line) => this.log.warn(line),
    });
    this.scheduler = new CaptureScheduler({
      run: (job) => this.capture(job),
      onChange: (e) => {
        const fields = { tool: e.job.tool, path: e.job.source.path, failures: e.failures, error: e.error };
        if (e.type === 'recovered') this.log.info('source recovered', fields);
        else if (e.type === 'quarantined') this.log.error('source quarantined', fields);
        else this.log.warn('source failed', { ...fields, retry_in_ms: e.retryInMs });
      },
    });
    this.watcher = new DirWatcher(
      (p) => this.changed(p),
      (dir, err) => this.log.warn('watch error', { dir, error: err.message }),
    );
    const cfg = configFile(this.paths);
    watchFile(cfg, { interval: 1000 }, () => this.replan('config changed'));
    const statusTimer = setInterval(() => {
      if (this.healthDirty && Date.now() - this.healthAt >= HEALTH_EVERY_MS) void this.checkHealth();
      this.writeStatus();
      // Events that arrived without a capture (sync pulls them in) are folded here.
      if (this.phase === 'watching') {
        void this.index();
        // Memory a later burst grew is given back once it is over (the daemon runs without V8's memory reducer: heap.ts).
        if (!Object.keys(this.scheduler.depth()).length) this.heap.maybeRelease();
      }
    }, this.opts.statusEveryMs ?? 2000);
    // Stores that appear later (a tool installed while we run) are picked up by a re-plan.
    const rescanTimer = setInterval(() => this.replan(), this.opts.rescanEveryMs ?? 30_000);
    try {
      await this.replan('start');
      this.writeStatus();
      const toRead = Object.values(this.scheduler.seen()).reduce((a, b) => a + b, 0);
      this.log.info('catching up', { sources: toRead + this.unchanged, to_read: toRead, unchanged: this.unchanged });
      void this.scheduler.idle().then(async () => {
        if (this.phase !== 'catching-up') return;
        this.phase = 'watching';
        this.log.info('caught up; watching', { dirs: this.watcher.watching() });
        await this.copyStamps();
        forgetStampCopy();
        await this.checkHealth();
        this.writeStatus();
        releaseHeap();
        this.heap.released();
      });
      await stopped;
    } finally {
      this.phase = 'stopping';
      clearInterval(statusTimer);
      clearInterval(rescanTimer);
      unwatchFile(cfg);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      this.stopping ??= this.shutdown();
      await this.stopping;
    }
  }

  private async shutdown(): Promise<void> {
    this.writeStatus();
    await this.replanning.catch(() => undefined);
    await this.watcher?.close();
    await this.scheduler?.stop();
    await this.copyStamps();
    await this.indexing;
    await this.checkingHealth;
    await this.sync?.stop().catch(() => undefined);
    this.sync = undefined;
    await this.store?.close();
  }

  /**
   * Continuous sync runs only when this store is signed in to a relay and autosync is on
   * (`sfs sync auto --mode all|selective`): sync is opt-in, signing in alone sends nothing.
   * Signing in or out and mode changes are noticed at the next re-plan (SIGHUP: at once).
   */
  private async reconcileSync(): Promise<void> {
    if (this.phase === 'stopping') return;
    const creds = readCredentials(this.paths);
    const mode = creds ? readSyncSettings(this.paths).mode : 'off';
    const wanted = !!creds && mode !== 'off';
    if (wanted && !this.sync) {
      this.sync = startSync(this.store, { log: (line, fields) => this.log.info(`sync: ${line}`, fields ?? {}) });
      this.log.info('sync started', { relay: creds!.relay, mode });
    } else if (!wanted && this.sync) {
      await this.sync.stop();
      this.sync = undefined;
      this.log.info(creds ? 'sync stopped (autosync off)' : 'sync stopped (signed out)');
    }
    const seen = { signed_in: !!creds, mode };
    if (this.autosync?.signed_in !== seen.signed_in || this.autosync?.mode !== seen.mode) {
      this.autosync = seen;
      if (this.scheduler) this.writeStatus();
    }
  }

  /** Re-reads the config and store presence; watches what is enabled, catches up tools newly watched. */
  private replan(reason?: string): Promise<void> {
    this.replanning = this.replanning.then(() => this.doReplan(reason)).catch((err) => this.log.error('re-plan failed', { error: (err as Error).message }));
    return this.replanning;
  }

  private async doReplan(reason?: string): Promise<void> {
    if (this.phase === 'stopping') return;
    await this.reconcileSync().catch((err) => this.log.error('sync not started', { error: (err as Error).message }));
    let config;
    try {
      config = loadConfig(this.paths);
    } catch (err) {
      this.log.error('config not read; keeping the current watches', { error: (err as Error).message });
      return;
    }
    this.captureOpts = { maxLineBytes: Number(config['capture.max_line_bytes']) };
    const before = new Set(this.plan.filter((p) => p.watched).map((p) => p.tool));
    const beforeDirs = new Set(this.plan.filter((p) => p.watched).flatMap((p) => p.existing));
    this.plan = watchPlan(this.opts.adapters, config, this.opts.env);
    this.healthDirty = true;
    const watched = this.plan.filter((p) => p.watched);
    // The watcher's set-up lists each new directory once; the catch-ups below reuse those listings.
    const listing = new DirListing();
    await this.watcher.set(
      watched.flatMap((p) => p.existing),
      listing,
    );
    const fresh = watched.filter((p) => !before.has(p.tool) || p.existing.some((d) => !beforeDirs.has(d)));
    const changed = fresh.length > 0 || before.size !== watched.length;
    if (reason && (changed || reason === 'SIGHUP' || reason === 'start')) {
      this.log.info('watching', { reason, tools: watched.map((p) => p.tool), dirs: this.watcher.watching() });
    }
    for (const p of fresh) await this.catchUp(p.tool, listing);
    listing.clear();
  }

  private async catchUp(tool: string, listing: DirListing): Promise<void> {
    const adapter = this.byTool.get(tool)!;
    const scan = withListing(this.opts.env, listing);
    let sources;
    try {
      sources = await adapter.listSources(scan);
    } catch (err) {
      this.problem(tool, { path: adapter.storeDirs(this.opts.env)[0] ?? tool, message: `could not list sessions: ${(err as Error).message}` });
      return;
    }
    // Sources exactly as at their last complete read are not opened: a restart with nothing new costs a stat each.
    const { changed, unchanged } = await unchangedSplit(
      this.store,
      sources.map((source) => ({ adapter, source })),
      scan,
    );
    this.unchanged += unchanged.length;
    const known = this.knownOf(tool);
    for (const s of sources) known.add(s.path);
    for (const { source } of changed) this.scheduler.mark({ tool, source }, 0);
  }

  private changed(path: string): void {
    for (const p of this.plan) {
      if (!p.watched || !p.existing.some((d) => path === d || path.startsWith(d.endsWith(sep) ? d : d + sep))) continue;
      const source = this.byTool.get(p.tool)!.sourceFor(path, this.opts.env);
      if (!source) continue;
      this.knownOf(p.tool).add(source.path);
      this.scheduler.mark({ tool: p.tool, source });
    }
  }

  private knownOf(tool: string): Set<string> {
    let s = this.known.get(tool);
    if (!s) this.known.set(tool, (s = new Set()));
    return s;
  }

  /** The next start finds what this daemon captured unchanged without asking the log. */
  private async copyStamps(): Promise<void> {
    if (!this.store || !this.captured.size) return;
    const sources = [...this.captured.values()];
    this.captured.clear();
    await refreshStampCopy(this.store, sources).catch((err: unknown) => this.log.warn('stamps not copied', { error: (err as Error).message }));
  }

  private async capture(job: CaptureJob): Promise<JobOutcome> {
    const adapter = this.byTool.get(job.tool)!;
    const r = await captureSource(this.store, adapter, job.source, this.opts.env, this.captureOpts);
    this.captured.set(`${job.tool}\0${job.source.path}`, { tool: job.tool, path: job.source.path });
    await this.afterCapture();
    const s = this.stats.get(job.tool)!;
    this.healthDirty = true;
    this.cursorsDirty.add(job.tool);
    for (const id of r.sessions) s.sessions.add(id);
    s.messagesAdded += r.messagesAdded;
    if (!r.failed) s.lastCaptureAt = new Date().toISOString();
    // One warning per file and kind of problem, with a count: a file with hundreds of bad lines is one line.
    for (const g of groupProblems(r.problems))
      this.problem(job.tool, { path: g.path, ...(g.where ? { where: g.where } : {}), message: groupMessage(g) }, g.count);
    if (r.messagesAdded || r.messagesRevised || r.sessionsNew) {
      this.log.info('captured', {
        tool: job.tool,
        path: job.source.path,
        messages_added: r.messagesAdded,
        messages_revised: r.messagesRevised,
        sessions_new: r.sessionsNew,
      });
    }
    return r.failed ? { failed: true, error: r.problems[r.problems.length - 1]?.message } : { failed: false };
  }

  /**
   * Keeps the projections caught up with what the daemon captures, so a command answers at once
   * instead of folding it first: everything as soon as the queue is empty, and while it is not
   * (the start-up catch-up, a file written non-stop) at least every INDEX_EVERY_MS, in one
   * transaction per step rather than one per source.
   */
  private async afterCapture(): Promise<void> {
    if (Date.now() - this.indexedAt >= INDEX_EVERY_MS) await this.index();
    if (this.indexWhenIdle) return;
    this.indexWhenIdle = true;
    void this.scheduler.idle().then(() => {
      this.indexWhenIdle = false;
      return this.index();
    });
  }

  /** Folds everything the log holds beyond the projections (one catch-up at a time); a failure is logged, capture goes on. */
  private index(): Promise<void> {
    if (this.phase === 'stopping') return Promise.resolve();
    this.indexing = (this.indexing ?? Promise.resolve())
      .then(() => this.store.catchUp())
      .catch((err: unknown) => this.log.warn('projections not updated', { error: (err as Error).message }))
      .finally(() => (this.indexedAt = Date.now()));
    return this.indexing;
  }

  /**
   * Re-checks every tool's health from the stored capture cursors (no file is read), and logs
   * each warning the first time it appears: a warning is an event in the log, not only a line
   * in a status file someone may never look at.
   */
  private checkHealth(): Promise<void> {
    if (this.checkingHealth) return this.checkingHealth;
    this.healthDirty = false;
    this.healthAt = Date.now();
    this.checkingHealth = (async () => {
      for (const a of this.opts.adapters) {
        if (this.phase === 'stopping') return;
        const known = [...(this.known.get(a.tool) ?? [])].map((path) => ({ path, style: 'rewrite' as const }));
        // The cursors (sources never captured, empty ones, unknown records) change only by a capture:
        // a periodic re-check of an idle daemon reads none of them (at 20,000 sessions that read cost ~1 % of a core).
        const prev = this.health.get(a.tool);
        const reread = !prev || this.cursorsDirty.has(a.tool) || prev.sources_on_disk !== known.length;
        const h = await toolHealth(a, this.opts.env, { log: reread ? this.store.log : null, sources: known });
        if (reread) this.cursorsDirty.delete(a.tool);
        if (!reread && h.store_found) {
          h.sources_uncaptured = prev.sources_uncaptured;
          h.unknown_records = prev.unknown_records;
          h.warnings.push(...prev.warnings.filter((w) => w.kind === 'empty-source' || w.kind === 'unknown-record'));
        }
        this.health.set(a.tool, h);
        for (const w of h.warnings) {
          const key = warningKey(w);
          if (this.warned.has(key)) continue;
          this.warned.add(key);
          this.log.warn('capture warning', {
            tool: w.tool,
            kind: w.kind,
            path: w.path,
            ...(w.record_type ? { record_type: w.record_type } : {}),
            ...(w.count ? { count: w.count } : {}),
            message: w.message,
          });
        }
      }
    })()
      .catch((err: unknown) => this.log.warn('tool health not checked', { error: (err as Error).message }))
      .finally(() => (this.checkingHealth = undefined));
    return this.checkingHealth;
  }

  private problem(tool: string, p: { path: string; where?: string; message: string }, count = 1): void {
    const s = this.stats.get(tool)!;
    s.errors += count;
    s.recent.push({ at: new Date().toISOString(), ...p, ...(count > 1 ? { count } : {}) });
    if (s.recent.length > RECENT_PROBLEMS) s.recent.shift();
    this.log.warn('problem', { tool, ...p, ...(count > 1 ? { count } : {}) });
  }

  private writeStatus(): void {
    const depth = this.scheduler?.depth() ?? {};
    const quarantined = this.scheduler?.quarantined() ?? [];
    const status: DaemonStatus = {
      pid: process.pid,
      started_at: this.startedAt,
      updated_at: new Date().toISOString(),
      phase: this.phase,
      store_role: this.store?.log.role ?? 'guest',
      sync: this.sync ? this.sync.status() : null,
      autosync: this.autosync,
      log_file: this.files.log,
      tools: this.plan.map((p) => {
        const s = this.stats.get(p.tool)!;
        const h = this.health.get(p.tool);
        return {
          tool: p.tool,
          display_name: p.displayName,
          setting: p.setting,
          watched: p.watched,
          store_found: p.found,
          store_dirs: p.existing,
          sources_seen: this.known.get(p.tool)?.size ?? 0,
          sessions_captured: s.sessions.size,
          messages_added: s.messagesAdded,
          last_capture_at: s.lastCaptureAt,
          errors: s.errors,
          recent_problems: s.recent,
          queue_depth: depth[p.tool] ?? 0,
          quarantined: quarantined.filter((q) => q.tool === p.tool),
          installed_version: h?.installed_version ?? null,
          newest_tested: h?.newest_tested ?? this.byTool.get(p.tool)!.newestTested,
          unknown_records: h?.unknown_records ?? {},
          warnings: h?.warnings ?? [],
        };
      }),
    };
    try {
      writeStatus(this.files, status);
    } catch (err) {
      this.log.error('status not written', { error: (err as Error).message });
      // The state directory was removed: nobody can find or stop this daemon any more, so it ends.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(this.files.dir)) this.stopRequested?.();
    }
  }
}
