import type { Argv, CommandModule } from 'yargs';
import { directoryScope, listSessions, checkToolName, plural } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { color, print, printJson, shortTime, truncate } from '../output.js';
import { parseDateArg } from '../dates.js';
import { renderTable } from '../table.js';

interface Args extends GlobalArgs {
  tool?: string;
  project?: string;
  since?: string;
  until?: string;
  text?: string;
  sort: 'updated' | 'created' | 'messages' | 'title';
  reverse?: boolean;
  limit?: number;
  deleted?: boolean;
  subagents?: boolean;
  evicted?: boolean;
}

export const listCommand: CommandModule<GlobalArgs, Args> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'List captured sessions, newest activity first',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('tool', { type: 'string', describe: 'only sessions from this tool (claude-code, codex, …)' })
      .option('project', { type: 'string', describe: 'only sessions whose working directory is DIR or under it' })
      .option('since', { type: 'string', describe: 'active since DATE (2026-11-01, 7d, 12h)' })
      .option('until', { type: 'string', describe: 'created before DATE' })
      .option('text', { type: 'string', describe: 'title, alias, first prompt or directory contains TEXT' })
      .option('sort', { choices: ['updated', 'created', 'messages', 'title'] as const, default: 'updated' as const })
      .option('reverse', { type: 'boolean', describe: 'reverse the sort order' })
      .option('limit', { type: 'number', describe: 'at most N sessions (config list.limit)' })
      .option('deleted', { type: 'boolean', describe: 'show deleted sessions (the trash) instead' })
      .option('subagents', { type: 'boolean', describe: 'include sub-agent sessions' })
      .option('evicted', {
        type: 'boolean',
        describe: 'show sessions evicted from this machine by storage prune instead (sfs pull ID fetches one back)',
      }) as Argv<Args>,
  handler: handler<Args>(async (a, ctx) => {
    const db = await (await ctx.store()).view();
    checkToolName(db, a.tool);
    const defaultOrder = a.sort === 'title' ? 'asc' : 'desc';
    const res = listSessions(db, {
      tool: a.tool,
      directories: a.project !== undefined ? directoryScope(a.project, process.cwd()) : undefined,
      since: parseDateArg(a.since, '--since'),
      until: parseDateArg(a.until, '--until'),
      text: a.text,
      sort: a.sort,
      order: a.reverse ? (defaultOrder === 'asc' ? 'desc' : 'asc') : defaultOrder,
      limit: a.limit ?? (ctx.config['list.limit'] as number),
      deleted: a.deleted ? 'only' : 'exclude',
      includeSubagents: a.subagents,
      evicted: a.evicted ? 'only' : 'exclude',
    });
    if (ctx.json) return printJson('list', res);
    if (!res.sessions.length) {
      const filtered = a.tool || a.project || a.since || a.until || a.text;
      print(
        color.dim(
          a.evicted
            ? 'No evicted sessions.'
            : a.deleted
              ? 'No deleted sessions.'
              : filtered
                ? 'No sessions match.'
                : res.total
                  ? ''
                  : 'No sessions yet. Import some with `sfs import <dir.sfs>`.',
        ),
      );
      return;
    }
    const rows = res.sessions.map((s) => [
      color.cyan(s.id.slice(0, 12)) + (s.alias ? ' ' + color.green(s.alias) : ''),
      s.tool ?? '-',
      shortTime(s.updated_at ?? s.created_at),
      String(s.message_count),
      truncate((s.author ? `[${s.author.username} · ${s.author.space ?? '?'}] ` : '') + s.title, 60),
    ]);
    print(renderTable(['SESSION', 'TOOL', 'UPDATED', 'MSGS', 'TITLE'], rows));
    if (res.total > res.sessions.length) print(color.dim(`${res.sessions.length} of ${plural(res.total, 'session')}; --limit shows more`));
  }),
};
