import type { FastifyInstance } from 'fastify';
import * as acc from '../accounts.js';
import * as members from '../membership.js';
import * as inv from '../invitations.js';
import { MAX_AUDIT_LIMIT, spaceAudit } from '../audit.js';
import type { DlpPolicy } from '../../engine/index.js';
import type { RelayContext } from './context.js';
import { NAME, POLICY, ROLE, object } from './schemas.js';

type Role = 'admin' | 'member';
const space = object({ space: NAME });
const spaceAnd = (key: string) => object({ space: NAME, [key]: NAME });

/** Spaces and their members: policy, teams (orgs), invitations, roles and ownership. Every route is authenticated. */
export async function spaceRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  const db = ctx.rdb.db;

  app.get('/v1/spaces', async (req) => ({ spaces: await acc.spacesOf(db, req.who.id) }));

  app.put<{ Params: { space: string }; Body: { policy: DlpPolicy } }>(
    '/v1/spaces/:space/policy',
    { schema: { params: space, body: object({ policy: POLICY }) } },
    async (req) => {
      await acc.setPolicy(db, req.who, req.params.space, req.body.policy);
      return { space: req.params.space, policy: req.body.policy };
    },
  );

  app.post<{ Body: { name: string } }>('/v1/orgs', { schema: { body: object({ name: NAME }) } }, async (req) => acc.createTeam(db, req.who, req.body.name));

  app.get('/v1/orgs', async (req) => ({ orgs: await members.listOrgs(db, req.who) }));

  app.get<{ Params: { space: string } }>('/v1/orgs/:space', { schema: { params: space } }, async (req) => members.showOrg(db, req.who, req.params.space));

  // Owners and admins only; a member, another account or an unknown space get the same FORBIDDEN.
  app.get<{ Params: { space: string }; Querystring: { limit?: string; before?: string } }>(
    '/v1/orgs/:space/audit',
    { schema: { params: space, querystring: AUDIT_PAGE } },
    async (req) => spaceAudit(db, req.who.id, req.params.space, auditPage(req.query)),
  );

  app.get<{ Params: { space: string } }>('/v1/orgs/:space/members', { schema: { params: space } }, async (req) => ({
    members: await members.listMembers(db, req.who, req.params.space),
  }));

  // Membership needs the invitee's consent: both routes only invite (the second is the older name, kept for old clients).
  const invite = { schema: { params: space, body: object({ username: NAME, role: { ...ROLE, default: 'member' } }, ['username']) } };
  const inviteHandler = async (req: { who: acc.Authed; params: { space: string }; body: { username: string; role: Role } }) => ({
    invitation: await inv.invite(db, req.who, req.params.space, req.body.username, req.body.role, ctx.opts.invitationTtlMs),
  });
  app.post<{ Params: { space: string }; Body: { username: string; role: Role } }>('/v1/orgs/:space/invitations', invite, inviteHandler);
  app.post<{ Params: { space: string }; Body: { username: string; role: Role } }>('/v1/orgs/:space/members', invite, inviteHandler);

  app.get<{ Params: { space: string } }>('/v1/orgs/:space/invitations', { schema: { params: space } }, async (req) => ({
    invitations: await inv.teamInvitations(db, req.who, req.params.space),
  }));

  app.delete<{ Params: { space: string; id: string } }>('/v1/orgs/:space/invitations/:id', { schema: { params: spaceAnd('id') } }, async (req) =>
    inv.cancelInvitation(db, req.who, req.params.space, req.params.id),
  );

  app.get('/v1/invitations', async (req) => ({ invitations: await inv.myInvitations(db, req.who) }));

  app.post<{ Params: { id: string } }>('/v1/invitations/:id/accept', { schema: { params: object({ id: NAME }) } }, async (req) =>
    inv.acceptInvitation(db, req.who, req.params.id),
  );

  app.post<{ Params: { id: string } }>('/v1/invitations/:id/decline', { schema: { params: object({ id: NAME }) } }, async (req) =>
    inv.declineInvitation(db, req.who, req.params.id),
  );

  app.put<{ Params: { space: string; username: string }; Body: { role: Role } }>(
    '/v1/orgs/:space/members/:username',
    { schema: { params: spaceAnd('username'), body: object({ role: ROLE }) } },
    async (req) => members.setRole(db, req.who, req.params.space, req.params.username, req.body.role),
  );

  app.post<{ Params: { space: string }; Body: { username: string } }>(
    '/v1/orgs/:space/transfer',
    { schema: { params: space, body: object({ username: NAME }) } },
    async (req) => members.transferOwnership(db, req.who, req.params.space, req.body.username),
  );

  app.delete<{ Params: { space: string; username: string } }>(
    '/v1/orgs/:space/members/:username',
    { schema: { params: spaceAnd('username') } },
    async (req) => {
      await members.removeMember(db, req.who, req.params.space, req.params.username);
      return { space: req.params.space, removed: req.params.username };
    },
  );
}

/** `?limit=N&before=ID`: query strings are text (no coercion), so digits by pattern, bounds checked in auditPage. */
export const AUDIT_PAGE = {
  type: 'object',
  properties: { limit: { type: 'string', pattern: '^[0-9]{1,4}$' }, before: { type: 'string', pattern: '^[0-9]{1,18}$' } },
  additionalProperties: false,
} as const;

export function auditPage(q: { limit?: string; before?: string }): { limit?: number; before?: number } {
  const limit = q.limit === undefined ? undefined : Math.max(1, Math.min(Number(q.limit), MAX_AUDIT_LIMIT));
  return { limit, before: q.before === undefined ? undefined : Number(q.before) };
}
