import type { FastifyInstance } from 'fastify';
import * as acc from '../accounts.js';
import { RelayError } from '../errors.js';
import type { RelayContext } from './context.js';
import { NAME, TOKEN_NAME, object } from './schemas.js';
import { accountAudit } from '../audit.js';
import { AUDIT_PAGE, auditPage } from './spaces.js';

const EMAIL = { type: 'string', maxLength: 254 } as const;
const credentials = object({ username: NAME, password: { type: 'string', minLength: 1, maxLength: 1024 }, token_name: TOKEN_NAME }, ['username', 'password']);
const signupBody = object(
  { username: NAME, password: { type: 'string', minLength: 1, maxLength: 1024 }, token_name: TOKEN_NAME, email: { type: ['string', 'null'], maxLength: 254 } },
  ['username', 'password'],
);

/** Accounts, API tokens and devices: signup and login are public, the rest act as the token's account. */
export async function accountRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  const db = ctx.rdb.db;

  app.post<{ Body: { username: string; password: string; token_name?: string; email?: string | null } }>(
    '/v1/signup',
    { config: { public: true }, schema: { body: signupBody } },
    async (req, reply) => {
      if (!(await ctx.signupLimiter.take('signup:ip:' + req.ip))) ctx.refuse(reply, ctx.signupLimiter, 'too many signups from this address; try again later');
      return acc.signup(db, req.body.username, req.body.password, req.body.token_name ?? 'signup', req.body.email);
    },
  );

  app.post<{ Body: { username: string; password: string; token_name?: string } }>(
    '/v1/login',
    { config: { public: true }, schema: { body: credentials } },
    async (req, reply) => {
      const key = 'login-failed:ip:' + req.ip;
      if (await ctx.failedLoginLimiter.spent(key)) ctx.refuse(reply, ctx.failedLoginLimiter, 'too many failed logins from this address; try again later');
      try {
        return await acc.login(db, req.body.username, req.body.password, req.body.token_name ?? 'login', ctx.opts.loginLockout);
      } catch (err) {
        if (err instanceof RelayError && (err.code === 'AUTH' || err.code === 'LOCKED')) await ctx.failedLoginLimiter.take(key);
        throw err;
      }
    },
  );

  app.get('/v1/me', async (req) => ({
    account: { id: req.who.id, username: req.who.username, email: await acc.emailOf(db, req.who.id) },
    token_id: req.who.tokenId,
    spaces: await acc.spacesOf(db, req.who.id),
  }));

  app.get('/v1/tokens', async (req) => ({ tokens: await acc.listTokens(db, req.who) }));

  app.post<{ Body: { name: string } }>('/v1/tokens', { schema: { body: object({ name: { ...TOKEN_NAME, minLength: 1 } }) } }, async (req) =>
    acc.createToken(db, req.who, req.body.name),
  );

  app.delete<{ Params: { id: string } }>('/v1/tokens/:id', { schema: { params: object({ id: NAME }) } }, async (req) => {
    await acc.revokeToken(db, req.who, req.params.id);
    return { revoked: req.params.id };
  });

  // `origin`: the asking client's own device id, so the list can mark it.
  app.get<{ Querystring: { origin?: string } }>(
    '/v1/devices',
    { schema: { querystring: { type: 'object', properties: { origin: NAME }, additionalProperties: false } } },
    async (req) => ({ devices: await acc.listDevices(db, req.who, req.query.origin) }),
  );

  app.put<{ Params: { device: string }; Body: { name: string } }>(
    '/v1/devices/:device',
    { schema: { params: object({ device: NAME }), body: object({ name: { type: 'string', minLength: 1, maxLength: 64 } }) } },
    async (req) => acc.renameDevice(db, req.who, req.params.device, req.body.name),
  );

  // Revokes the token the device syncs with: its sockets close on every relay process.
  app.delete<{ Params: { device: string } }>('/v1/devices/:device', { schema: { params: object({ device: NAME }) } }, async (req) =>
    acc.revokeDevice(db, req.who, req.params.device),
  );

  app.put<{ Body: { email: string | null } }>(
    '/v1/account/email',
    { schema: { body: object({ email: { ...EMAIL, type: ['string', 'null'] } }) } },
    async (req) => acc.setEmail(db, req.who, req.body.email),
  );

  // The account's own token, device and settings changes (its memberships are in each space's log).
  app.get<{ Querystring: { limit?: string; before?: string } }>('/v1/audit', { schema: { querystring: AUDIT_PAGE } }, async (req) =>
    accountAudit(db, req.who.id, auditPage(req.query)),
  );
}
