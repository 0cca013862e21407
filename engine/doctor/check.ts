/**
 * One `sfs doctor` check result. 'fail' makes doctor exit non-zero; 'warn' is printed
 * loudly but is not a failure (e.g. a tool installed but not captured yet); 'info' is a
 * plain fact (a tool that is not installed).
 */
export type CheckStatus = 'ok' | 'info' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable id: 'store', 'tool:<name>', 'daemon', 'permissions', 'disk'. */
  id: string;
  title: string;
  status: CheckStatus;
  /** One line. */
  summary: string;
  /** Further lines: what was found, what to do. */
  details: string[];
  /** What --fix did for this check. */
  fixed: string[];
  data: Record<string, unknown>;
}

export function result(
  id: string,
  title: string,
  status: CheckStatus,
  summary: string,
  data: Record<string, unknown> = {},
  details: string[] = [],
): CheckResult {
  return { id, title, status, summary, details, fixed: [], data };
}

const RANK: Record<CheckStatus, number> = { ok: 0, info: 0, warn: 1, fail: 2 };

/** The worse of two statuses. */
export function worst(a: CheckStatus, b: CheckStatus): CheckStatus {
  return RANK[b] > RANK[a] ? b : a;
}
