import { setFlagsFromString } from 'node:v8';

/**
 * A relay on the embedded database (PGlite) keeps its heap near its live size. Its live JS heap
 * stays ~30 MB through a bulk sync, but V8's defaults let the heap grow to ~2-4× that between
 * full collections (the young generation doubled to 2 × 16 MB, the old generation's limit grown
 * by its usual factor), on top of PGlite's ~130 MB of WebAssembly memory: at 60,000 synced events
 * the process peaked at ~390-450 MB. A heap growing factor of 1.2 and a young generation kept at
 * its initial size held it ~100 MB lower at about the same CPU. Both flags are read at each
 * collection, so setting them after node started still holds.
 */
export function keepHeapSmall(): void {
  try {
    setFlagsFromString('--heap-growing-percent=20');
    setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // Not settable in this runtime: the heap grows as usual.
  }
}
