import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import {
  SfsError,
  KNOWLEDGE_KINDS,
  addKnowledge,
  removeKnowledge,
  setProjectContext,
  projectFromArg,
  projectOf,
  type Project,
  getProjectContext,
  getRules,
  knowledgeCounts,
  searchKnowledge,
} from '../../engine/index.js';
import { handler, type Ctx, type GlobalArgs } from '../context.js';
import { editText } from '../editor.js';
import { color, print, printJson, shortTime, write } from '../output.js';

interface ProjectArgs extends GlobalArgs {
  project?: string;
}

const MAX_CONTEXT = 1024 * 1024;

export function chosenProject(a: ProjectArgs): Project {
  return a.project ? projectFromArg(a.project) : projectOf(process.cwd());
}

/** The starting document `sfs project init` writes: headings a team fills in. */
function template(p: Project): string {
  const name = p.key.startsWith('local:') ? basename(p.root) : p.key.split('/').pop()!;
  return `# ${name}\n\nProject: ${p.key}\n\n## What it is\n\n## Architecture\n\n## How to build and test\n\n## Conventions\n\n## Gotchas\n`;
}

async function saveContext(ctx: Ctx, p: Project, text: string): Promise<boolean> {
  if (Buffer.byteLength(text) > MAX_CONTEXT) throw new SfsError('INVALID_INPUT', `the context document is larger than ${MAX_CONTEXT} bytes`);
  const store = await ctx.store();
  const cur = getProjectContext(await store.view(), p.key);
  if (cur?.text === text) return false;
  await setProjectContext(store, p.key, text);
  return true;
}

const projectOption = <T>(y: Argv<T>) =>
  y.option('project', { type: 'string', describe: "a directory or a key like github.com/acme/app (default: the current directory's repository)" });

