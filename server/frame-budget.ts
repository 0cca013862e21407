/**
 * Bytes of received sync frames not yet handled, over the whole relay process. A socket that
 * receives a frame while the total is past the budget stops reading (ws pause: TCP pushes back
 * on the client) until handled frames bring it under again, so a burst of big pushes waits in the
 * clients' and the kernel's buffers instead of in this process's memory.
 */
/** A frame this large is part of a bulk sync (a catch-up's batches), not one live capture's events. */
export const BULK_FRAME_BYTES = 64 * 1024;

export class FrameBudget {
  private used = 0;
  /** When the last frame of at least BULK_FRAME_BYTES arrived (a bulk sync, not a live capture's trickle). */
  private lastBulkAt = -Infinity;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limit: number) {}

  /** A frame of n bytes arrived; `pause` is called when the budget is now spent, `resume` once it has room again. */
  take(n: number, pause: () => void, resume: () => void): void {
    this.used += n;
    if (n >= BULK_FRAME_BYTES) this.lastBulkAt = Date.now();
    if (this.used <= this.limit) return;
    pause();
    this.waiting.add(resume);
  }

  /** A frame of n bytes was handled (or dropped). */
  release(n: number): void {
    this.used -= n;
    if (this.used > this.limit) return;
    const all = [...this.waiting];
    this.waiting.clear();
    for (const resume of all) resume();
  }

  /** Whether a bulk frame arrived in the last `ms`. */
  bulkWithin(ms: number): boolean {
    return Date.now() - this.lastBulkAt < ms;
  }

  get inUse(): number {
    return this.used;
  }
}
