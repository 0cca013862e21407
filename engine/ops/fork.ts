import { SfsError } from '../errors.js';
import { randomSessionId } from '../ids.js';
import { orderedRefs } from '../queries/messages.js';
import { getSessionRow, titleOf } from '../queries/sessions.js';
import type { Store } from '../store.js';

export interface ForkOptions {
  /** Fork after this message (a msg_id of the session, inherited ones included). */
  at?: string;
  /** Fork at a named checkpoint. */
  fromCheckpoint?: string;
  /** Title of the new session. */
  name?: string;
}

/** Creates a new session that continues `sessionId` up to a message: a pointer, not a copy. */
export async function forkSession(store: Store, sessionId: string, o: ForkOptions = {}): Promise<{ id: string; at_msg: string | null }> {
  if (o.at && o.fromCheckpoint) throw new SfsError('USAGE', 'use either --at or --from-checkpoint, not both');
  const db = await store.view();
  const row = getSessionRow(db, sessionId);
  if (row.purged) throw new SfsError('NOT_FOUND', `session ${sessionId} was purged`);
  const refs = orderedRefs(db, sessionId);
  let at: string | null;
  if (o.fromCheckpoint) {
    const cp = db.prepare('SELECT at_msg FROM checkpoints WHERE session_id = ? AND name = ?').get(sessionId, o.fromCheckpoint) as
      { at_msg: string | null } | undefined;
    if (!cp) throw new SfsError('NOT_FOUND', `session ${sessionId} has no checkpoint "${o.fromCheckpoint}"`);
    at = cp.at_msg;
  } else if (o.at) {
    const hit = refs.find((r) => r.msg_id === o.at) ?? matchIndex(refs, o.at);
    if (!hit) throw new SfsError('NOT_FOUND', `session ${sessionId} has no message "${o.at}"`);
    at = hit.msg_id;
  } else {
    at = refs.length ? refs[refs.length - 1]!.msg_id : null;
  }
  const id = randomSessionId();
  await store.log.append({
    events: [
      {
        type: 'session.forked',
        session: id,
        body: {
          from_session: sessionId,
          at_msg: at,
          from_checkpoint: o.fromCheckpoint ?? null,
          // Without a name the fork says what it continues, instead of showing as untitled.
          name: o.name ?? `${titleOf(row)} (fork)`,
          created_at: new Date().toISOString(),
          tool: row.tool as string,
          cwd: (row.cwd as string | null) ?? null,
          git: { branch: (row.git_branch as string | null) ?? null, remote_url: (row.git_remote as string | null) ?? null },
          model: { provider: (row.provider as string | null) ?? null, model_id: (row.model as string | null) ?? null },
          tool_version: (row.tool_version as string | null) ?? null,
        },
      },
    ],
  });
  return { id, at_msg: at };
}

/** `--at 12` means the 12th message as `sfs show` numbers them (1-based). */
function matchIndex<T>(refs: T[], at: string): T | undefined {
  if (!/^\d+$/.test(at)) return undefined;
  const n = Number(at);
  return n >= 1 ? refs[n - 1] : undefined;
}
