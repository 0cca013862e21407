import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADAPTERS } from '../adapters/index.js';
import { importAll } from '../engine/capture/import-all.js';
import { Store } from '../engine/store.js';
import { nowMs, peakRssMb } from './lib.js';

/**
 * One measured day-zero pass in its own process, so peak RSS is this pass alone.
 * `import HOME SFS_DIR`: what `sfs import --all` does (importAll over every adapter: capture,
 * and the projections folded along the way and caught up before it returns).
 * `raw HOME`: the baseline — read every file of the corpus and JSON.parse it (per line
 * for JSONL, whole for JSON, every value of a SQLite key-value table).
 */
const [mode, home, sfsDir] = process.argv.slice(2) as [string, string, string];

async function runImport(): Promise<Record<string, unknown>> {
  const t0 = nowMs();
  const c0 = process.cpuUsage();
  const store = await Store.open({ dataDir: join(sfsDir, 'data'), configDir: sfsDir, stateDir: join(sfsDir, 'state') });
  const r = await importAll(store, ADAPTERS, { home, platform: process.platform, env: {} });
  const head = await store.log.head();
  const position = store.projections.position();
  await store.close();
  const cpu = process.cpuUsage(c0);
  return {
    ms: nowMs() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    head,
    position,
    totals: r.totals,
    tools: r.tools.map((t) => ({ tool: t.tool, sources: t.sources, sessions: t.sessionsNew, problems: t.problems })),
    problems: r.problems.slice(0, 5),
  };
}

function raw(): Record<string, unknown> {
  const t0 = nowMs();
  let values = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) {
        const text = readFileSync(p, 'utf8');
        bytes += text.length;
        for (const line of text.split('\n'))
          if (line) {
            JSON.parse(line);
            values++;
          }
      } else if (e.name.endsWith('.json')) {
        const text = readFileSync(p, 'utf8');
        bytes += text.length;
        JSON.parse(text);
        values++;
      } else if (e.name.endsWith('.vscdb')) {
        const db = new Database(p, { readonly: true });
        for (const r of db.prepare('SELECT value FROM cursorDiskKV').iterate() as Iterable<{ value: string }>) {
          bytes += r.value.length;
          JSON.parse(r.value);
          values++;
        }
        db.close();
      }
    }
  };
  walk(home);
  return { ms: nowMs() - t0, values, bytes };
}

const out = mode === 'raw' ? raw() : await runImport();
process.stdout.write(JSON.stringify({ ...out, peakRssMb: peakRssMb() }) + '\n');
