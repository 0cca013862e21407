import type { Store } from '../store.js';

/**
 * How far the projections may fall behind a process that keeps appending (an import, the
 * daemon's start-up catch-up) before it folds what it appended: large enough that the fold
 * runs in big transactions, small enough that what it reads back stays a few MB.
 */
export const FOLLOW_LAG_EVENTS = 2000;

/**
 * Keeps the projections close behind the log while this process appends to it, in the same
 * process and in bounded steps, so that when the work returns the next command has nothing
 * to fold (issue 11: the first `sfs list` after an import used to fold the whole import).
 * Call nudge() after each append and finish() at the end. One catch-up runs at a time; a
 * failed one is reported by finish().
 */
export class ProjectionFollower {
  private running: Promise<void> | null = null;
  private failure: { err: unknown } | null = null;

  constructor(
    private readonly store: Store,
    private readonly lag = FOLLOW_LAG_EVENTS,
  ) {}

  /** Something was appended: fold in the background once the projections are `lag` events behind. */
  nudge(): void {
    if (this.running || this.failure) return;
    this.running = this.step().finally(() => (this.running = null));
  }

  private async step(): Promise<void> {
    try {
      if ((await this.store.log.head()) - this.store.projections.position() < this.lag) return;
      await this.store.catchUp(this.lag);
    } catch (err) {
      this.failure = { err };
    }
  }

  /** Waits for the catch-up under way and folds everything left; throws what a catch-up threw. */
  async finish(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure.err;
    await this.store.catchUp();
  }

  /** Waits for the catch-up under way, if any, ignoring its failure (when the work itself failed). */
  async settle(): Promise<void> {
    await this.running;
  }
}
