import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../engine/store.js';
import { benchPaths, fillLog } from './fill.js';
import { median, nowMs, ratio, tempDir, type Scale, type Section } from './lib.js';

/**
 * CLI cold start: wall time of whole `sfs` processes (spawn to exit) on a store with
 * ~1k sessions, against `node -e 0` measured in the same loop.
 */

const CLI = fileURLToPath(new URL('../bin/main.js', import.meta.url));

function wall(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = nowMs();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = nowMs() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function runColdStart(scale: Scale): Promise<Section> {
  const sessions = scale === 'small' ? 100 : 1_000;
  const runs = scale === 'small' ? 5 : 15;
  const tmp = tempDir('cold');
  try {
    await fillLog(tmp.dir, { sessions, messages: sessions * 10, bytes: 400 });
    const store = await Store.open(benchPaths(tmp.dir));
    await store.view(); // projections caught up, so `list` measures start-up, not catch-up
    await store.close();
    const env = { ...process.env, SFS_HOME: tmp.dir, NO_COLOR: '1' };
    const cases: Array<[string, string[]]> = [
      ['node -e 0', ['-e', '0']],
      ['sfs list', [CLI, 'list']],
      ['sfs --help', [CLI, '--help']],
    ];
    for (const [, args] of cases) wall(args, env); // warm the OS file cache
    const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    for (let i = 0; i < runs; i++) for (const [name, args] of cases) samples.get(name)!.push(wall(args, env));
    const base = median(samples.get('node -e 0')!);
    const list = median(samples.get('sfs list')!);
    const help = median(samples.get('sfs --help')!);
    return {
      title: 'CLI cold start (ms, median wall time)',
      header: ['command', 'median', 'min', 'max', 'vs node -e 0', 'above node -e 0'],
      rows: cases.map(([name]) => {
        const s = samples.get(name)!;
        const m = median(s);
        return [name, m.toFixed(0), Math.min(...s).toFixed(0), Math.max(...s).toFixed(0), ratio(m, base), `+${(m - base).toFixed(0)} ms`];
      }),
      notes: [
        `${runs} runs each, interleaved, after one untimed run; store of ${sessions} sessions × 10 messages with projections already caught up; \`sfs list\` prints the default 50 rows.`,
      ],
      goals: [
        {
          name: 'sfs list cold start < 200 ms',
          met: list < 200,
          detail: `${list.toFixed(0)} ms (node -e 0: ${base.toFixed(0)} ms)`,
          hint: `\`sfs list\` adds ${(list - base).toFixed(0)} ms to bare node (\`sfs --help\` adds ${(help - base).toFixed(0)} ms). See where with \`SFS_HOME=… node --cpu-prof dist/bin/main.js list\`; summing self time by module, start-up has been mostly module resolution and compilation (ESM loader, CJS wrapSafe, yargs, native addons), not opening the store.`,
        },
      ],
    };
  } finally {
    tmp.remove();
  }
}
