import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * An idle daemon should hold about its live heap, not the heap its catch-up grew to. At 20,000
 * sessions the live heap after the catch-up is ~30 MB, but the process sat at ~185 MB RSS:
 * V8 had doubled the young generation to 2 × 16 MB while the catch-up kept what it read, and
 * its memory reducer gives that and the emptied old-space pages back only ~30 s later.
 */

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
 * Gives the memory of a finished burst (the catch-up) back to the system at once with a full
 * collection, instead of after the memory reducer's delay. The gc function is reached without
 * starting node with --expose-gc: a context created after the flag is set has it.
 */
export function releaseHeap(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    gc?.();
  } catch {
    // Not available in this runtime: V8 shrinks the heap by itself later.
  }
}
