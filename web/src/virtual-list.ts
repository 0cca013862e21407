/**
 * Continuous virtual scrolling in the page's own scroll: a container as tall as all its rows,
 * holding only the rows near the viewport, absolutely placed. Row heights are measured once
 * rendered (and again when they change: a tool call opened, an image loaded); rows not seen yet
 * count as the average. When heights above the viewport change, the page is scrolled by the
 * difference, so what the reader looks at stays put. The DOM order of the rows is their order.
 */
export interface VirtualRow {
  el: HTMLElement;
  /** False for a placeholder (its data is still loading): its height is not recorded. */
  final: boolean;
}

export interface VirtualListOptions {
  render(pos: number): VirtualRow;
  /** Pixels rendered beyond each edge of the viewport. */
  overscan?: number;
  estimate?: number;
  /** The positions in view after each update (first and last, inclusive; -1 when empty). */
  onRange?(first: number, last: number): void;
}

export class VirtualList {
  private count = 0;
  private heights = new Float64Array(0);
  private tops = new Float64Array(1);
  private dirty = true;
  private measuredSum = 0;
  private measuredN = 0;
  private readonly rows = new Map<number, HTMLElement>();
  private readonly ro: ResizeObserver;
  private frame = 0;
  private readonly schedule = () => {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.update()));
  };

  constructor(
    private readonly el: HTMLElement,
    private readonly o: VirtualListOptions,
  ) {
    el.classList.add('vlist');
    this.ro = new ResizeObserver(this.schedule);
    window.addEventListener('scroll', this.schedule, { passive: true });
    window.addEventListener('resize', this.schedule);
  }

  get size(): number {
    return this.count;
  }

  private get average(): number {
    return this.measuredN ? this.measuredSum / this.measuredN : (this.o.estimate ?? 120);
  }

  private heightOf(p: number): number {
    const h = this.heights[p]!;
    return h > 0 ? h : this.average;
  }

  private layout(): void {
    if (!this.dirty) return;
    const tops = new Float64Array(this.count + 1);
    for (let p = 0; p < this.count; p++) tops[p + 1] = tops[p]! + this.heightOf(p);
    this.tops = tops;
    this.el.style.height = `${tops[this.count]}px`;
    this.dirty = false;
  }

  /** The position whose row spans `y` (container coordinates), clamped. */
  private find(y: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.tops[mid]! <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  private record(p: number, h: number): boolean {
    const old = this.heights[p]!;
    if (Math.abs(old - h) < 0.5) return false;
    if (old > 0) this.measuredSum -= old;
    else this.measuredN++;
    this.measuredSum += h;
    this.heights[p] = h;
    this.dirty = true;
    return true;
  }

  /** A new number of rows: rows at positions that still exist are kept unless `reset`. */
  setCount(n: number, reset = false): void {
    if (reset) {
      this.clearRows();
      this.heights = new Float64Array(n);
      this.measuredSum = 0;
      this.measuredN = 0;
    } else {
      const h = new Float64Array(n);
      h.set(this.heights.subarray(0, Math.min(n, this.heights.length)));
      this.heights = h;
      for (const p of this.rows.keys()) if (p >= n) this.drop(p);
    }
    this.count = n;
    this.dirty = true;
    this.schedule();
  }

  /** Renders these positions again (their data arrived or changed); all of them without an argument. */
  invalidate(positions?: Iterable<number>): void {
    if (!positions) this.clearRows();
    else for (const p of positions) this.drop(p);
    this.schedule();
  }

  rendered(p: number): HTMLElement | undefined {
    return this.rows.get(p)?.firstElementChild as HTMLElement | undefined;
  }

  private drop(p: number): void {
    const row = this.rows.get(p);
    if (!row) return;
    this.ro.unobserve(row);
    row.remove();
    this.rows.delete(p);
  }

  /** (Deleting from a Map while iterating it is defined: entries not reached yet are simply skipped.) */
  private clearRows(): void {
    for (const p of this.rows.keys()) this.drop(p);
  }

  private viewport(): { y0: number; y1: number } {
    const base = this.el.getBoundingClientRect().top + window.scrollY;
    const y0 = window.scrollY - base;
    return { y0, y1: y0 + window.innerHeight };
  }

  update(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (!this.count) {
      this.clearRows();
      this.layout();
      this.o.onRange?.(-1, -1);
      return;
    }
    const over = this.o.overscan ?? 800;
    for (let pass = 0; pass < 4; pass++) {
      this.layout();
      const { y0, y1 } = this.viewport();
      const first = this.find(Math.max(0, y0 - over));
      const last = this.find(y1 + over);
      const anchor = this.find(Math.max(0, y0));
      const atEnd = y0 > 0 && window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      const anchorTop = this.tops[anchor]!;
      for (const p of this.rows.keys()) if (p < first || p > last) this.drop(p);
      let prev: HTMLElement | null = null;
      for (let p = first; p <= last; p++) {
        let row = this.rows.get(p);
        if (!row) {
          const r = this.o.render(p);
          row = document.createElement('div');
          row.className = 'vrow';
          row.dataset.final = r.final ? '1' : '';
          row.style.top = `${this.tops[p]}px`;
          if (!r.final) row.style.height = `${this.heightOf(p)}px`;
          row.append(r.el);
          if (prev) prev.after(row);
          else this.el.prepend(row);
          this.rows.set(p, row);
          this.ro.observe(row);
        }
        prev = row;
      }
      let changed = false;
      for (const [p, row] of this.rows) if (row.dataset.final) changed = this.record(p, row.offsetHeight) || changed;
      this.layout();
      for (const [p, row] of this.rows) row.style.top = `${this.tops[p]}px`;
      if (!changed) break;
      // At the end the reader stays at the end (End key, following a live session); elsewhere rows
      // above the reader grew or shrank: move the page by as much, so the view does not jump.
      if (atEnd) window.scrollTo(0, document.documentElement.scrollHeight);
      else {
        const delta = this.tops[anchor]! - anchorTop;
        if (delta && y0 > 0) window.scrollBy(0, delta);
      }
    }
    const { y0, y1 } = this.viewport();
    this.o.onRange?.(this.find(Math.max(0, y0)), this.find(Math.max(0, y1 - 1)));
  }

  /** Scrolls so that row `p` is in view ('center', or its top under the bar with 'start', its bottom at the bottom with 'end'). */
  scrollTo(p: number, align: 'center' | 'start' | 'end' = 'center'): void {
    p = Math.max(0, Math.min(this.count - 1, p));
    // Twice: the first pass renders the rows there and measures them, the second lands on the measured place.
    for (let i = 0; i < 3; i++) {
      this.layout();
      const base = this.el.getBoundingClientRect().top + window.scrollY;
      const top = base + this.tops[p]!;
      const h = this.heightOf(p);
      const y = align === 'start' ? top - 80 : align === 'end' ? top + h - window.innerHeight + 16 : top + h / 2 - window.innerHeight / 2;
      window.scrollTo(0, Math.max(0, y));
      this.update();
    }
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    window.removeEventListener('scroll', this.schedule);
    window.removeEventListener('resize', this.schedule);
    this.ro.disconnect();
  }
}
