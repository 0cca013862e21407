import type { Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { catchUpSpace, laggingSpaces, type ApplyOptions } from './apply.js';
import { insertLimitsOf } from '../db/open.js';

export interface ApplierOptions extends ApplyOptions {
  /**
   * A space is folded this long after its first unfolded notification (default 100 ms): the pushes
   * that arrive meanwhile are folded with it in one transaction, not one small fold per push
   * competing with the pushes for the database and the CPU, and a steady trickle of pushes is
   * searchable within about this long.
   */
  batchMs?: number;
  /**
   * While the relay is busy with a bulk sync, a due fold waits for a gap, but never longer than this after the first
   * unfolded notification (default 5 s); it then folds one small batch (busyBatch, one transaction) and, if the relay
   * is still busy, waits again. A fold costs far more than storing the events (the messages' text search: ~0.5 ms an event of
   * PostgreSQL CPU, ~15× a COPY of them): folded through to the end during a bulk sync, it took a share of the two
   * cores the sync needed.
   */
  maxDelayMs?: number;
  /** Events in the one batch folded while busy (default a quarter of the database's foldEvents: 500 on PostgreSQL, 25 on PGlite). */
  busyBatch?: number;
  /** Whether this process is busy with a bulk sync now (large frames arriving): a due fold waits for a gap, up to maxDelayMs. */
  busy?: () => boolean;
  onError?: (err: unknown, space: string) => void;
}

/**
 * Keeps this process folding the spaces whose events were committed (NOTIFY) into their views.
 * Notifications are coalesced per space (batchMs, maxDelayMs, busy); then at most one catch-up runs
 * here per space and one more is queued, however many notifications arrive meanwhile; the
 * position row lock decides between processes (apply.ts).
 */
export class ViewApplier {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Spaces waiting for their batch window: the timer, and when the first notification came. */
  private readonly waiting = new Map<string, { timer: NodeJS.Timeout; since: number }>();
  private closed = false;
  /** Events this process folded (metrics). */
  applied = 0;

  constructor(
    private readonly db: Kysely<RelayDb>,
    private readonly opts: ApplierOptions = {},
  ) {}

  /** A notification's payload: a space id, or '*' (notifications may have been lost). */
  wake(space: string): void {
    if (this.closed) return;
    if (space === '*') return void this.wakeAll();
    // Already waiting: this notification's events are folded with the first one's.
    if (this.waiting.has(space)) return;
    this.arm(space, Date.now(), this.opts.batchMs ?? 100);
  }

  private arm(space: string, since: number, delay: number): void {
    const timer = setTimeout(() => this.due(space), delay);
    timer.unref();
    this.waiting.set(space, { timer, since });
  }

  /** The batch window is over: fold, unless a bulk sync is being handled and the space may still wait. */
  private due(space: string): void {
    const w = this.waiting.get(space);
    if (!w) return;
    const left = w.since + (this.opts.maxDelayMs ?? 5000) - Date.now();
    if (left > 0 && this.opts.busy?.()) return this.arm(space, w.since, Math.min(left, 20));
    this.start(space);
  }

  /** Folds a space now (or once its running catch-up ends). */
  private start(space: string): void {
    const w = this.waiting.get(space);
    if (w) clearTimeout(w.timer);
    this.waiting.delete(space);
    if (this.closed) return;
    if (this.running.has(space)) {
      this.again.add(space);
      return;
    }
    const run = (async () => {
      // A bulk sync still arriving: one batch, then the space waits again (from now) for a gap or its limit.
      let cut = false;
      const stopAfterBatch = () => (cut = !this.closed && !!this.opts.busy?.());
      const busy = !!this.opts.busy?.();
      const batch = busy ? (this.opts.busyBatch ?? Math.max(1, Math.floor((this.opts.batch ?? insertLimitsOf(this.db).foldEvents) / 4))) : this.opts.batch;
      try {
        do {
          this.again.delete(space);
          this.applied += await catchUpSpace(this.db, space, { ...this.opts, batch, stopAfterBatch });
        } while (!cut && this.again.has(space) && !this.closed);
      } catch (err) {
        if (!this.closed) this.opts.onError?.(err, space);
      } finally {
        this.running.delete(space);
      }
      if (cut && !this.closed && !this.waiting.has(space)) this.arm(space, Date.now(), this.opts.batchMs ?? 100);
    })();
    this.running.set(space, run);
  }

  /** Catches up every space that is behind (on start: what was committed while no relay was folding). */
  async wakeAll(): Promise<void> {
    for (const s of await laggingSpaces(this.db)) this.wake(s);
  }

  /** Folds what is waiting for its batch window now, and resolves once nothing is running or queued here. */
  async idle(): Promise<void> {
    for (;;) {
      for (const s of this.waiting.keys()) this.start(s); // start() deletes the entry: safe while iterating a Map
      if (!this.running.size) return;
      await Promise.allSettled(this.running.values());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    await Promise.allSettled(this.running.values());
    while (this.running.size) await Promise.allSettled(this.running.values());
  }
}