export const projectCommand: CommandModule<GlobalArgs, ProjectArgs> = {
  command: 'project',
  describe: "The project's shared context document and knowledge entries",
  builder: (y: Argv<GlobalArgs>) =>
    projectOption(y)
      .command({
        command: 'init',
        describe: 'Start the context document from a template (if there is none)',
        handler: handler<ProjectArgs>(async (a, ctx) => {
          const p = chosenProject(a);
          const store = await ctx.store();
          const cur = getProjectContext(await store.view(), p.key);
          if (cur) {
            if (ctx.json) return printJson('project.init', { project: p.key, created: false });
            return print(`${p.key} already has a context document (${color.dim('sfs project edit')} to change it)`);
          }
          await setProjectContext(store, p.key, template(p));
          if (ctx.json) return printJson('project.init', { project: p.key, created: true });
          print(`${color.green('created')} the context document of ${p.key} ${color.dim('(sfs project edit to fill it in)')}`);
        }),
      } as CommandModule<ProjectArgs, ProjectArgs>)
      .command({
        command: 'show',
        describe: 'Project key, context document, rules version and knowledge counts',
        handler: handler<ProjectArgs>(async (a, ctx) => {
          const p = chosenProject(a);
          const db = await (await ctx.store()).view();
          const c = getProjectContext(db, p.key);
          const r = getRules(db, p.key);
          const counts = knowledgeCounts(db, p.key);
          if (ctx.json)
            return printJson('project.show', {
              project: p.key,
              root: p.root,
              remote: p.remote,
              context: c,
              rules: r && { version: r.version, hash: r.hash, updated_at: r.updated_at },
              knowledge_counts: counts,
            });
          print(`${color.bold(p.key)} ${color.dim(p.root)}`);
          print(`rules: ${r ? `version ${r.version}, hash ${r.hash}, ${shortTime(r.updated_at)}` : color.dim('none (sfs rules init)')}`);
          print(
            `knowledge: ${
              Object.keys(counts).length
                ? Object.entries(counts)
                    .map(([k, n]) => `${n} ${k}`)
                    .join(', ')
                : color.dim('none')
            }`,
          );
          print('');
          print(c ? c.text : color.dim('No context document (sfs project init).'));
        }),
      } as CommandModule<ProjectArgs, ProjectArgs>)
      .command({
        command: 'edit',
        describe: 'Edit the context document in $EDITOR',
        handler: handler<ProjectArgs>(async (a, ctx) => {
          const p = chosenProject(a);
          const store = await ctx.store();
          const cur = getProjectContext(await store.view(), p.key);
          const text = editText(cur?.text ?? template(p), 'PROJECT-CONTEXT.md');
          const changed = await saveContext(ctx, p, text);
          if (ctx.json) return printJson('project.edit', { project: p.key, changed });
          print(changed ? `${color.green('saved')} the context document of ${p.key}` : 'unchanged');
        }),
      } as CommandModule<ProjectArgs, ProjectArgs>)
      .command({
        command: 'set-context <file>',
        describe: 'Replace the context document with a file (- for stdin)',
        // nargs: without it yargs reads a lone "-" as an option marker and passes an empty string.
        builder: (yy: Argv<ProjectArgs>) =>
          yy.positional('file', { type: 'string', demandOption: true, describe: 'a file, or - for standard input' }).nargs('file', 1) as Argv<
            ProjectArgs & { file: string }
          >,
        handler: handler<ProjectArgs & { file: string }>(async (a, ctx) => {
          const p = chosenProject(a);
          let text: string;
          try {
            text = readFileSync(a.file === '-' ? 0 : a.file, 'utf8');
          } catch (err) {
            throw new SfsError('NOT_FOUND', `cannot read ${a.file}: ${(err as Error).message}`);
          }
          const changed = await saveContext(ctx, p, text);
          if (ctx.json) return printJson('project.set-context', { project: p.key, changed });
          print(changed ? `${color.green('saved')} the context document of ${p.key}` : 'unchanged');
        }),
      } as CommandModule<ProjectArgs, ProjectArgs & { file: string }>)
      .command({
        command: 'get-context',
        describe: 'Print the context document as it is stored',
        handler: handler<ProjectArgs>(async (a, ctx) => {
          const p = chosenProject(a);
          const c = getProjectContext(await (await ctx.store()).view(), p.key);
          if (ctx.json) return printJson('project.get-context', { project: p.key, text: c?.text ?? null, updated_at: c?.updated_at ?? null });
          if (!c) throw new SfsError('NOT_FOUND', `${p.key} has no context document (sfs project init)`);
          write(c.text);
        }),
      } as CommandModule<ProjectArgs, ProjectArgs>)
      .command({
        command: 'add <kind> <text>',
        describe: `Add a knowledge entry (${KNOWLEDGE_KINDS.join(', ')})`,
        builder: (yy: Argv<ProjectArgs>) =>
          yy
            .positional('kind', { choices: KNOWLEDGE_KINDS as unknown as string[], demandOption: true })
            .positional('text', { type: 'string', demandOption: true })
            .option('title', { type: 'string' })
            .option('tag', { type: 'string', array: true }) as Argv<ProjectArgs & { kind: string; text: string; title?: string; tag?: string[] }>,
        handler: handler<ProjectArgs & { kind: string; text: string; title?: string; tag?: string[] }>(async (a, ctx) => {
          const p = chosenProject(a);
          const r = await addKnowledge(await ctx.store(), {
            project: p.key,
            kind: a.kind,
            text: a.text,
            title: a.title,
            tags: a.tag,
            author: { kind: 'user', name: process.env.USER ?? null },
          });
          if (ctx.json) return printJson('project.add', { project: p.key, entry_id: r.entry_id });
          print(`${color.green('added')} ${a.kind} ${r.entry_id} to ${p.key}`);
        }),
      } as CommandModule<ProjectArgs, ProjectArgs & { kind: string; text: string; title?: string; tag?: string[] }>)
      .command({
        command: 'remove <entry>',
        aliases: ['rm'],
        describe: 'Remove a knowledge entry (recorded as an event; syncs to the team like the entry did)',
        builder: (yy: Argv<ProjectArgs>) =>
          yy
            .positional('entry', { type: 'string', demandOption: true, describe: 'the entry id (kn_…) or a unique prefix, as `sfs project knowledge` shows' })
            .option('reason', { type: 'string', describe: 'why (kept with the removal)' }) as Argv<ProjectArgs & { entry: string; reason?: string }>,
        handler: handler<ProjectArgs & { entry: string; reason?: string }>(async (a, ctx) => {
          const p = chosenProject(a);
          const r = await removeKnowledge(await ctx.store(), {
            project: p.key,
            entry: a.entry,
            reason: a.reason,
            author: { kind: 'user', name: process.env.USER ?? null },
          });
          if (ctx.json) return printJson('project.remove', { project: p.key, entry_id: r.entry_id, removed: r.removed });
          if (!r.removed) return print(`${r.entry_id} was already removed from ${p.key}`);
          print(`${color.green('removed')} ${r.entry!.kind} ${r.entry_id} from ${p.key}${r.entry!.title ? ` ${color.dim(`(${r.entry!.title})`)}` : ''}`);
        }),
      } as CommandModule<ProjectArgs, ProjectArgs & { entry: string; reason?: string }>)
      .command({
        command: 'knowledge [query]',
        describe: 'Search knowledge entries (newest first without a query)',
        builder: (yy: Argv<ProjectArgs>) =>
          yy
            .positional('query', { type: 'string' })
            .option('kind', { choices: KNOWLEDGE_KINDS as unknown as string[] })
            .option('limit', { type: 'number', default: 20 }) as Argv<ProjectArgs & { query?: string; kind?: string; limit: number }>,
        handler: handler<ProjectArgs & { query?: string; kind?: string; limit: number }>(async (a, ctx) => {
          const p = chosenProject(a);
          const entries = searchKnowledge(await (await ctx.store()).view(), { project: p.key, query: a.query, kind: a.kind as never, limit: a.limit });
          if (ctx.json) return printJson('project.knowledge', { project: p.key, entries });
          if (!entries.length) return print(color.dim(`No knowledge entries in ${p.key}${a.query ? ` match "${a.query}"` : ''}.`));
          for (const e of entries) {
            print(
              `${color.cyan(e.kind.padEnd(10))} ${color.dim(e.entry_id)} ${color.dim(shortTime(e.created_at))} ${color.dim(`${e.author.kind}${e.author.name ? ` ${e.author.name}` : ''}`)} ${e.title ? color.bold(e.title) : ''}`,
            );
            print(`    ${e.text.replace(/\n/g, '\n    ')}`);
          }
        }),
      } as CommandModule<ProjectArgs, ProjectArgs & { query?: string; kind?: string; limit: number }>)
      .demandCommand(1, 'use `sfs project init|show|edit|set-context FILE|get-context|add KIND TEXT|remove ENTRY|knowledge [QUERY]`') as Argv<ProjectArgs>,
  handler: () => undefined,
};
