import type { Argv, CommandModule } from 'yargs';
import { SfsError, pageMessages, getSessionDetail, isEvicted, resolveSession, plural } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { color, formatCost, formatDuration, formatTokens, print, printJson, shortTime } from '../output.js';
import { renderMessage } from '../render-message.js';

interface Args extends GlobalArgs {
  session: string;
  page?: number;
  limit?: number;
  offset?: number;
  all?: boolean;
  tail?: boolean;
  thinking?: boolean;
  /** false with --no-messages (yargs reads `--no-X` as X = false, so the option is `messages`). */
  messages: boolean;
}

export const showCommand: CommandModule<GlobalArgs, Args> = {
  command: 'show <session>',
  describe: 'Show a session: header, stats, tokens and cost, messages (paged)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('session', { type: 'string', demandOption: true, describe: 'id, alias or id prefix (≥ 4 characters)' })
      .option('page', { type: 'number', describe: 'page number, from 1 (config show.page_size per page)' })
      .option('limit', { type: 'number', describe: 'messages per page' })
      .option('offset', { type: 'number', describe: 'skip the first N messages' })
      .option('tail', { type: 'boolean', describe: 'show the last page' })
      .option('all', { type: 'boolean', describe: 'show every message' })
      .option('thinking', { type: 'boolean', describe: 'include thinking blocks' })
      .option('messages', { type: 'boolean', default: true, describe: 'list the messages; --no-messages shows header and stats only' }) as Argv<Args>,
  handler: handler<Args>(async (a, ctx) => {
    const db = await (await ctx.store()).view();
    const id = resolveSession(db, a.session);
    const detail = getSessionDetail(db, id);
    if (detail.purged) throw new SfsError('NOT_FOUND', `session ${id} was purged`);
    if (!ctx.json && isEvicted(db, id)) print(color.dim(`messages evicted from this machine (storage prune): sfs pull ${id} fetches them back`));
    const size = a.limit ?? (ctx.config['show.page_size'] as number);
    if (!Number.isInteger(size) || size < 1) throw new SfsError('USAGE', '--limit must be a positive whole number');
    let offset = a.offset ?? ((a.page ?? 1) - 1) * size;
    let limit = a.all ? Number.MAX_SAFE_INTEGER : size;
    if (a.tail) {
      const total = pageMessages(db, id, 0, 0).total;
      offset = Math.max(0, total - size);
    }
    if (a.messages === false) limit = 0;
    const page = pageMessages(db, id, offset, limit);
    if (ctx.json) {
      return printJson('show', { session: detail, messages: { total: page.total, offset, items: page.messages } });
    }
    const d = detail;
    print(color.bold(d.title));
    const facts: Array<[string, string | null | undefined]> = [
      ['id', d.id + (d.alias ? ` (alias ${d.alias})` : '') + (d.deleted ? color.red(' [deleted]') : '')],
      ['from', d.author ? color.yellow(`${d.author.username} · ${d.author.space ?? '?'} (their copy of ${d.author.session})`) : null],
      ['tool', [d.tool, d.tool_version].filter(Boolean).join(' ')],
      ['model', d.model],
      ['directory', d.cwd],
      ['branch', d.git_branch],
      [
        'pull request',
        d.pull_requests
          .map((pr) => [pr.repository && pr.number !== null ? `${pr.repository}#${pr.number}` : null, pr.url].filter(Boolean).join(' '))
          .join(', ') || null,
      ],
      ['rules', rulesLine(d.header.rules)],
      ['created', shortTime(d.created_at)],
      ['updated', shortTime(d.updated_at)],
      ['duration', formatDuration(d.duration_ms)],
      ['forked from', d.fork ? `${d.fork.from} at ${d.fork.at_msg ?? '(start)'}${d.fork.checkpoint ? ` (checkpoint ${d.fork.checkpoint})` : ''}` : null],
      [
        'resumed from',
        d.resume ? `${d.resume.from}${d.resume.tool ? ` (${d.resume.tool})` : ''}${d.resume.at_message ? ` at message ${d.resume.at_message}` : ''}` : null,
      ],
      ['resumed as', d.resumed_into.map((r) => `${r.id}${r.tool ? ` (${r.tool})` : ''}`).join(', ') || null],
      ['sub-agent of', d.parent_session_id],
      ['forks', d.children.forks.join(', ') || null],
      ['sub-agents', d.children.subagents.join(', ') || null],
      ['checkpoints', d.checkpoints.map((c) => c.name).join(', ') || null],
      ['tags', d.tags.join(', ') || null],
      ['messages', `${page.total} (${plural(d.tool_use_count, 'tool call')})`],
      [
        'tokens',
        `in ${formatTokens(d.usage.input_tokens)} · out ${formatTokens(d.usage.output_tokens)} · cache read ${formatTokens(d.usage.cache_read_tokens)} · cache write ${formatTokens(d.usage.cache_write_tokens)}`,
      ],
      ['est. cost', formatCost(d.cost_usd)],
    ];
    for (const [k, v] of facts) if (v) print(`${color.dim(k.padEnd(12))} ${v}`);
    if (limit === 0) return;
    print('');
    page.messages.forEach((m, i) => {
      print(renderMessage(offset + i + 1, m, { thinking: a.thinking }));
      print('');
    });
    const shown = offset + page.messages.length;
    if (shown < page.total) print(color.dim(`messages ${offset + 1}–${shown} of ${page.total}; next: sfs show ${a.session} --offset ${shown}`));
  }),
};

/** The rule set recorded when the session was captured: version and short hash. */
function rulesLine(r: unknown): string | null {
  const rules = r as { version?: number; hash?: string } | null | undefined;
  if (!rules?.version || !rules.hash) return null;
  return `version ${rules.version} · ${rules.hash.slice(0, 8)}`;
}
