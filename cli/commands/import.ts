import type { Argv, CommandModule } from 'yargs';
import { SfsError } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';

/**
 * `sfs import`: .sfs directories, or a tool's existing history (--from TOOL | --all). Each
 * kind loads only what it uses: a capture pass with nothing new to read is mostly start-up,
 * so it does not load the .sfs reader (and its decompressor) it never calls.
 */
export interface ImportArgs extends GlobalArgs {
  paths: string[];
  from?: string;
  all?: boolean;
  viaCli?: boolean;
}

export const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import [paths..]',
  describe: "Import .sfs directories (all validated before any is written), or capture a tool's existing history (--from TOOL | --all)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('paths', { type: 'string', array: true, default: [] as string[], describe: '.sfs directories' })
      .option('from', { type: 'string', describe: 'capture the existing history of one tool (claude-code, codex, …)' })
      .option('all', { type: 'boolean', describe: 'capture the existing history of every tool' })
      .option('via-cli', {
        type: 'boolean',
        describe: 'with --from amp: ask the signed-in amp CLI for its threads (amp threads list/export), not only its local cache',
      }) as Argv<ImportArgs>,
  handler: handler<ImportArgs>(async (a, ctx) => {
    const capture = a.from !== undefined || !!a.all;
    if (a.from !== undefined && a.all) throw new SfsError('USAGE', 'give --from TOOL or --all, not both');
    if (capture && a.paths.length) throw new SfsError('USAGE', 'give .sfs paths or --from/--all, not both');
    if (!capture && !a.paths.length) throw new SfsError('USAGE', "name .sfs directories to import, or --from TOOL / --all to capture a tool's history");
    if (a.viaCli && a.from !== 'amp') throw new SfsError('USAGE', '--via-cli goes with --from amp (the only tool whose sessions live on a server)');
    if (a.viaCli) return (await import('./amp-via-cli.js')).runAmpViaCli(ctx);
    if (capture) return (await import('./capture-import.js')).runCaptureImport(a.from, !!a.all, ctx);
    return (await import('./import-sfs.js')).runSfsImport(a.paths, ctx);
  }),
};
