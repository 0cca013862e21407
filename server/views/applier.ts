import type { Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { allSpaces, catchUpSpace, type ApplyOptions } from './apply.js';

/**
 * Keeps this process folding the spaces whose events were committed (NOTIFY) into their views.
 * Per space at most one catch-up runs here and one more is queued, however many notifications
 * arrive meanwhile; the position row lock decides between processes (apply.ts).
 */
export class ViewApplier {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private closed = false;
  /** Events this process folded (metrics). */
  applied = 0;

  constructor(
    private readonly db: Kysely<RelayDb>,
    private readonly opts: ApplyOptions & { onError?: (err: unknown, space: string) => void } = {},
  ) {}

  /** A notification's payload: a space id, or '*' (notifications may have been lost). */
  wake(space: string): void {
    if (this.closed) return;
    if (space === '*') return void this.wakeAll();
    if (this.running.has(space)) {
      this.again.add(space);
      return;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(space);
          this.applied += await catchUpSpace(this.db, space, this.opts);
        } while (this.again.has(space) && !this.closed);
      } catch (err) {
        if (!this.closed) this.opts.onError?.(err, space);
      } finally {
        this.running.delete(space);
      }
    })();
    this.running.set(space, run);
  }

  /** Catches every space up (on start: what was committed while no relay was folding). */
  async wakeAll(): Promise<void> {
    for (const s of await allSpaces(this.db)) this.wake(s);
  }

  /** Resolves once nothing is running or queued here. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled(this.running.values());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }
}
