import { createWriteStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Argv, CommandModule } from 'yargs';
import {
  SfsError,
  exportMessages,
  exportSfs,
  sfsHeader,
  assertNotEvicted,
  getSessionDetail,
  resolveSession,
  isResumeTarget,
  RESUME_TARGETS,
  type ResumeTarget,
  headerFromSfs,
  writeMarkdown,
  plural,
} from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { color, print, printJson, stdout } from '../output.js';

interface ExportArgs extends GlobalArgs {
  session: string;
  format: 'sfs' | 'md' | ResumeTarget;
  out?: string;
  force?: boolean;
  project?: string;
}

export const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export <session>',
  describe: 'Write a session as a portable .sfs directory, a Markdown transcript, or a native session of claude-code, codex, gemini or copilot',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('session', { type: 'string', demandOption: true, describe: 'id, alias or id prefix (≥ 4 characters)' })
      .option('format', { choices: ['sfs', 'md', ...RESUME_TARGETS] as const, default: 'sfs' as const })
      .option('project', { type: 'string', describe: "native formats: the directory the tool will run in (default: the session's)" })
      // nargs: 1 lets `--out -` take the "-" (yargs otherwise reads it as an option marker: "Unknown argument: -").
      .option('out', { alias: 'o', type: 'string', nargs: 1, describe: 'destination (default ./<id>.sfs or ./<id>.md; "-" prints Markdown)' })
      .option('force', { type: 'boolean', describe: 'replace an existing destination' }) as Argv<ExportArgs>,
  handler: handler<ExportArgs>(async (a, ctx) => {
    // A .sfs export is a directory and a native one several files: only Markdown fits on standard output.
    if (a.out === '-' && a.format !== 'md') throw new SfsError('USAGE', `--out - prints Markdown only (add --format md); --format ${a.format} writes files`);
    if (isResumeTarget(a.format)) {
      // The same native session `sfs resume` writes, without starting the tool.
      const { writeNative, printWritten, resumeSummary } = await import('./resume.js');
      const r = await writeNative(ctx, { session: a.session, target: a.format, project: a.project });
      if (ctx.json) return printJson('export', { format: a.format, ...resumeSummary(r) });
      return printWritten(r);
    }
    const db = await (await ctx.store()).view();
    const id = resolveSession(db, a.session);
    if (a.format === 'md') {
      const d = getSessionDetail(db, id);
      if (d.purged) throw new SfsError('NOT_FOUND', `session ${id} was purged`);
      assertNotEvicted(db, id);
      const { manifest, workspace } = sfsHeader(d);
      const header = headerFromSfs(manifest, workspace);
      if (a.out === '-') {
        // A reader that stops early (`| head`) is not an error.
        return writeMarkdown(stdout(), header, exportMessages(db, id)).catch((err: NodeJS.ErrnoException) => {
          if (err?.code !== 'EPIPE' && err?.code !== 'ERR_STREAM_DESTROYED') throw err;
        });
      }
      const dest = resolve(a.out ?? `${id}.md`);
      if (existsSync(dest) && !a.force) throw new SfsError('CONFLICT', `${dest} exists (--force replaces it)`);
      const out = createWriteStream(dest, { mode: 0o600 });
      await writeMarkdown(out, header, exportMessages(db, id));
      out.end();
      await finished(out);
      if (ctx.json) return printJson('export', { session: id, format: 'md', path: dest });
      return print(`${color.green('exported')} ${id} → ${dest}`);
    }
    const dest = resolve(a.out ?? `${id}.sfs`);
    const res = await exportSfs(db, id, dest, { overwrite: a.force });
    if (ctx.json) return printJson('export', { session: id, format: 'sfs', path: res.dir, messages: res.messageCount, bytes: res.bytes });
    print(`${color.green('exported')} ${id} → ${res.dir} ${color.dim(`(${plural(res.messageCount, 'message')})`)}`);
  }),
};
