import type { Argv, CommandModule } from 'yargs';
import { SfsError, summarizePeriod, summarizeSession, type WorkSummary, IDLE_GAP_MS, resolveSession, plural } from '../../engine/index.js';
import { handler, type GlobalArgs } from '../context.js';
import { color, formatCost, formatDuration, formatTokens, print, printJson, shortTime, truncate } from '../output.js';

interface Args extends GlobalArgs {
  session?: string;
  today?: boolean;
}

function list(label: string, items: string[], max = 30): void {
  if (!items.length) return;
  print(`${color.bold(label)} (${items.length})`);
  for (const i of items.slice(0, max)) print(`  ${i}`);
  if (items.length > max) print(color.dim(`  … ${items.length - max} more (--json lists all)`));
}

/** `period` names the span active time is counted in ("today"); without it, the whole session. */
function render(s: WorkSummary, period?: string): void {
  print(`${color.cyan(s.id)} ${color.bold(s.title)}`);
  const tokens = s.usage.input_tokens + s.usage.cache_read_tokens + s.usage.cache_write_tokens;
  print(
    color.dim(
      `${s.tool ?? '?'} · ${shortTime(s.created_at)} · ${formatDuration(s.active_ms)} active${period ? ` ${period}` : ''} · ${plural(s.message_count, 'message')}, ${plural(s.tool_calls, 'tool call')} · ` +
        `${formatTokens(tokens)} in / ${formatTokens(s.usage.output_tokens)} out · ${formatCost(s.cost_usd)}`,
    ),
  );
  list('Files read', s.files_read);
  list('Files written', s.files_written);
  list(
    'Commands',
    s.commands.map(
      (c) =>
        `${c.failed ? color.red('✗') : color.green('✓')} ${truncate(c.command, 120)}${c.exit_code !== null && c.exit_code !== 0 ? color.dim(` (exit ${c.exit_code})`) : ''}`,
    ),
  );
  list(
    'Tests',
    s.tests.map(
      (t) =>
        `${t.outcome === 'passed' ? color.green('passed') : t.outcome === 'failed' ? color.red('failed') : color.dim('unknown')} ${truncate(t.command, 110)}`,
    ),
  );
  list(
    'Packages installed',
    s.packages.map((p) => `${p.manager}: ${p.packages.join(' ')}`),
  );
  list(
    'Errors',
    s.errors.map((e) => `${color.dim(e.tool)} ${truncate(e.message, 140)}`),
  );
}

export const summaryCommand: CommandModule<GlobalArgs, Args> = {
  command: 'summary [session]',
  describe: 'What a session did (files, commands, tests, packages, errors, tokens, cost), or every session today',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('session', { type: 'string', describe: 'id, alias or id prefix' })
      .option('today', { type: 'boolean', describe: 'every session active today (local time)' })
      .conflicts('session', 'today') as Argv<Args>,
  handler: handler<Args>(async (a, ctx) => {
    const db = await (await ctx.store()).view();
    if (a.today) {
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      const end = new Date(start);
      end.setDate(end.getDate() + 1); // the next local midnight (a DST day is 23 or 25 hours)
      const r = summarizePeriod(db, start.toISOString(), end.toISOString());
      if (ctx.json) return printJson('summary', { since: start.toISOString(), until: end.toISOString(), ...r });
      if (!r.sessions.length) return print(color.dim('No sessions today.'));
      const t = r.totals;
      print(
        color.bold(
          `Today: ${plural(t.sessions, 'session')} · ${formatDuration(t.active_ms)} active · ${formatTokens(t.usage.input_tokens + t.usage.cache_read_tokens + t.usage.cache_write_tokens)} in / ${formatTokens(t.usage.output_tokens)} out · ${formatCost(t.cost_usd)}`,
        ),
      );
      print(
        color.dim(
          `Active: wall-clock time today between messages at most ${IDLE_GAP_MS / 60_000} min apart; sessions side by side count once${t.session_active_ms > t.active_ms ? ` (${formatDuration(t.session_active_ms)} added up per session)` : ''}.`,
        ),
      );
      for (const s of r.sessions) {
        print('');
        render(s, 'today');
      }
      return;
    }
    if (!a.session) throw new SfsError('USAGE', 'name a session, or use --today');
    const s = summarizeSession(db, resolveSession(db, a.session));
    if (ctx.json) return printJson('summary', s);
    render(s);
  }),
};
