import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { captureSource, findOnPath, SfsError, plural, type CaptureProblem } from '../../engine/index.js';
import { adapterFor } from '../../adapters/index.js';
import { adapterEnv } from '../adapter-env.js';
import type { Ctx } from '../context.js';
import { color, print, printJson } from '../output.js';

/**
 * `sfs import --from amp --via-cli`: since May 2026 Amp keeps threads on its server and the
 * files on disk are only a cache, so the signed-in `amp` CLI is asked for them: `amp threads
 * list --json` (pages of thread summaries) and `amp threads export <id>` (one thread document,
 * the same shape as a cached thread file). Each export is written to a private temporary file
 * and captured by the Amp adapter like a cached thread, so a thread captured both ways is one
 * session. Nothing runs unless asked for: it is a network call on the user's account.
 */
const run = promisify(execFile);
const PAGE = 500;
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;
const THREAD_ID = /^T-[0-9A-Za-z-]{1,100}$/;

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split('\n')[0]!.slice(0, 300);
}

export async function runAmpViaCli(ctx: Ctx): Promise<void> {
  const env = adapterEnv();
  const amp = findOnPath(['amp'], env);
  if (!amp)
    throw new SfsError(
      'NOT_FOUND',
      'amp is not installed here (no `amp` on PATH): install it (`npm install -g @sourcegraph/amp`) and sign in (`amp login`), or capture only the threads cached on disk with `sfs import --from amp`',
    );
  const ids: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    let out: string;
    try {
      out = (
        await run(amp, ['threads', 'list', '--json', '--include-archived', '--limit', String(PAGE), '--offset', String(offset)], {
          maxBuffer: 64 * 1024 * 1024,
        })
      ).stdout;
    } catch (err) {
      throw new SfsError('AUTH', `\`amp threads list\` failed: ${firstLine(err)} (is amp signed in? \`amp login\`)`);
    }
    let page: unknown;
    try {
      page = JSON.parse(out);
    } catch {
      throw new SfsError('INVALID_INPUT', '`amp threads list --json` did not print JSON: this amp version may not support it');
    }
    if (!Array.isArray(page)) throw new SfsError('INVALID_INPUT', '`amp threads list --json` did not print a list of threads');
    // Thread ids come from the tool's output: only the documented shape is passed on as an argument.
    for (const t of page) if (t && typeof t === 'object' && typeof t.id === 'string' && THREAD_ID.test(t.id) && !ids.includes(t.id)) ids.push(t.id);
    if (page.length < PAGE) break;
  }
  const adapter = adapterFor('amp')!;
  const store = await ctx.store();
  const dir = mkdtempSync(path.join(tmpdir(), 'sfs-amp-'));
  const problems: Array<CaptureProblem & { tool: string }> = [];
  let sessionsNew = 0;
  let messagesAdded = 0;
  let captured = 0;
  try {
    for (const id of ids) {
      let doc: string;
      try {
        doc = (await run(amp, ['threads', 'export', id], { maxBuffer: MAX_EXPORT_BYTES })).stdout;
      } catch (err) {
        problems.push({ tool: 'amp', path: `amp threads export ${id}`, message: firstLine(err) });
        continue;
      }
      const file = path.join(dir, `${id}.json`);
      writeFileSync(file, doc, { mode: 0o600 });
      const r = await captureSource(store, adapter, { path: file, style: 'rewrite' }, env, { maxLineBytes: Number(ctx.config['capture.max_line_bytes']) });
      for (const p of r.problems) problems.push({ tool: 'amp', ...p, path: `amp threads export ${id}` });
      if (!r.failed && r.sessions.length) captured++;
      sessionsNew += r.sessionsNew;
      messagesAdded += r.messagesAdded;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await store.catchUp();
  if (problems.length) process.exitCode = 1;
  const totals = { threads: ids.length, captured, sessionsNew, messagesAdded, problems: problems.length };
  if (ctx.json) return printJson('import', { via: 'amp-cli', totals, problems });
  for (const p of problems) print(`${color.yellow('problem')} ${p.path}${p.where ? `:${p.where}` : ''}: ${p.message}`);
  print(
    `amp: ${plural(ids.length, 'thread')} listed, ${captured} captured, ${plural(sessionsNew, 'new session')}, ${plural(messagesAdded, 'message')} added, ${plural(problems.length, 'problem')}`,
  );
}
