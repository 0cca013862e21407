import { SfsError } from '../errors.js';

/**
 * Tickets a session works on. No tool records a ticket, so sessions carry no ticket field: the
 * ticket is read where people write it, as an issue-tracker key (Jira, Linear, YouTrack:
 * `PROJ-123`, `ENG-42`) —
 * - in the git branch, at the start of a path segment, in any case (`feature/PROJ-123-signup`,
 *   Linear's `eng-42-fix-login`);
 * - anywhere in the branch, title, alias and tags in capitals only (so `step-2` or `utf-8` in prose is not a ticket).
 * The list filter (ticketSql) matches exactly what sessionTickets reads.
 */
const TEXT_KEY = /(?<![A-Za-z0-9])([A-Z][A-Z0-9]{1,9}-\d{1,7})(?![0-9])/g;
const BRANCH_KEY = /(?:^|\/)([A-Za-z][A-Za-z0-9]{1,9}-\d{1,7})(?![0-9])/g;
/** Words that look like keys at the start of a branch segment but are not tickets. */
const NOT_A_KEY = /^(RELEASE|HOTFIX|FEATURE|FIX|BUGFIX|PATCH|PR|MR|UTF|ISO|SHA|RFC|WIP|V\d*)-/;

const KEY_SHAPE = /^[A-Z][A-Z0-9]{1,9}-\d{1,7}$/;

function collect(out: string[], re: RegExp, text: string | null | undefined): void {
  if (!text) return;
  for (const m of text.matchAll(re)) {
    const key = m[1]!.toUpperCase();
    if (!NOT_A_KEY.test(key) && !out.includes(key)) out.push(key);
  }
}

/** A session's ticket keys (upper case, in order, without repeats): branch first, then title, alias, tags. */
export function sessionTickets(s: { git_branch: string | null; title: string; alias: string | null; tags: readonly string[] }): string[] {
  const out: string[] = [];
  collect(out, BRANCH_KEY, s.git_branch);
  for (const t of [s.git_branch, s.title, s.alias, ...s.tags]) collect(out, TEXT_KEY, t);
  return out;
}

/** A ticket filter as a user typed it: one key, upper-cased; anything else is a usage error. */
export function normaliseTicket(arg: string): string {
  const key = arg.trim().replace(/^#/, '').toUpperCase();
  if (!KEY_SHAPE.test(key) || NOT_A_KEY.test(key)) throw new SfsError('USAGE', `"${arg}" is not a ticket key (like PROJ-123)`);
  return key;
}

/** The SQL of a session's title (titleOf in sessions.ts: the first non-blank of these). */
const TITLE_SQL = "COALESCE(NULLIF(TRIM(user_title),''), NULLIF(TRIM(native_title),''), NULLIF(TRIM(discovered_title),''), NULLIF(TRIM(first_prompt),''), '')";

/**
 * SQL for "sessionTickets of this row holds `key`" (a normalised key): GLOBs with the same
 * boundaries as the regular expressions above, so PROJ-12 does not match PROJ-123.
 */
export function ticketSql(key: string, params: Record<string, unknown>): string {
  params.ticket_branch = `*/${key}[^0-9]*`;
  params.ticket_text = `*[^A-Za-z0-9]${key}[^0-9]*`;
  return `(UPPER('/' || COALESCE(git_branch,'') || '/') GLOB @ticket_branch OR (' ' || COALESCE(git_branch,'') || ' ' || ${TITLE_SQL} || ' ' || COALESCE(alias,'') || ' ' || tags || ' ') GLOB @ticket_text)`;
}
