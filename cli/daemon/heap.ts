import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * An idle daemon should hold about its live heap, not the heap its catch-up grew to, and spend
 * nothing while idle. At 20,000 sessions the live heap after the catch-up is ~20 MB, but:
 * - V8 doubles the young generation while the catch-up keeps what it reads (keepYoungGenerationSmall);
 * - a plain full collection frees old-space objects but keeps their pages (old space stayed at
 *   46 MB for 17 MB live, the process at ~140 MB RSS);
 * - V8's memory reducer gives those pages back, but only ~8 s later and with up to three more
 *   full collections: most of the idle daemon's CPU in its first minute (0.7-0.85 % of a core
 *   over 20 s, against 0.2 % without it).
 * So the daemon compacts the heap itself once a burst is over (releaseHeap), and `sfs daemon
 * start` runs it with the memory reducer off (DAEMON_NODE_FLAGS). A daemon run in a terminal
 * (`sfs daemon run`) keeps the reducer: it only costs that CPU once after each burst.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/**
 * Keeps the young generation at its initial size. Set when `sfs daemon run` starts, so it holds
 * however the daemon was launched (`sfs daemon start`, a service unit, a terminal): the heap's
 * maximum semi-space size is fixed when node starts, but the growth factor is read at each
 * growth. The daemon allocates in small bursts, so the extra scavenges cost little.
 */
export function keepYoungGenerationSmall(): void {
  try {
    setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // Not settable in this runtime: the young generation grows as usual.
  }
}

/**
 * Gives the memory of a finished burst (the catch-up) back to the system at once: one full
 * collection that also compacts, so that emptied old-space pages are released instead of kept
 * for later. The gc function is reached without starting node with --expose-gc: a context
 * created after the flag is set has it. Compaction is switched on for this one collection only.
 */
export function releaseHeap(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc?.();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  } catch {
    // Not available in this runtime: V8 shrinks the heap by itself later.
  }
}

/** A heap grown by this much since the last release is released when the daemon is next idle. */
const GROWN_BYTES = 24 * 2 ** 20;
/** At most one release this often: a session written non-stop does not get a full collection per write. */
const RELEASE_EVERY_MS = 60_000;

/**
 * What the memory reducer would do, for a daemon run without it: after a later burst (a large
 * session captured, a sync), once idle, the heap is released if it grew by GROWN_BYTES since
 * the last release. Asked every few seconds; reading the heap's size costs microseconds.
 */
export class HeapReleaser {
  private baseline = getHeapStatistics().total_heap_size;
  private releasedAt = 0;

  /** The catch-up's release: the size after it is the baseline. */
  released(now = Date.now()): void {
    this.baseline = getHeapStatistics().total_heap_size;
    this.releasedAt = now;
  }

  /** Releases when grown and not released recently; true when it did. */
  maybeRelease(now = Date.now()): boolean {
    if (now - this.releasedAt < RELEASE_EVERY_MS) return false;
    if (getHeapStatistics().total_heap_size < this.baseline + GROWN_BYTES) return false;
    releaseHeap();
    this.released(now);
    return true;
  }
}
