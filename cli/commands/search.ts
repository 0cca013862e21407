import type { Argv, CommandModule } from 'yargs';
import { directoryScope, search, type SearchOptions, checkToolName, ROLES } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { parseDateArg } from '../dates.js';
import { color, highlight, print, printJson, shortTime, truncate } from '../output.js';

/** The search options as flags; --project is a directory argument, resolved like `list --project`. */
interface Args extends GlobalArgs, Pick<SearchOptions, 'query' | 'tool' | 'since' | 'until' | 'role' | 'limit' | 'raw'> {
  project?: string;
}

export const searchCommand: CommandModule<GlobalArgs, Args> = {
  command: 'search <query>',
  describe: 'Full-text search over messages, tool calls and results, titles and paths',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('query', { type: 'string', demandOption: true, describe: 'words and "quoted phrases", all must match; word* for prefixes' })
      .option('tool', { type: 'string' })
      .option('project', { type: 'string', describe: 'sessions in DIR or under it' })
      .option('since', { type: 'string', describe: 'messages from DATE on (2026-11-01, 7d)' })
      .option('until', { type: 'string', describe: 'messages before DATE' })
      .option('role', { choices: ROLES as unknown as string[] })
      .option('limit', { type: 'number', describe: 'at most N hits (config search.limit)' })
      .option('raw', { type: 'boolean', describe: 'pass the query to SQLite FTS5 as written (AND, OR, NOT, NEAR)' }) as Argv<Args>,
  handler: handler<Args>(async (a, ctx) => {
    const db = await (await ctx.store()).view();
    checkToolName(db, a.tool);
    const hits = search(db, {
      query: a.query,
      tool: a.tool,
      directories: a.project !== undefined ? directoryScope(a.project, process.cwd()) : undefined,
      since: parseDateArg(a.since, '--since'),
      until: parseDateArg(a.until, '--until'),
      role: a.role,
      limit: a.limit ?? (ctx.config['search.limit'] as number),
      raw: a.raw,
    });
    if (ctx.json)
      return printJson('search', {
        query: a.query,
        hits: hits.map((h) => ({
          ...h,
          snippet: h.snippet.replace(/[\u0002\u0003]/g, ''),
          snippet_marked: h.snippet.replace(/\u0002/g, '<<').replace(/\u0003/g, '>>'),
        })),
      });
    if (!hits.length) {
      print(color.dim(`No matches for "${a.query}".`));
      return;
    }
    for (const h of hits) {
      const where = h.kind === 'message' ? `${h.role} ${h.msg_id}` : 'title/path';
      print(
        `${color.cyan(h.session_id.slice(0, 12))} ${color.dim(shortTime(h.timestamp))} ${color.dim(h.tool ?? '')} ${color.bold(truncate(h.title, 50))} ${color.dim(where)}`,
      );
      print(`    ${highlight(h.snippet)}`);
    }
  }),
};
