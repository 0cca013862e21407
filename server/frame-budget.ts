/**
 * Bytes of received sync frames not yet handled, over the whole relay process. A socket that
 * receives a frame while the total is past the budget stops reading (ws pause: TCP pushes back
 * on the client) until handled frames bring it under again, so a burst of big pushes waits in the
 * clients' and the kernel's buffers instead of in this process's memory.
 */
export class FrameBudget {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limit: number) {}

  /** A frame of n bytes arrived; `pause` is called when the budget is now spent, `resume` once it has room again. */
  take(n: number, pause: () => void, resume: () => void): void {
    this.used += n;
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

  get inUse(): number {
    return this.used;
  }
}
