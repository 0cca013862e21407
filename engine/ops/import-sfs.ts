import { resolve, sep } from 'node:path';
import { SfsError } from '../errors.js';
import { capturedSessionId, SESSION_ID_RE } from '../ids.js';
import type { NewEvent, SessionDiscoveredBody, SessionRules } from '../model/events.js';
import type { Message } from '../model/message.js';
import { readSfsDir, type SfsSession } from '../sfs/read-sfs.js';
import type { SfsLimits } from '../sfs/types.js';
import type { Store } from '../store.js';
import { SFS_RULES_KEY } from './export-sfs.js';

export interface ImportResult {
  path: string;
  session_id: string;
  /** The id in the file, when ours differs (other implementations use UUIDs). */
  source_session_id: string;
  status: 'imported' | 'updated' | 'unchanged';
  messages_added: number;
}

const CHUNK = 1000;

/**
 * Our id for an imported session. A `ses_…` id is kept (round trips of our own
 * exports). Otherwise the id is derived like a capture's — from the tool and its native
 * id — so importing a session and capturing the same native session agree.
 */
export function importedSessionId(s: SfsSession): string {
  const m = s.manifest;
  if (SESSION_ID_RE.test(m.session_id)) return m.session_id;
  if (m.source.original_session_id) return capturedSessionId(m.source.tool, m.source.original_session_id);
  return capturedSessionId('sfs', m.session_id);
}

function discoveredBody(s: SfsSession, id: string): SessionDiscoveredBody {
  const m = s.manifest;
  // Fields we model are re-derived on export; everything else travels verbatim.
  const known = new Set(['sfs_version', 'session_id', 'title', 'tags', 'created_at', 'updated_at', 'source', 'model', 'stats', 'checkpoint_count']);
  const extra: Record<string, unknown> = Object.fromEntries(Object.entries(m).filter(([k]) => !known.has(k) && m[k] !== null));
  let carried: string | null = null;
  let rules: SessionRules | null = null;
  if (extra.metadata && typeof extra.metadata === 'object') {
    const { sessionfs_imported_session_id, ...rest } = extra.metadata as Record<string, unknown>;
    if (typeof sessionfs_imported_session_id === 'string') carried = sessionfs_imported_session_id;
    // The rules record our export writes; one of another shape is someone else's metadata and travels verbatim.
    rules = sessionRules(rest[SFS_RULES_KEY]);
    if (rules) delete rest[SFS_RULES_KEY];
    if (Object.keys(rest).length) extra.metadata = rest;
    else delete extra.metadata;
  }
  const ws = s.workspace;
  const shellCwd = (s.tools?.shell as { working_directory?: unknown } | null | undefined)?.working_directory;
  return {
    tool: m.source.tool,
    native_id: m.source.original_session_id ?? null,
    native_path: m.source.original_path ?? null,
    cwd: ws?.root_path ?? (typeof shellCwd === 'string' ? shellCwd : null),
    git: ws?.git
      ? { branch: ws.git.branch ?? null, remote_url: ws.git.remote_url ?? null, commit_sha: ws.git.commit_sha ?? null, dirty: ws.git.dirty ?? null }
      : null,
    model: m.model ? { provider: m.model.provider ?? null, model_id: m.model.model_id ?? null } : null,
    tool_version: m.source.tool_version ?? null,
    title: m.title ?? null,
    tags: m.tags ?? [],
    created_at: m.created_at,
    interface: m.source.interface ?? null,
    // The manifest's parent (fork or resume source) stays in manifest_extra; it is not a sub-agent link.
    parent_session_id: null,
    via: 'import',
    imported_session_id: m.session_id === id ? carried : m.session_id,
    workspace: (ws as Record<string, unknown> | null) ?? null,
    tools: (s.tools as Record<string, unknown> | null) ?? null,
    manifest_extra:
      Object.keys(extra).length || m.model?.reasoning_effort
        ? { ...extra, ...(m.model?.reasoning_effort ? { reasoning_effort: m.model.reasoning_effort } : {}) }
        : null,
    ...(rules ? { rules } : {}),
  };
}

/** A rules record as `session.discovered` holds it (schemas/events/session.discovered.schema.json), else null. */
function sessionRules(v: unknown): SessionRules | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const r = v as Record<string, unknown>;
  if (Object.keys(r).some((k) => k !== 'project' && k !== 'version' && k !== 'hash')) return null;
  const { project, version, hash } = r;
  if (typeof project !== 'string' || !project || typeof hash !== 'string' || !hash) return null;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return null;
  return { project, version, hash };
}

/** readSfsDir, with errors that name the directory: with several paths, "manifest.json: …" alone does not say which. */
async function readNamed(dir: string, limits: Partial<SfsLimits> | undefined): Promise<SfsSession> {
  try {
    return await readSfsDir(dir, limits);
  } catch (err) {
    if (!(err instanceof SfsError) || err.message.startsWith(dir)) throw err;
    throw new SfsError(err.code, `${dir}${sep}${err.message}`, { ...err.details, dir }, { cause: err });
  }
}

/**
 * Imports .sfs directories. Every path is read and validated before anything is
 * written, so one bad file imports nothing. Each session is appended in chunks that
 * de-duplicate by message id: re-importing, or re-running after a kill, adds nothing
 * twice and completes what was cut off.
 */
export async function importSfs(
  store: Store,
  paths: string[],
  o: { limits?: Partial<SfsLimits>; onSession?: (r: ImportResult) => void } = {},
): Promise<ImportResult[]> {
  if (!paths.length) throw new SfsError('USAGE', 'name at least one .sfs directory to import');
  const sessions: SfsSession[] = [];
  for (const p of paths) sessions.push(await readNamed(resolve(p), o.limits));
  const ids = new Map<string, string>();
  for (const s of sessions) {
    const id = importedSessionId(s);
    const prior = ids.get(id);
    if (prior) throw new SfsError('CONFLICT', `${s.dir} and ${prior} hold the same session (${id}); import one of them`);
    ids.set(id, s.dir);
  }
  const results: ImportResult[] = [];
  for (const s of sessions) {
    const id = importedSessionId(s);
    const existed = await store.log.hasSession(id);
    let added = 0;
    let header: NewEvent | null = { type: 'session.discovered', session: id, body: discoveredBody(s, id) };
    let batch: Message[] = [];
    const flush = async () => {
      const events: NewEvent[] = header ? [header] : [];
      if (batch.length) events.push({ type: 'messages.captured', session: id, body: { messages: batch } });
      if (events.length) {
        const res = await store.log.append({ events, dedupe: true });
        added += batch.length - res.skippedMessages;
      }
      header = null;
      batch = [];
    };
    for await (const m of s.messages()) {
      batch.push(m);
      if (batch.length >= CHUNK) await flush();
    }
    await flush();
    const r: ImportResult = {
      path: s.dir,
      session_id: id,
      source_session_id: s.manifest.session_id,
      status: !existed ? 'imported' : added ? 'updated' : 'unchanged',
      messages_added: added,
    };
    results.push(r);
    o.onSession?.(r);
  }
  return results;
}
