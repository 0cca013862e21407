import {
  type AdapterEnv,
  type CaptureSource,
  type ToolAdapter,
  type ToolHealth,
  toolHealth,
  result,
  type CheckResult,
  type EventLog,
  type ProjectionDb,
  plural,
} from '../../engine/index.js';

/**
 * Per tool: is its store here, how many sources the adapter lists on disk, how many of
 * them were never captured (no capture cursor), and how many sessions the projections
 * hold for it; and what must not go unnoticed (engine/capture/tool-health.ts): a tool
 * installed with no store where sfs looks, a newer version than tested, session files
 * that yielded nothing, record types sfs does not know. A store that holds sessions of
 * which nothing was captured is the failure users most need to hear about: a loud warning.
 */
export async function checkTool(adapter: ToolAdapter, env: AdapterEnv, log: EventLog | null, db: ProjectionDb | null): Promise<CheckResult> {
  const id = `tool:${adapter.tool}`;
  const title = adapter.displayName;
  const captured = db ? capturedSessions(db, adapter.tool) : 0;
  let sources: CaptureSource[] | undefined;
  let listError: string | null = null;
  const storeDirs = adapter.storeDirs(env);
  try {
    sources = await adapter.listSources(env);
  } catch (err) {
    listError = (err as Error)?.message ?? String(err);
  }
  // No log but projections: the disk is full and the log cannot open, so the cursors are unknown.
  const health = await toolHealth(adapter, env, { log, ...(sources ? { sources } : {}) });
  const uncaptured = log ? health.sources_uncaptured : db ? 0 : health.sources_on_disk;
  const data: Record<string, unknown> = {
    tool: adapter.tool,
    installed_version: health.installed_version,
    version_from: health.version_from,
    newest_tested: health.newest_tested,
    binary: health.binary,
    store_found: health.store_found,
    store_dirs: health.store_dirs,
    sources_on_disk: health.sources_on_disk,
    sources_uncaptured: uncaptured,
    sessions_captured: captured,
    unknown_records: health.unknown_records,
    warnings: health.warnings,
  };
  const warnings = health.warnings.map((w) => `warning: ${w.message}`);
  const version = health.installed_version ? `${adapter.displayName} ${health.installed_version}; ` : '';
  if (!health.store_found) {
    const missing = health.warnings.find((w) => w.kind === 'store-missing');
    if (missing) return result(id, title, 'warn', `${version}INSTALLED BUT NO SESSION STORE where sfs looks (${storeDirs.join(', ')})`, data, warnings);
    const status = health.warnings.length ? 'warn' : captured ? 'ok' : 'info';
    return result(
      id,
      title,
      status,
      `not installed here (no store at ${storeDirs[0] ?? '-'}${storeDirs.length > 1 ? ` or ${plural(storeDirs.length - 1, 'other place')}` : ''})${captured ? `; ${plural(captured, 'session')} captured earlier` : ''}`,
      data,
      warnings,
    );
  }
  const where = health.store_dirs.join(', ');
  if (listError !== null) return result(id, title, 'fail', `store at ${where} but its sessions cannot be listed: ${listError}`, data, warnings);
  const n = health.sources_on_disk;
  if (n === 0) {
    return result(id, title, 'warn', `${version}store at ${where} holds no session files this version of sfs can read`, data, [
      ...warnings,
      'if the tool has sessions, its storage format may have changed: please report it',
    ]);
  }
  const counts = `${version}${plural(n, 'session source')} on disk, ${plural(captured, 'session')} captured`;
  if (captured === 0) {
    return result(id, title, 'warn', `NOTHING CAPTURED from ${where}: ${counts}`, data, [
      ...warnings,
      `run \`sfs import --from ${adapter.tool}\` to capture them, and \`sfs daemon start\` to keep capturing`,
    ]);
  }
  if (uncaptured > 0) {
    return result(id, title, 'warn', `${counts}; ${uncaptured} ${uncaptured === 1 ? 'source was' : 'sources were'} never captured`, data, [
      ...warnings,
      `\`sfs import --from ${adapter.tool}\` captures them (a running daemon does it as they change)`,
    ]);
  }
  if (health.warnings.length) return result(id, title, 'warn', `${counts}; ${warningSummary(health)}`, data, warnings);
  return result(id, title, 'ok', `${counts} (every source captured)`, data);
}

/** One line for the summary: which kinds of warning there are. */
function warningSummary(h: ToolHealth): string {
  const kinds = new Set(h.warnings.map((w) => w.kind));
  const parts: string[] = [];
  if (kinds.has('newer-version')) parts.push(`newer than tested (${h.newest_tested})`);
  if (kinds.has('empty-source')) parts.push('session files that yielded nothing');
  if (kinds.has('unknown-record')) parts.push(`unknown record types: ${h.warnings.flatMap((w) => (w.record_type ? [w.record_type] : [])).join(', ')}`);
  return parts.join('; ');
}

function capturedSessions(db: ProjectionDb, tool: string): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE tool = ? AND via = 'capture'").get(tool) as { n: number }).n;
}
