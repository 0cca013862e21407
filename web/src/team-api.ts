import { api, query } from './api.js';

/**
 * The relay's team administration and handoff inbox (`/api/v1/team/…`, server/dashboard/team-routes.ts).
 * Only a relay serves it; `sfs ui` on a laptop does not, and the pages that use it are hidden there.
 */
export type Role = 'owner' | 'admin' | 'member';
export type Policy = 'warn' | 'redact' | 'block';

export interface Space {
  id: string;
  name: string;
  kind: 'personal' | 'team';
  role: Role;
  dlp_policy: Policy;
  members: number;
  created_at: string;
}

export interface Invitation {
  id: string;
  space: string;
  space_id: string;
  username: string;
  role: 'admin' | 'member';
  invited_by: string;
  created_at: string;
  expires_at: string;
}

export interface SpaceDetail {
  id: string;
  name: string;
  kind: 'personal' | 'team';
  role: Role;
  dlp_policy: Policy;
  created_at: string;
  me: string;
  members: Array<{ username: string; role: Role; created_at: string }>;
  /** Pending invitations: only for the space's owner and admins (null otherwise). */
  invitations: Invitation[] | null;
}

export interface Token {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  current: boolean;
}

export interface Device {
  origin: string;
  name: string | null;
  reported_name: string | null;
  created_at: string;
  last_seen_at: string | null;
  token: string | null;
  token_name: string | null;
  active: boolean;
  current: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  space: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

export interface Handoff {
  id: string;
  session: string;
  from: string;
  to: string;
  message: string | null;
  title: string | null;
  tool: string | null;
  device: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  state: 'pending' | 'accepted' | 'cancelled' | 'declined' | 'expired';
}

const seg = encodeURIComponent;

export const team = {
  spaces: () => api.get<{ account: string; spaces: Space[] }>('/team/spaces'),
  create: (name: string) => api.post<Space>('/team/spaces', { name }),
  space: (s: string) => api.get<SpaceDetail>(`/team/spaces/${seg(s)}`),
  setPolicy: (s: string, policy: Policy) => api.put(`/team/spaces/${seg(s)}/policy`, { policy }),
  invite: (s: string, username: string, role: 'admin' | 'member') => api.post<Invitation>(`/team/spaces/${seg(s)}/invitations`, { username, role }),
  cancelInvitation: (s: string, id: string) => api.del(`/team/spaces/${seg(s)}/invitations/${seg(id)}`),
  setRole: (s: string, username: string, role: 'admin' | 'member') => api.put(`/team/spaces/${seg(s)}/members/${seg(username)}`, { role }),
  remove: (s: string, username: string) => api.del(`/team/spaces/${seg(s)}/members/${seg(username)}`),
  spaceAudit: (s: string, before?: number) => api.get<{ space: string; entries: AuditEntry[] }>(`/team/spaces/${seg(s)}/audit${query({ before })}`),
  invitations: () => api.get<{ received: Invitation[]; sent: Invitation[] }>('/team/invitations'),
  accept: (id: string) => api.post<{ space: string; role: string }>(`/team/invitations/${seg(id)}/accept`),
  decline: (id: string) => api.post(`/team/invitations/${seg(id)}/decline`),
  tokens: () => api.get<{ tokens: Token[] }>('/team/tokens'),
  revokeToken: (id: string) => api.del(`/team/tokens/${seg(id)}`),
  devices: () => api.get<{ devices: Device[] }>('/team/devices'),
  renameDevice: (origin: string, name: string) => api.put(`/team/devices/${seg(origin)}`, { name }),
  revokeDevice: (origin: string) => api.del(`/team/devices/${seg(origin)}`),
  audit: (before?: number) => api.get<{ entries: AuditEntry[] }>(`/team/audit${query({ before })}`),
  handoffs: () => api.get<{ received: Handoff[]; sent: Handoff[] }>('/team/handoffs'),
  takeHandoff: (id: string) => api.post<{ session: string; copied: number; already_accepted: boolean }>(`/team/handoffs/${seg(id)}/accept`),
  declineHandoff: (id: string) => api.post(`/team/handoffs/${seg(id)}/decline`),
  cancelHandoff: (id: string) => api.del(`/team/handoffs/${seg(id)}`),
};
