import { SfsError } from '../errors.js';
import type { SessionRules } from '../model/events.js';
import type { Message } from '../model/message.js';
import type { ProjectionDb } from '../projections/db.js';
import { iterateMessages, orderedRefs } from '../queries/messages.js';
import { assertNotEvicted, getSessionDetail } from '../queries/sessions.js';
import type { SessionDetail } from '../queries/views.js';
import { SFS_VERSION, type SfsManifest, type SfsTools, type SfsWorkspace } from '../sfs/types.js';
import { writeSfsDir, type WriteSfsResult } from '../sfs/write-sfs.js';

export const CONVERTER_VERSION = '0.1.0';

/** Where a .sfs manifest carries the session's rules record: our own key under `metadata`, which other readers keep or ignore. */
export const SFS_RULES_KEY = 'sessionfs_rules';

/** The manifest, workspace and tools of a session as SessionFS format 0.1.0 writes them. */
export function sfsHeader(d: SessionDetail): { manifest: SfsManifest; workspace: SfsWorkspace | null; tools: SfsTools | null } {
  const h = d.header as {
    workspace?: SfsWorkspace | null;
    tools?: SfsTools | null;
    manifest_extra?: Record<string, unknown> | null;
    interface?: string | null;
    imported_session_id?: string | null;
    rules?: SessionRules | null;
  };
  const extra = { ...(h.manifest_extra ?? {}) };
  const reasoning = extra.reasoning_effort as string | undefined;
  delete extra.reasoning_effort;
  const metadata = { ...((extra.metadata as Record<string, unknown>) ?? {}) };
  delete extra.metadata;
  if (h.imported_session_id) metadata.sessionfs_imported_session_id = h.imported_session_id;
  // Which project rules guided the session (version and hash; the text stays with the project).
  if (h.rules) metadata[SFS_RULES_KEY] = { project: h.rules.project, version: h.rules.version, hash: h.rules.hash };
  const manifest: SfsManifest = {
    sfs_version: SFS_VERSION,
    session_id: d.id,
    title: d.title,
    tags: d.tags,
    created_at: d.created_at ?? d.updated_at ?? new Date(0).toISOString(),
    updated_at: d.updated_at,
    source: {
      tool: d.tool ?? 'unknown',
      tool_version: d.tool_version,
      sfs_converter_version: CONVERTER_VERSION,
      original_session_id: d.native_id,
      original_path: d.native_path,
      interface: h.interface ?? null,
    },
    ...(d.model || d.provider
      ? { model: { provider: d.provider ?? null, model_id: d.model ?? null, ...(reasoning ? { reasoning_effort: reasoning } : {}) } }
      : {}),
    stats: {
      message_count: d.message_count,
      tool_use_count: d.tool_use_count,
      total_input_tokens: d.usage.input_tokens,
      total_output_tokens: d.usage.output_tokens,
      estimated_cost_usd: d.cost_usd,
      duration_ms: d.duration_ms,
    },
    checkpoint_count: d.checkpoints.length,
    ...extra,
    parent_session_id: d.fork?.from ?? d.parent_session_id ?? (extra.parent_session_id as string | undefined) ?? null,
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
  const workspace: SfsWorkspace | null = h.workspace ?? (d.cwd ? { root_path: d.cwd, ...(d.git_branch ? { git: { branch: d.git_branch } } : {}) } : null);
  return { manifest, workspace, tools: h.tools ?? null };
}

/** The session's messages in order, forks flattened (the exported file stands alone). */
export function* exportMessages(db: ProjectionDb, id: string): Generator<Message> {
  for (const om of iterateMessages(db, id)) yield om.message;
}

export async function exportSfs(db: ProjectionDb, id: string, dest: string, o: { overwrite?: boolean } = {}): Promise<WriteSfsResult> {
  const d = getSessionDetail(db, id);
  if (d.purged) throw new SfsError('NOT_FOUND', `session ${id} was purged`);
  assertNotEvicted(db, id);
  const { manifest, workspace, tools } = sfsHeader(d);
  // A fork's file holds the inherited messages too, so count what is written.
  manifest.stats!.message_count = orderedRefs(db, id).length;
  return writeSfsDir(dest, { manifest, workspace, tools, messages: exportMessages(db, id) }, o);
}
