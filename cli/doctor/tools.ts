import {
  captureCursorKey as cursorKey,
  type AdapterEnv,
  type CaptureSource,
  type ToolAdapter,
  toolPresence,
  result,
  type CheckResult,
  type EventLog,
  type ProjectionDb,
  plural,
} from '../../engine/index.js';

/**
 * Per tool: is its store here, how many sources the adapter lists on disk, how many of
 * them were never captured (no capture cursor), and how many sessions the projections
 * hold for it. A store that holds sessions of which nothing was captured is the failure
 * users most need to hear about, so it is a loud warning.
 */
export async function checkTool(adapter: ToolAdapter, env: AdapterEnv, log: EventLog | null, db: ProjectionDb | null): Promise<CheckResult> {
  const id = `tool:${adapter.tool}`;
  const title = adapter.displayName;
  const presence = toolPresence(adapter, env);
  const captured = db ? capturedSessions(db, adapter.tool) : 0;
  const data: Record<string, unknown> = {
    tool: adapter.tool,
    store_found: presence.found,
    store_dirs: presence.existing.length ? presence.existing : presence.storeDirs,
    sources_on_disk: 0,
    sources_uncaptured: 0,
    sessions_captured: captured,
  };
  if (!presence.found) {
    const status = captured ? 'ok' : 'info';
    return result(
      id,
      title,
      status,
      `not installed here (no store at ${presence.storeDirs[0] ?? '-'}${presence.storeDirs.length > 1 ? ` or ${plural(presence.storeDirs.length - 1, 'other place')}` : ''})${captured ? `; ${plural(captured, 'session')} captured earlier` : ''}`,
      data,
    );
  }
  let sources: CaptureSource[];
  try {
    sources = await adapter.listSources(env);
  } catch (err) {
    return result(
      id,
      title,
      'fail',
      `store at ${presence.existing.join(', ')} but its sessions cannot be listed: ${(err as Error)?.message ?? String(err)}`,
      data,
    );
  }
  // No log but projections: the disk is full and the log cannot open, so the cursors are unknown.
  const uncaptured = log ? await countUncaptured(log, adapter.tool, sources) : db ? 0 : sources.length;
  Object.assign(data, { sources_on_disk: sources.length, sources_uncaptured: uncaptured });
  const where = presence.existing.join(', ');
  if (sources.length === 0) {
    return result(id, title, 'warn', `store at ${where} holds no session files this version of sfs can read`, data, [
      'if the tool has sessions, its storage format may have changed: please report it',
    ]);
  }
  const counts = `${plural(sources.length, 'session source')} on disk, ${plural(captured, 'session')} captured`;
  if (captured === 0) {
    return result(id, title, 'warn', `NOTHING CAPTURED from ${where}: ${counts}`, data, [
      `run \`sfs import --from ${adapter.tool}\` to capture them, and \`sfs daemon start\` to keep capturing`,
    ]);
  }
  if (uncaptured > 0) {
    return result(id, title, 'warn', `${counts}; ${uncaptured} ${uncaptured === 1 ? 'source was' : 'sources were'} never captured`, data, [
      `\`sfs import --from ${adapter.tool}\` captures them (a running daemon does it as they change)`,
    ]);
  }
  return result(id, title, 'ok', `${counts} (every source captured)`, data);
}

function capturedSessions(db: ProjectionDb, tool: string): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE tool = ? AND via = 'capture'").get(tool) as { n: number }).n;
}

/** Sources without a capture cursor were never captured (captureSource stores one with every pass). */
async function countUncaptured(log: EventLog, tool: string, sources: CaptureSource[]): Promise<number> {
  let n = 0;
  for (const s of sources) if ((await log.getCursor(cursorKey(tool, s.path))) === undefined) n++;
  return n;
}
