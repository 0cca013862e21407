import type { FastifyInstance } from 'fastify';
import * as acc from '../accounts.js';
import * as members from '../membership.js';
import * as inv from '../invitations.js';
import { accountAudit, spaceAudit } from '../audit.js';
import { acceptHandoff, cancelHandoff, declineHandoff, listHandoffs } from '../handoffs.js';
import type { DlpPolicy } from '../../engine/index.js';
import type { RelayContext } from '../routes/context.js';
import { AUDIT_PAGE, auditPage } from '../routes/spaces.js';
import { NAME, POLICY, ROLE, object } from '../routes/schemas.js';
import { API_ENVELOPE_VERSION } from './api-routes.js';

type Role = 'admin' | 'member';
const envelope = (command: string, data: unknown) => ({ sfs_json: API_ENVELOPE_VERSION, command, data });
const space = object({ space: NAME });
const spaceAnd = (key: string) => object({ space: NAME, [key]: NAME });
const id = object({ id: NAME });

/**
 * Team administration and the handoff inbox for the relay's dashboard, under `/api/v1/team/…`: the same
 * rules as the relay's `/v1` routes (every answer comes from membership.ts, invitations.ts, accounts.ts,
 * audit.ts and handoffs.ts; none is decided here), in the dashboard's `{ sfs_json, command, data }` envelope.
 * Authentication is the relay's (`req.who`); a space is looked up through requireMember in those modules,
 * so another account, a non-member and an invitee who has not accepted all get FORBIDDEN.
 */
export async function teamRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  const db = ctx.rdb.db;

  app.get('/spaces', async (req) => envelope('org.list', { account: req.who.username, spaces: await members.listOrgs(db, req.who) }));

  app.post<{ Body: { name: string } }>('/spaces', { schema: { body: object({ name: NAME }) } }, async (req) =>
    envelope('org.create', await acc.createTeam(db, req.who, req.body.name)),
  );

  // Members and role; pending invitations only for owners and admins (showOrg decides).
  app.get<{ Params: { space: string } }>('/spaces/:space', { schema: { params: space } }, async (req) =>
    envelope('org.show', { ...(await members.showOrg(db, req.who, req.params.space)), me: req.who.username }),
  );

  app.put<{ Params: { space: string }; Body: { policy: DlpPolicy } }>(
    '/spaces/:space/policy',
    { schema: { params: space, body: object({ policy: POLICY }) } },
    async (req) => {
      await acc.setPolicy(db, req.who, req.params.space, req.body.policy);
      return envelope('org.policy', { space: req.params.space, policy: req.body.policy });
    },
  );

  app.post<{ Params: { space: string }; Body: { username: string; role: Role } }>(
    '/spaces/:space/invitations',
    { schema: { params: space, body: object({ username: NAME, role: { ...ROLE, default: 'member' } }, ['username']) } },
    async (req) => envelope('org.invite', await inv.invite(db, req.who, req.params.space, req.body.username, req.body.role, ctx.opts.invitationTtlMs)),
  );

  app.delete<{ Params: { space: string; id: string } }>('/spaces/:space/invitations/:id', { schema: { params: spaceAnd('id') } }, async (req) =>
    envelope('org.cancel', await inv.cancelInvitation(db, req.who, req.params.space, req.params.id)),
  );

  app.put<{ Params: { space: string; username: string }; Body: { role: Role } }>(
    '/spaces/:space/members/:username',
    { schema: { params: spaceAnd('username'), body: object({ role: ROLE }) } },
    async (req) => envelope('org.role', await members.setRole(db, req.who, req.params.space, req.params.username, req.body.role)),
  );

  // Removing oneself is leaving (removeMember decides, as for the CLI).
  app.delete<{ Params: { space: string; username: string } }>('/spaces/:space/members/:username', { schema: { params: spaceAnd('username') } }, async (req) => {
    await members.removeMember(db, req.who, req.params.space, req.params.username);
    return envelope('org.remove', { space: req.params.space, removed: req.params.username });
  });

  app.get<{ Params: { space: string }; Querystring: { limit?: string; before?: string } }>(
    '/spaces/:space/audit',
    { schema: { params: space, querystring: AUDIT_PAGE } },
    async (req) => envelope('org.audit', await spaceAudit(db, req.who.id, req.params.space, auditPage(req.query))),
  );

  // Received: the caller's to answer. Sent: pending in the teams the caller manages, the ones it may cancel.
  app.get('/invitations', async (req) =>
    envelope('org.invitations', { received: await inv.myInvitations(db, req.who), sent: await inv.managedInvitations(db, req.who) }),
  );

  app.post<{ Params: { id: string } }>('/invitations/:id/accept', { schema: { params: id } }, async (req) =>
    envelope('org.accept', await inv.acceptInvitation(db, req.who, req.params.id)),
  );

  app.post<{ Params: { id: string } }>('/invitations/:id/decline', { schema: { params: id } }, async (req) =>
    envelope('org.decline', await inv.declineInvitation(db, req.who, req.params.id)),
  );

  app.get('/tokens', async (req) => envelope('token.list', { tokens: await acc.listTokens(db, req.who) }));

  // Revoking a token (or a device's) closes the sync sockets holding it on every relay process (accounts.revokeTokenIn).
  app.delete<{ Params: { id: string } }>('/tokens/:id', { schema: { params: id } }, async (req) => {
    await acc.revokeToken(db, req.who, req.params.id);
    return envelope('token.revoke', { revoked: req.params.id });
  });

  app.get('/devices', async (req) => envelope('device.list', { devices: await acc.listDevices(db, req.who) }));

  app.put<{ Params: { device: string }; Body: { name: string } }>(
    '/devices/:device',
    { schema: { params: object({ device: NAME }), body: object({ name: { type: 'string', minLength: 1, maxLength: 64 } }) } },
    async (req) => envelope('device.rename', await acc.renameDevice(db, req.who, req.params.device, req.body.name)),
  );

  app.delete<{ Params: { device: string } }>('/devices/:device', { schema: { params: object({ device: NAME }) } }, async (req) =>
    envelope('device.revoke', await acc.revokeDevice(db, req.who, req.params.device)),
  );

  app.get<{ Querystring: { limit?: string; before?: string } }>('/audit', { schema: { querystring: AUDIT_PAGE } }, async (req) =>
    envelope('audit', await accountAudit(db, req.who.id, auditPage(req.query))),
  );

  // The inbox: handoffs to the caller, and those it sent; `state` says which can still be acted on.
  app.get('/handoffs', async (req) => {
    const all = await listHandoffs(db, req.who);
    return envelope('handoff.list', {
      received: all.filter((h) => h.to === req.who.username),
      sent: all.filter((h) => h.from === req.who.username),
    });
  });

  app.post<{ Params: { id: string } }>('/handoffs/:id/accept', { schema: { params: id } }, async (req) =>
    envelope('handoff.accept', await acceptHandoff(db, req.who, req.params.id)),
  );

  app.post<{ Params: { id: string } }>('/handoffs/:id/decline', { schema: { params: id } }, async (req) =>
    envelope('handoff.decline', await declineHandoff(db, req.who, req.params.id)),
  );

  app.delete<{ Params: { id: string } }>('/handoffs/:id', { schema: { params: id } }, async (req) =>
    envelope('handoff.cancel', await cancelHandoff(db, req.who, req.params.id)),
  );
}
