import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { adapter as claude } from '../adapters/claude-code/index.js';
import { captureSource } from '../engine/capture/capture-source.js';
import { Store } from '../engine/store.js';
import { nowMs, peakRssMb } from './lib.js';

/**
 * One capture-throughput run in its own process, so its peak RSS is its own.
 * `capture FILE HOME STORE_DIR`: the claude-code adapter + captureSource into a fresh store.
 * `raw FILE`: the baseline — stream the file in 1 MiB chunks, split lines, JSON.parse each.
 * Prints {ms, mb, messages, peakRssMb}.
 */
const [mode, file, home, storeDir] = process.argv.slice(2) as [string, string, string, string];
const MB = 2 ** 20;

async function raw(): Promise<number> {
  let n = 0;
  let rest: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: MB }) as AsyncIterable<Buffer>) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl > start) {
        JSON.parse(buf.toString('utf8', start, nl));
        n++;
      }
      start = nl + 1;
    }
    rest = start < buf.length ? buf.subarray(start) : null;
  }
  return n;
}

async function capture(): Promise<Record<string, unknown>> {
  const store = await Store.open({ dataDir: join(storeDir, 'data'), configDir: storeDir, stateDir: join(storeDir, 'state') });
  try {
    const t0 = nowMs();
    const r = await captureSource(store, claude, { path: file, style: 'append' }, { home, platform: process.platform, env: {} });
    const ms = nowMs() - t0;
    if (r.failed || r.messagesAdded === 0) throw new Error(`capture failed: ${JSON.stringify(r.problems.slice(0, 3))}`);
    const peak = peakRssMb(); // before the projections' catch-up, which is not capture
    const c0 = nowMs();
    await store.view();
    return { ms, messages: r.messagesAdded, catchUpMs: nowMs() - c0, peakRssMb: peak };
  } finally {
    await store.close();
  }
}

const mb = statSync(file).size / MB;
if (mode === 'raw') {
  const t0 = nowMs();
  const lines = await raw();
  process.stdout.write(JSON.stringify({ ms: nowMs() - t0, mb, lines, peakRssMb: peakRssMb() }));
} else {
  process.stdout.write(JSON.stringify({ ...(await capture()), mb }));
}
