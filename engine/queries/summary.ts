import { blockText, type Message, type ToolResultBlock, type ToolUseBlock } from '../model/message.js';
import type { ProjectionDb } from '../projections/db.js';
import { exitCodeOf, isTestCommand, packageInstall, shellFileEffects, simpleCommands, testOutcome, type PackageInstall } from '../summary/commands.js';
import { activeIntervals, IDLE_GAP_MS, unionMs, type Interval } from '../summary/active-time.js';
import { classifyToolCall } from '../summary/tool-calls.js';
import { iterateMessages } from './messages.js';
import { getSessionDetail, listSessions } from './sessions.js';
import type { TokenTotals } from './views.js';

/**
 * What a session did, derived only from its captured tool calls and results — no model,
 * the same answer every time: files read and written, commands, tests and how they
 * ended, packages installed, errors, duration, tokens and cost.
 */
export interface WorkSummary {
  id: string;
  title: string;
  tool: string | null;
  cwd: string | null;
  created_at: string | null;
  updated_at: string | null;
  /** First to last message. */
  duration_ms: number | null;
  /** Active time (engine/summary/active-time.ts): idle gaps not counted; within the period for a period's summary. */
  active_ms: number;
  message_count: number;
  tool_calls: number;
  files_read: string[];
  files_written: string[];
  commands: Array<{ command: string; exit_code: number | null; failed: boolean }>;
  tests: Array<{ command: string; outcome: 'passed' | 'failed' | 'unknown' }>;
  packages: PackageInstall[];
  errors: Array<{ tool: string; message: string }>;
  usage: TokenTotals;
  cost_usd: number | null;
}

function resultText(r: ToolResultBlock | undefined): string {
  if (!r) return '';
  if (typeof r.content === 'string') return r.content;
  return Array.isArray(r.content) ? r.content.map(blockText).join('\n') : '';
}

/** A path as the user thinks of it: relative to the session's directory when it lies inside. */
function displayPath(p: string, cwd: string | null): string {
  if (cwd && p.startsWith(cwd.replace(/\/+$/, '') + '/')) return p.slice(cwd.replace(/\/+$/, '').length + 1);
  return p;
}

/** Lines tools wrap output in (exit codes, timings, tags) are not the error itself. */
const NOISE = /^(Chunk ID:|Wall time:|Original token count:|Output:\s*$|Process exited with code|Exit code:? -?\d+$|Process Group PGID:|<\/?[\w-]+>$)/i;

function firstLine(s: string): string {
  const line =
    s
      .split('\n')
      .map((l) => l.trim().replace(/^Output:\s*/, ''))
      .find((l) => l && !NOISE.test(l)) ?? s.trim();
  return line.length > 200 ? line.slice(0, 199) + '…' : line;
}

/** A session's active stretches in [since, until) (ms; the whole session without bounds), from its own messages' times. */
export function sessionActiveIntervals(db: ProjectionDb, id: string, since = -Infinity, until = Infinity): Interval[] {
  // A gap that crosses a bound still needs the message just outside it.
  const lo = Number.isFinite(since) ? new Date(since - IDLE_GAP_MS).toISOString() : '';
  const hi = Number.isFinite(until) ? new Date(until + IDLE_GAP_MS).toISOString() : '\uffff';
  const rows = db
    .prepare('SELECT ts FROM messages WHERE session = (SELECT rowid FROM sessions WHERE id = ?) AND ts >= ? AND ts <= ? ORDER BY ts')
    .all(id, lo, hi) as Array<{ ts: string }>;
  return activeIntervals(
    rows.map((r) => Date.parse(r.ts)),
    since,
    until,
  );
}

