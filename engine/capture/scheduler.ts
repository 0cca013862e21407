import type { CaptureSource } from './contract.js';

/**
 * The daemon's work queue: one entry per source, never one per file-system event, so
 * memory stays bounded by the number of sources however noisy the watcher is. Bursts
 * are debounced per source (with a ceiling so a file written non-stop is still read),
 * one capture runs at a time, a failing source backs off exponentially and after
 * `quarantineAfter` failures in a row is quarantined: it is then tried again only when
 * it changes, at most once per `quarantineRetryMs`.
 */
export interface CaptureJob {
  tool: string;
  source: CaptureSource;
}

export interface JobOutcome {
  failed: boolean;
  error?: string;
}

export interface SchedulerOptions {
  run(job: CaptureJob): Promise<JobOutcome>;
  /** Told when a source fails, is quarantined or recovers (for the daemon's log). */
  onChange?(event: { type: 'failed' | 'quarantined' | 'recovered'; job: CaptureJob; failures: number; error?: string; retryInMs?: number }): void;
  debounceMs?: number;
  maxWaitMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  quarantineAfter?: number;
  quarantineRetryMs?: number;
}

interface Entry {
  job: CaptureJob;
  pending: boolean;
  dueAt: number;
  firstMarkAt: number;
  running: boolean;
  /** Marked while its capture was running: run again afterwards. */
  again: boolean;
  failures: number;
  lastError: string | null;
  quarantinedAt: number | null;
  lastAttemptAt: number;
}

export interface QuarantinedSource {
  tool: string;
  path: string;
  failures: number;
  error: string | null;
  since: string;
}

const key = (job: CaptureJob) => `${job.tool}\0${job.source.path}`;

export class CaptureScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly o: Required<Omit<SchedulerOptions, 'onChange'>> & Pick<SchedulerOptions, 'onChange'>;

  constructor(opts: SchedulerOptions) {
    this.o = {
      debounceMs: 300,
      maxWaitMs: 2000,
      retryBaseMs: 1000,
      retryMaxMs: 5 * 60_000,
      quarantineAfter: 5,
      quarantineRetryMs: 10 * 60_000,
      ...opts,
    };
  }

  /** A source changed (or must be caught up: delayMs 0). */
  mark(job: CaptureJob, delayMs = this.o.debounceMs): void {
    if (this.stopped) return;
    const k = key(job);
    const now = Date.now();
    let e = this.entries.get(k);
    if (!e) {
      e = { job, pending: false, dueAt: 0, firstMarkAt: 0, running: false, again: false, failures: 0, lastError: null, quarantinedAt: null, lastAttemptAt: 0 };
      this.entries.set(k, e);
    }
    if (e.quarantinedAt !== null && now - e.lastAttemptAt < this.o.quarantineRetryMs) return;
    if (e.running) {
      e.again = true;
      return;
    }
    if (e.pending) {
      // A source waiting out a back-off keeps its retry time: changes never speed up retries.
      if (e.failures > 0) return;
      e.dueAt = Math.min(now + delayMs, e.firstMarkAt + this.o.maxWaitMs);
    } else {
      e.pending = true;
      e.firstMarkAt = now;
      e.dueAt = now + delayMs;
      this.pending.add(k);
    }
    this.pump();
  }

  /** Sources waiting to be captured, per tool. */
  depth(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of this.pending) {
      const t = this.entries.get(k)!.job.tool;
      out[t] = (out[t] ?? 0) + 1;
    }
    return out;
  }

  quarantined(): QuarantinedSource[] {
    const out: QuarantinedSource[] = [];
    for (const e of this.entries.values()) {
      if (e.quarantinedAt !== null)
        out.push({ tool: e.job.tool, path: e.job.source.path, failures: e.failures, error: e.lastError, since: new Date(e.quarantinedAt).toISOString() });
    }
    return out;
  }

  /** Sources known to the queue, per tool (everything ever marked). */
  seen(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries.values()) out[e.job.tool] = (out[e.job.tool] ?? 0) + 1;
    return out;
  }

  /** Resolves when nothing is due, waiting or running (back-offs and quarantines aside). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work, and waits for the capture under way to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private isIdle(): boolean {
    if (this.current) return false;
    for (const k of this.pending) if (this.entries.get(k)!.failures === 0) return false;
    return true;
  }

  private pump(): void {
    if (this.stopped || this.current) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    let next: Entry | undefined;
    let soonest = Infinity;
    for (const k of this.pending) {
      const e = this.entries.get(k)!;
      if (e.dueAt <= now) {
        next = e;
        break;
      }
      soonest = Math.min(soonest, e.dueAt);
    }
    if (!next) {
      if (soonest < Infinity) this.timer = setTimeout(() => this.pump(), soonest - now);
      this.notifyIdle();
      return;
    }
    this.current = this.runEntry(next).finally(() => {
      this.current = undefined;
      this.pump();
    });
  }

  private async runEntry(e: Entry): Promise<void> {
    this.pending.delete(key(e.job));
    e.pending = false;
    e.running = true;
    e.again = false;
    e.lastAttemptAt = Date.now();
    let outcome: JobOutcome;
    try {
      outcome = await this.o.run(e.job);
    } catch (err) {
      outcome = { failed: true, error: (err as Error)?.message ?? String(err) };
    }
    e.running = false;
    if (!outcome.failed) {
      if (e.failures > 0) this.o.onChange?.({ type: 'recovered', job: e.job, failures: e.failures });
      e.failures = 0;
      e.lastError = null;
      e.quarantinedAt = null;
      if (e.again) this.requeue(e, this.o.debounceMs);
      return;
    }
    e.failures++;
    e.lastError = outcome.error ?? 'capture failed';
    if (e.failures >= this.o.quarantineAfter) {
      e.quarantinedAt = Date.now();
      this.o.onChange?.({ type: 'quarantined', job: e.job, failures: e.failures, error: e.lastError });
      return;
    }
    const wait = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** (e.failures - 1));
    this.o.onChange?.({ type: 'failed', job: e.job, failures: e.failures, error: e.lastError, retryInMs: wait });
    this.requeue(e, wait);
  }

  private requeue(e: Entry, delayMs: number): void {
    if (this.stopped) return;
    e.pending = true;
    e.firstMarkAt = Date.now();
    e.dueAt = e.firstMarkAt + delayMs;
    this.pending.add(key(e.job));
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
