import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { pack } from 'msgpackr';
import { NOTIFY_CHANNEL, REVOKE_CHANNEL, openDatabase, type RelayDatabase } from './db/open.js';
import * as acc from './accounts.js';
import * as members from './membership.js';
import * as inv from './invitations.js';
import { authorsOf } from './authors.js';
import { listRemoteSessions, readSessionEvents, shareSession, unshareSession, type PushHooks } from './events.js';
import { HANDOFF_TTL_MS, acceptHandoff, cancelHandoff, createHandoff, listHandoffs } from './handoffs.js';
import { RelayError } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { FrameBudget } from './frame-budget.js';
import { Connection, Hub } from './sync-socket.js';
import { newId } from './credentials.js';
import { MAX_FRAME_BYTES, PROTOCOL_VERSIONS } from '../engine/replication/protocol.js';

export interface RelayOptions {
  port?: number;
  host?: string;
  /** postgres://… ; without it an embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** Structured JSON logs (pino, through fastify); false in tests. */
  logger?: boolean | { level: string };
  maxFrameBytes?: number;
  bodyLimit?: number;
  /** Requests (HTTP) or frames (WebSocket) per second per token, and burst. */
  rateLimit?: { rate: number; burst: number };
  hooks?: PushHooks;
  /** Sync sockets one token may hold open at once on this process (default 16). */
  maxSocketsPerToken?: number;
  /** Signups per client address per hour (default 10). */
  signupsPerHour?: number;
  /** Failed logins per client address per hour; past it that address's logins are refused for the hour (default 50). */
  failedLoginsPerHour?: number;
  /** Wrong passwords that lock an account, and for how long (default 10 → 15 minutes). */
  loginLockout?: acc.LoginLockout;
  /** Body bytes an account's pushes may store on the relay, over every space (default 10 GiB). */
  quotaBytes?: number;
  /** How long an invitation can be accepted (default 7 days). */
  invitationTtlMs?: number;
  /** Bytes of received sync frames the process holds at once before sockets stop reading (default 32 MiB). */
  frameBudgetBytes?: number;
  /** How long a handoff can be accepted unless its sender asks for another expiry (default 7 days). */
  handoffTtlMs?: number;
}

export const DEFAULT_QUOTA_BYTES = 10 * 1024 ** 3;

export interface Relay {
  url: string;
  port: number;
  app: FastifyInstance;
  rdb: RelayDatabase;
  close(): Promise<void>;
}

type Req = FastifyRequest<{ Body: Record<string, any>; Params: Record<string, string>; Querystring: Record<string, string> }>;

