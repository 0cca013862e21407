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

/** Who pushed a session and from which device (the relay's views say; a local session has no such author). */
export function pushedBy(a: { username: string; device?: string | null } | null | undefined): string | null {
  return a ? `${a.username}${a.device ? ` on ${a.device}` : ''}` : null;
}
