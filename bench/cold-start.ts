import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../engine/store.js';
import { benchPaths, fillLog } from './fill.js';
import { interleaved, median, nowMs, ratio, tempDir, type Goal, type Scale, type Section } from './lib.js';

/**
 * CLI cold start: wall time of whole `sfs` processes (spawn to exit) on a store with ~1k
 * sessions, as a ratio to `node -e 0` run interleaved with them (node, list, show, search,
 * node, list, …), so machine load falls on the baseline too.
 */

const CLI = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const OWNER = fileURLToPath(new URL('./store-owner-worker.js', import.meta.url));
/** Issue 11: `sfs list`, `sfs show` and `sfs search` start close to Node's own start-up. */
const GOAL_RATIO = 1.6;

function wall(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = nowMs();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = nowMs() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Starts a process that holds the store (as the daemon would) and resolves once it serves it. */
function startOwner(home: string): Promise<{ stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [OWNER, home], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.on('error', reject);
    p.stdout.setEncoding('utf8').once('data', () =>
      resolve({
        stop: () =>
          new Promise<void>((done) => {
            p.once('exit', () => done());
            p.kill('SIGTERM');
          }),
      }),
    );
    p.once('exit', (code) => reject(new Error(`store owner exited ${code}`)));
  });
}

export async function runColdStart(scale: Scale): Promise<Section> {
  const sessions = scale === 'small' ? 200 : 1_000;
  const runs = scale === 'small' ? 5 : 15;
  const tmp = tempDir('cold');
  try {
    await fillLog(tmp.dir, { sessions, messages: sessions * 10, bytes: 400 });
    const store = await Store.open(benchPaths(tmp.dir));
    const db = await store.view(); // projections caught up, so the commands measure start-up, not catch-up
    const id = (db.prepare('SELECT id FROM sessions ORDER BY id LIMIT 1').get() as { id: string }).id;
    await store.close();
    const env = { ...process.env, SFS_HOME: tmp.dir, NO_COLOR: '1' };
    const run = (args: string[]) => () => wall(args, env);
    const alone: Record<string, number[]> = await interleaved<string>(runs, {
      'node -e 0': run(['-e', '0']),
      'sfs list': run([CLI, 'list']),
      [`sfs show <id>`]: run([CLI, 'show', id]),
      'sfs search session': run([CLI, 'search', 'session']),
      // Loads yargs and every command: a figure for the hints, not worth its time in a quick run.
      ...(scale === 'full' ? { 'sfs --help': run([CLI, '--help']) } : {}),
    });
    // The same with another process owning the store, as when the daemon runs: the commands are its guests.
    const owner = await startOwner(tmp.dir);
    let guest: Record<string, number[]>;
    try {
      guest = await interleaved(runs, {
        'node -e 0': run(['-e', '0']),
        'sfs list': run([CLI, 'list']),
        'sfs search session': run([CLI, 'search', 'session']),
      });
    } finally {
      await owner.stop();
    }
    const rows: string[][] = [];
    const goals: Goal[] = [];
    const help = alone['sfs --help']
      ? `\`sfs --help\`, which loads yargs and every command, adds ${(median(alone['sfs --help']) - median(alone['node -e 0']!)).toFixed(0)} ms`
      : 'a plain invocation does not load yargs';
    for (const [when, samples] of [
      ['no other process', alone],
      ['the store held by another process (daemon)', guest],
    ] as const) {
      const base = median(samples['node -e 0']!);
      for (const [name, s] of Object.entries(samples)) {
        const m = median(s);
        rows.push([name, when, m.toFixed(0), Math.min(...s).toFixed(0), Math.max(...s).toFixed(0), ratio(m, base), `+${(m - base).toFixed(0)} ms`]);
        if (name === 'node -e 0' || name === 'sfs --help') continue;
        goals.push({
          name: `${name} start-up ≤ ${GOAL_RATIO}× node -e 0${samples === guest ? ', store held by the daemon' : ''}`,
          met: m <= GOAL_RATIO * base,
          detail: `${ratio(m, base)} (${m.toFixed(0)} vs ${base.toFixed(0)} ms)`,
          hint: `\`${name}\` adds ${(m - base).toFixed(0)} ms to bare node (${help}). See where with \`SFS_HOME=… node --cpu-prof dist/bin/main.js ${name.slice(4)}\` and sum self time by module: what is left is loading the native addons (better-sqlite3, classic-level when this process opens the log), opening the store and the query.`,
        });
      }
    }
    return {
      title: 'CLI cold start (ms, median wall time)',
      header: ['command', 'when', 'median', 'min', 'max', 'vs node -e 0', 'above node -e 0'],
      rows,
      notes: [
        `${runs} runs each, interleaved with \`node -e 0\` after one untimed round; store of ${sessions} sessions × 10 messages with projections already caught up; \`sfs list\` prints the default 50 rows, \`sfs show\` the first page of one session, \`sfs search\` up to 20 hits.`,
        'Ratios are to `node -e 0` of the same rounds. With another process holding the store (bench/store-owner-worker, opened like the daemon does), the command asks it over its socket and does not load LevelDB.',
      ],
      goals,
    };
  } finally {
    tmp.remove();
  }
}