/** Starts the relay: HTTP control API + WebSocket sync on one port. */
export async function startRelay(opts: RelayOptions = {}): Promise<Relay> {
  const logger = opts.logger ?? false;
  const app = Fastify({ logger, bodyLimit: opts.bodyLimit ?? 1024 * 1024, forceCloseConnections: true });
  const rdb = await openDatabase({ url: opts.databaseUrl, dataDir: opts.dataDir, onListenError: (err) => app.log.warn({ err }, 'LISTEN connection lost') });
  const db = rdb.db;
  const hub = new Hub(opts.maxSocketsPerToken ?? 16);
  const frames = new FrameBudget(opts.frameBudgetBytes ?? 32 * 1024 * 1024);
  await rdb.listen(NOTIFY_CHANNEL, (space) => hub.wake(space));
  // A revocation committed by any relay process ends the sockets holding that token here too.
  await rdb.listen(REVOKE_CHANNEL, (tokenId) => {
    if (tokenId !== '*') return hub.revoked(tokenId);
    // Notifications were lost while the listening connection was down: ask the database.
    acc.revokedAmong(db, hub.tokens()).then((ids) => ids.forEach((id) => hub.revoked(id)), (err) => app.log.warn({ err }, 'revocation re-check failed'));
  });
  const limits = opts.rateLimit ?? { rate: 200, burst: 1000 };
  // Budgets are kept in the database, so they hold across every relay process (server/rate-limit.ts).
  // Frames: `rate`/s with bursts of `burst`. HTTP: `rate` × 60 per minute.
  const limiter = new RateLimiter(db, limits.rate, limits.burst);
  const httpLimiter = new RateLimiter(db, limits.rate, limits.rate * 60);
  const perHour = (n: number) => new RateLimiter(db, n / 3600, n);
  const signupLimiter = perHour(opts.signupsPerHour ?? 10);
  const failedLoginLimiter = perHour(opts.failedLoginsPerHour ?? 50);
  // Each request's authentication, done once by the rate-limit hook and reused by the handler.
  const authed = new WeakMap<FastifyRequest, { who?: acc.Authed; error?: unknown }>();
  const refuse = (reply: FastifyReply, l: RateLimiter, message: string): never => {
    reply.header('retry-after', String(Math.ceil(l.windowMs / 1000)));
    throw new RelayError('RATE_LIMIT', message);
  };
  app.addHook('onRequest', async (req, reply) => {
    // PostgreSQL text cannot hold NUL: refuse it here rather than fail in a query.
    if (/%00|\0/.test(req.url)) throw new RelayError('INVALID', 'a NUL byte in the request path');
    // The sync upgrade is limited per token by its frames (hello included).
    if (req.url === '/health' || req.url.startsWith('/v1/sync')) return;
    // Per verified account, so one noisy account cannot starve an office behind one address; anonymous
    // requests and failed authentications per address, so random tokens neither escape the limit nor add rows.
    let key = 'http:ip:' + req.ip;
    const h = req.headers.authorization;
    if (h?.startsWith('Bearer ')) {
      try {
        const who = await acc.authenticate(db, h.slice(7));
        authed.set(req, { who });
        key = 'http:acc:' + who.id;
      } catch (error) {
        authed.set(req, { error });
      }
    }
    if (!(await httpLimiter.take(key))) refuse(reply, httpLimiter, 'too many requests for this account or address; slow down');
  });
  await app.register(websocket, { options: { maxPayload: opts.maxFrameBytes ?? MAX_FRAME_BYTES } });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof RelayError) {
      if (typeof err.extra.retry_after === 'number') reply.header('retry-after', String(err.extra.retry_after));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...err.extra } });
    }
    // A NUL or an invalid byte in a value reached PostgreSQL: bad input, not a relay failure.
    if (err.code === '22021' || err.code === '22P05') return reply.status(400).send({ error: { code: 'INVALID', message: 'a value holds a NUL or an invalid character' } });
    if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send({ error: { code: 'TOO_LARGE', message: 'request body too large' } });
    if (err.statusCode === 429) return reply.status(429).send({ error: { code: 'RATE_LIMIT', message: 'too many requests for this token; slow down' } });
    if (err.statusCode && err.statusCode < 500) return reply.status(err.statusCode).send({ error: { code: 'INVALID', message: err.message } });
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal relay error' } });
  });

  const auth = async (req: FastifyRequest): Promise<acc.Authed> => {
    const done = authed.get(req);
    if (done?.who) return done.who;
    if (done) throw done.error;
    const h = req.headers.authorization;
    return acc.authenticate(db, h?.startsWith('Bearer ') ? h.slice(7) : undefined);
  };
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string' || !v) throw new RelayError('INVALID', `${what} is required`);
    return v;
  };

  app.get('/health', async () => {
    await db.selectFrom('spaces').select('id').limit(1).execute();
    return { ok: true, database: rdb.kind, protocol: PROTOCOL_VERSIONS, connections: hub.connections };
  });

  app.post('/v1/signup', async (req: Req, reply: FastifyReply) => {
    const [username, password] = [str(req.body?.username, 'username'), str(req.body?.password, 'password')];
    if (!(await signupLimiter.take('signup:ip:' + req.ip))) refuse(reply, signupLimiter, 'too many signups from this address; try again later');
    return acc.signup(db, username, password, req.body?.token_name ?? 'signup');
  });
  app.post('/v1/login', async (req: Req, reply: FastifyReply) => {
    const [username, password] = [str(req.body?.username, 'username'), str(req.body?.password, 'password')];
    const key = 'login-failed:ip:' + req.ip;
    if (await failedLoginLimiter.spent(key)) refuse(reply, failedLoginLimiter, 'too many failed logins from this address; try again later');
    try {
      return await acc.login(db, username, password, req.body?.token_name ?? 'login', opts.loginLockout);
    } catch (err) {
      if (err instanceof RelayError && (err.code === 'AUTH' || err.code === 'LOCKED')) await failedLoginLimiter.take(key);
      throw err;
    }
  });
  app.get('/v1/me', async (req) => {
    const who = await auth(req);
    return { account: { id: who.id, username: who.username }, token_id: who.tokenId, spaces: await acc.spacesOf(db, who.id) };
  });
  app.get('/v1/tokens', async (req) => ({ tokens: await acc.listTokens(db, await auth(req)) }));
  app.post('/v1/tokens', async (req: Req) => acc.createToken(db, await auth(req), str(req.body?.name, 'name')));
  app.delete('/v1/tokens/:id', async (req: Req) => {
    await acc.revokeToken(db, await auth(req), req.params.id!);
    return { revoked: req.params.id };
  });
  app.get('/v1/devices', async (req) => ({ devices: await acc.listDevices(db, await auth(req)) }));
  app.get('/v1/spaces', async (req) => ({ spaces: await acc.spacesOf(db, (await auth(req)).id) }));
  app.put('/v1/spaces/:space/policy', async (req: Req) => {
    await acc.setPolicy(db, await auth(req), req.params.space!, req.body?.policy);
    return { space: req.params.space, policy: req.body?.policy };
  });
  app.post('/v1/orgs', async (req: Req) => acc.createTeam(db, await auth(req), str(req.body?.name, 'name')));
  app.get('/v1/orgs/:space/members', async (req: Req) => ({ members: await members.listMembers(db, await auth(req), req.params.space!) }));
  // Membership needs the invitee's consent: both routes only invite (the second is the older name, kept for old clients).
  const invite = async (req: Req) => ({ invitation: await inv.invite(db, await auth(req), req.params.space!, str(req.body?.username, 'username'), req.body?.role ?? 'member', opts.invitationTtlMs) });
  app.post('/v1/orgs/:space/invitations', invite);
  app.post('/v1/orgs/:space/members', invite);
  app.get('/v1/orgs/:space/invitations', async (req: Req) => ({ invitations: await inv.teamInvitations(db, await auth(req), req.params.space!) }));
  app.delete('/v1/orgs/:space/invitations/:id', async (req: Req) => inv.cancelInvitation(db, await auth(req), req.params.space!, req.params.id!));
  app.get('/v1/invitations', async (req) => ({ invitations: await inv.myInvitations(db, await auth(req)) }));
  app.post('/v1/invitations/:id/accept', async (req: Req) => inv.acceptInvitation(db, await auth(req), req.params.id!));
  app.post('/v1/invitations/:id/decline', async (req: Req) => inv.declineInvitation(db, await auth(req), req.params.id!));
  app.put('/v1/orgs/:space/members/:username', async (req: Req) => members.setRole(db, await auth(req), req.params.space!, req.params.username!, req.body?.role));
  app.post('/v1/orgs/:space/transfer', async (req: Req) => members.transferOwnership(db, await auth(req), req.params.space!, str(req.body?.username, 'username')));
  app.delete('/v1/orgs/:space/members/:username', async (req: Req) => {
    await members.removeMember(db, await auth(req), req.params.space!, req.params.username!);
    return { space: req.params.space, removed: req.params.username };
  });
  app.get('/v1/sessions', async (req: Req) => ({ sessions: await listRemoteSessions(db, await auth(req), req.query.space) }));
  app.get('/v1/sessions/:session/events', async (req: Req, reply: FastifyReply) => {
    const who = await auth(req);
    const { events, sources } = await readSessionEvents(db, who.id, req.params.session!, req.query.space);
    if (!events.length) throw new RelayError('NOT_FOUND', `no session ${req.params.session} readable by ${who.username}`);
    // Who wrote each origin's events and where each was read from: the client attributes another account's events.
    const authors = await authorsOf(db, events);
    return reply.type('application/x-msgpack').send(pack({ events, sources, authors, account: { id: who.id, username: who.username } }));
  });
  app.post('/v1/shares', async (req: Req) => shareSession(db, await auth(req), str(req.body?.session, 'session'), str(req.body?.space, 'space')));
  app.delete('/v1/shares/:space/:session', async (req: Req) => {
    await unshareSession(db, await auth(req), req.params.session!, req.params.space!);
    return { unshared: req.params.session };
  });
  app.post('/v1/handoffs', async (req: Req) => {
    const who = await auth(req);
    const body = { session: str(req.body?.session, 'session'), to: str(req.body?.to, 'to'), message: req.body?.message ?? null, expiresInMs: req.body?.expires_in_ms };
    return createHandoff(db, who, body, { ttlMs: opts.handoffTtlMs ?? HANDOFF_TTL_MS, newId: () => newId('hnd_') });
  });
  app.get('/v1/handoffs', async (req) => ({ handoffs: await listHandoffs(db, await auth(req)) }));
  app.post('/v1/handoffs/:id/accept', async (req: Req) => acceptHandoff(db, await auth(req), req.params.id!));
  app.delete('/v1/handoffs/:id', async (req: Req) => cancelHandoff(db, await auth(req), req.params.id!));

  app.get('/v1/sync', { websocket: true }, (socket) => {
    new Connection(socket, { rdb, log: app.log, limiter, hub, hooks: opts.hooks, quotaBytes: opts.quotaBytes ?? DEFAULT_QUOTA_BYTES, frames });
  });

  let address: string;
  try {
    address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  } catch (err) {
    await rdb.close();
    throw err;
  }
  const port = (app.server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  return {
    url: address.replace('[::1]', 'localhost'),
    port,
    app,
    rdb,
    // Graceful: stop accepting, close sockets (clients reconnect elsewhere), then the database.
    close: () =>
      (closing ??= (async () => {
        for (const c of app.websocketServer?.clients ?? []) c.close(1001, 'relay shutting down');
        await app.close();
        limiter.close();
        httpLimiter.close();
        signupLimiter.close();
        failedLoginLimiter.close();
        await rdb.close();
      })()),
  };
}
