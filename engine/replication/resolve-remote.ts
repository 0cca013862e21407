import { SfsError } from '../errors.js';

const FULL_ID = /^ses_[a-z0-9]{8,40}$/;

/**
 * Resolves what the user typed for `sfs pull` against the session ids the relay lists for
 * their spaces: an exact id, or an id prefix of at least 4 characters with or without
 * `ses_`. Same rules and wording as resolveSession (engine/queries/sessions.ts). A full id
 * the listing does not show (it holds the newest 1000) is passed on as is.
 */
export function resolveRemoteSession(ref: string, listed: Iterable<string>): string {
  const r = ref.trim();
  const ids = [...new Set(listed)].sort();
  if (ids.includes(r)) return r;
  const lower = r.toLowerCase();
  const bare = lower.startsWith('ses_') ? lower.slice(4) : lower;
  if (bare.length < 4 || !/^[a-z0-9]+$/.test(bare)) {
    throw new SfsError('NOT_FOUND', `no session named "${ref}" on the relay (use a full id or an id prefix of at least 4 characters; see sfs list-remote)`);
  }
  const matches = ids.filter((id) => id.startsWith('ses_' + bare));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    if (FULL_ID.test(lower)) return lower;
    throw new SfsError('NOT_FOUND', `no session on the relay matches "${ref}" (see sfs list-remote)`);
  }
  const list = matches.slice(0, 10);
  throw new SfsError('AMBIGUOUS', `"${ref}" matches ${matches.length > 10 ? 'more than 10' : matches.length} sessions: ${list.join(', ')}`, {
    candidates: list,
  });
}
