import { api } from './api.js';

/**
 * The host serving the application (`GET /api/v1/host`): the local `sfs ui`, which can do
 * everything, or the team relay, which reads and searches the signed-in account's spaces and
 * needs a sign-in first. Pages ask `can` before offering an action.
 */
export interface HostInfo {
  kind: 'local' | 'relay';
  account: { id: string; username: string } | null;
  csrf: string | null;
  spaces: Array<{ id: string; name: string; kind: string; role: string }>;
  can: Record<string, boolean>;
}

export let host: HostInfo = { kind: 'local', account: null, csrf: null, spaces: [], can: {} };

export function can(what: string): boolean {
  return host.can[what] !== false;
}

export async function loadHost(): Promise<HostInfo> {
  try {
    host = await api.get<HostInfo>('/host');
  } catch {
    // An older local server without /host: it can do everything.
  }
  return host;
}

/** Who pushed a session and from which device (the relay's views say; locally, who shared it, if another account). */
export function pushedBy(s: {
  author?: { username: string | null } | null;
  pushed_by?: { username: string | null; device: string | null } | null;
}): string | null {
  const a = s.pushed_by ?? s.author;
  if (!a?.username) return null;
  const device = s.pushed_by?.device;
  return `${a.username}${device ? ` on ${device}` : ''}`;
}

/** The name of a space the signed-in account reads (the relay says which a session is in). */
export function spaceName(id: string | undefined): string | null {
  return id ? (host.spaces.find((s) => s.id === id)?.name ?? null) : null;
}

/** How a page names a session: on the relay, in the space it was listed from (a session can be in several). */
export function sessionRef(s: { id: string; space?: string }): string {
  return s.space ? `${s.space}/${s.id}` : s.id;
}