export function summarizeSession(db: ProjectionDb, id: string, period?: { since: string; until: string }): WorkSummary {
  const d = getSessionDetail(db, id);
  const uses: Array<{ use: ToolUseBlock }> = [];
  const results = new Map<string, ToolResultBlock>();
  const apiErrors: string[] = [];
  for (const { message } of iterateMessages(db, id)) collect(message, uses, results, apiErrors);
  const active = period ? sessionActiveIntervals(db, id, Date.parse(period.since), Date.parse(period.until)) : sessionActiveIntervals(db, id);
  const read = new Set<string>();
  const written = new Set<string>();
  const out: WorkSummary = {
    id: d.id,
    title: d.title,
    tool: d.tool,
    cwd: d.cwd,
    created_at: d.created_at,
    updated_at: d.updated_at,
    duration_ms: d.duration_ms,
    active_ms: unionMs(active),
    // the same counts as show and list (a fork includes what it inherits)
    message_count: d.message_count,
    tool_calls: d.tool_use_count,
    files_read: [],
    files_written: [],
    commands: [],
    tests: [],
    packages: [],
    errors: [],
    usage: d.usage,
    cost_usd: d.cost_usd,
  };
  for (const { use } of uses) {
    const result = results.get(use.tool_use_id);
    const text = resultText(result);
    const isError = result?.is_error === true;
    for (const action of classifyToolCall(use.name, use.input)) {
      if (action.kind === 'read') for (const p of action.paths) read.add(displayPath(p, d.cwd));
      if (action.kind === 'write') for (const p of action.paths) written.add(displayPath(p, d.cwd));
      if (action.kind === 'command') {
        const code = result ? exitCodeOf(text) : null;
        const failed = code !== null ? code !== 0 : isError;
        // A failed command may not have touched its files: only successful ones count.
        if (!failed) {
          for (const c of simpleCommands(action.command)) {
            const fx = shellFileEffects(c);
            for (const p of fx.reads) read.add(displayPath(p, d.cwd));
            for (const p of fx.writes) written.add(displayPath(p, d.cwd));
          }
        }
        out.commands.push({ command: action.command, exit_code: code, failed });
        if (simpleCommands(action.command).some(isTestCommand))
          out.tests.push({ command: action.command, outcome: result ? testOutcome(text, isError) : 'unknown' });
        for (const c of simpleCommands(action.command)) {
          const p = packageInstall(c);
          if (p && !failed) out.packages.push(p);
        }
        if (failed) out.errors.push({ tool: use.name, message: `${action.command}: ${firstLine(text) || 'failed'}` });
        continue;
      }
    }
    if (isError && !classifyToolCall(use.name, use.input).some((a) => a.kind === 'command')) {
      out.errors.push({ tool: use.name, message: firstLine(text) || 'failed' });
    }
  }
  for (const e of apiErrors) out.errors.push({ tool: 'api', message: firstLine(e) });
  out.files_read = [...read];
  out.files_written = [...written];
  return out;
}

function collect(m: Message, uses: Array<{ use: ToolUseBlock }>, results: Map<string, ToolResultBlock>, apiErrors: string[]): void {
  if (m.is_api_error) apiErrors.push(m.content.map(blockText).join('\n'));
  for (const b of m.content) {
    if (b.type === 'tool_use') uses.push({ use: b as ToolUseBlock });
    else if (b.type === 'tool_result') {
      const r = b as ToolResultBlock;
      if (!results.has(r.tool_use_id)) results.set(r.tool_use_id, r);
    }
  }
}

export interface PeriodTotals {
  sessions: number;
  usage: TokenTotals;
  cost_usd: number | null;
  /** Wall-clock active time in the period: sessions running side by side count once; at most the period's length. */
  active_ms: number;
  /** The sessions' active times in the period added up (more than active_ms when sessions overlapped). */
  session_active_ms: number;
}

/** Summaries of every session active in [since, until), newest activity first, with totals. */
export function summarizePeriod(db: ProjectionDb, since: string, until: string): { sessions: WorkSummary[]; totals: PeriodTotals } {
  const { sessions } = listSessions(db, { since, until, limit: 10_000 });
  const out = sessions.map((s) => summarizeSession(db, s.id, { since, until }));
  const all: Interval[] = sessions.flatMap((s) => sessionActiveIntervals(db, s.id, Date.parse(since), Date.parse(until)));
  const usage: TokenTotals = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };
  let cost: number | null = 0;
  let sessionActive = 0;
  for (const s of out) {
    for (const k of Object.keys(usage) as (keyof TokenTotals)[]) usage[k] += s.usage[k];
    if (s.cost_usd === null) cost = null;
    else if (cost !== null) cost += s.cost_usd;
    sessionActive += s.active_ms;
  }
  return { sessions: out, totals: { sessions: out.length, usage, cost_usd: cost, active_ms: unionMs(all), session_active_ms: sessionActive } };
}
