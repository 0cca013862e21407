import { importAll, type CaptureAllResult, SfsError, plural } from '../../engine/index.js';
import { ADAPTERS, adapterFor } from '../../adapters/index.js';
import { adapterEnv } from '../adapter-env.js';
import type { Ctx } from '../context.js';
import { color, print, printJson } from '../output.js';

/**
 * `sfs import --from TOOL | --all`: capture the history already on disk once, without a
 * daemon. A progress bar on a terminal (stderr), nothing on a pipe; one summary line.
 */
export async function runCaptureImport(from: string | undefined, all: boolean, ctx: Ctx): Promise<void> {
  const adapters = all ? ADAPTERS : [adapterFor(from ?? '') ?? unknownTool(from ?? '')];
  const store = await ctx.store();
  const tty = !!process.stderr.isTTY && !ctx.json;
  const bar = tty ? await progressBar() : undefined;
  let result: CaptureAllResult;
  try {
    result = await importAll(store, adapters, adapterEnv(), {
      maxLineBytes: Number(ctx.config['capture.max_line_bytes']),
      onTotal: (n) => bar?.start(n, 0, { tool: '' }),
      onSource: (r, done) => bar?.update(done, { tool: r.tool }),
    });
  } finally {
    bar?.stop();
  }
  // Exit 1 when anything was skipped (an unreadable file, a bad line): the rest is imported all the same.
  if (result.totals.problems > 0) process.exitCode = 1;
  if (ctx.json) return printJson('import', { tools: result.tools, totals: result.totals, problems: result.problems });
  const t = result.totals;
  const shown = 50;
  for (const p of result.problems.slice(0, shown)) print(`${color.yellow('problem')} ${p.path}${p.where ? `:${p.where}` : ''}: ${p.message}`);
  if (result.problems.length > shown) print(color.dim(`… ${plural(result.problems.length - shown, 'more problem')} (--json lists them all)`));
  const revised = t.messagesRevised ? `, ${t.messagesRevised} revised` : '';
  print(
    `${plural(t.tools, 'tool')}, ${plural(t.sources, 'source')} (${t.unchanged} unchanged, ${t.read} read), ${plural(t.sessionsNew, 'new session')}, ` +
      `${plural(t.messagesAdded, 'message')} added${revised}, ${plural(t.problems, 'problem')}`,
  );
}

function unknownTool(name: string): never {
  throw new SfsError('USAGE', `unknown tool "${name}"; known: ${ADAPTERS.map((a) => a.tool).join(', ')}`);
}

async function progressBar() {
  const { default: progress } = await import('cli-progress');
  return new progress.SingleBar(
    { format: 'capturing {bar} {value}/{total} sources {tool}', stream: process.stderr, clearOnComplete: true, hideCursor: true },
    progress.Presets.shades_classic,
  );
}
