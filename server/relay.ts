import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { ViewApplier, type ApplierOptions } from './views/applier.js';
import { viewLag } from './views/lag.js';
import { NOTIFY_CHANNEL, REVOKE_CHANNEL, openDatabase, type RelayDatabase } from './db/open.js';
import * as acc from './accounts.js';
import type { PushHooks } from './events.js';
import { RelayError } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { FrameBudget } from './frame-budget.js';
import { keepHeapSmall } from './heap.js';

/** The views' fold waits for a gap while a sync frame is being handled or bulk frames arrived this recently (ViewApplier busy). */
const BULK_WINDOW_MS = 250;
import { Hub } from './sync-socket.js';
import type { RelayContext } from './routes/context.js';
import { accountRoutes } from './routes/accounts.js';
import { spaceRoutes } from './routes/spaces.js';
import { sessionRoutes } from './routes/sessions.js';
import { syncRoutes } from './routes/sync.js';
import { teamRoutes } from './dashboard/team-routes.js';
import { MAX_FRAME_BYTES } from '../engine/index.js';
import { loggerOptions, type RelayLogOptions } from './logging.js';
import { RelayMetrics, syncMetrics } from './metrics.js';
import { healthRoutes } from './routes/health.js';
import { lazyValidation } from './lazy-validation.js';
import { createHandoffMailer, type HandoffMailer } from './handoff-mail.js';
import { webRoutes } from './routes/web.js';
import { CSRF_HEADER, authenticateCookie, cookieName, cookieValue, refuseCsrf, sameCsrf, sameOrigin } from './web-sessions.js';
import { CSP } from './dashboard/csp.js';
import { relayDashboard } from './dashboard/relay-host.js';

export interface RelayOptions {
  port?: number;
  host?: string;
  /** postgres://… ; without it an embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** Logs (pino, through fastify): one line per request or event, readable or JSON lines; none by default (tests). */
  logger?: false | RelayLogOptions;
  /** Serve HTTPS and WSS with this certificate (PEM, chain included) and private key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** A bearer token /metrics asks for; without one, /metrics answers loopback clients only. */
  metricsToken?: string;
  /** Reported by /health (the CLI passes its package version). */
  version?: string;
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
  /** SMTP server for handoff notices (smtp://host:port); without it no mail is sent. */
  smtpUrl?: string;
  /** The From address of those notices. */
  smtpFrom?: string;
  /** How long a dashboard sign-in lasts (default 12 hours). */
  webSessionTtlMs?: number;
  /** The dashboard's built files (default dist/web). */
  webDir?: string;
  /** How often an open dashboard page looks for changes (default 1 s). */
  dashboardPollMs?: number;
  /** How often its event stream pings and checks that its sign-in still holds (default 15 s). */
  dashboardPingMs?: number;
  /** Keep the server-side views (server/views/) up to date in this process (default true); `views.batch`, `views.batchMs`, …: see ApplierOptions. */
  views?: boolean | Omit<ApplierOptions, 'onError'>;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export { DEFAULT_QUOTA_BYTES } from './quota.js';

export interface Relay {
  url: string;
  port: number;
  app: FastifyInstance;
  rdb: RelayDatabase;
  /** What keeps the server-side views up to date here (absent when `views` is false). */
  views?: ViewApplier;
  close(): Promise<void>;
}

/** Starts the relay: HTTP control API + WebSocket sync on one port. */
export async function startRelay(opts: RelayOptions = {}): Promise<Relay> {
  const logger = opts.logger ? await loggerOptions(opts.logger) : false;
  // No type coercion: a field the schema says is a string must be one (a number is bad input, as it always was).
  // Fastify's two lines per request are replaced by one (the onResponse hook below).
  const app = Fastify({
    logger,
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: lazyValidation(),
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: false } },
  });
  const rdb = await openDatabase({ url: opts.databaseUrl, dataDir: opts.dataDir, onListenError: (err) => app.log.warn({ err }, 'LISTEN connection lost') });
  // The embedded database shares this process's memory: the heap is kept near its live size (heap.ts).
  if (rdb.kind === 'pglite') keepHeapSmall();
  const db = rdb.db;
  const hub = new Hub(opts.maxSocketsPerToken ?? 16);
  const frames = new FrameBudget(opts.frameBudgetBytes ?? 32 * 1024 * 1024);
  const views =
    opts.views === false
      ? undefined
      : new ViewApplier(db, {
          busy: () => frames.inUse > 0 || frames.bulkWithin(BULK_WINDOW_MS),
          ...(typeof opts.views === 'object' ? opts.views : {}),
          onError: (err, space) => app.log.error({ err, space }, 'view apply failed'),
        });
  const metrics = new RelayMetrics({
    connections: () => app.websocketServer?.clients.size ?? 0,
    viewLag: () => viewLag(db),
    ...(views ? { viewEventsFolded: () => views.applied } : {}),
  });
  await rdb.listen(NOTIFY_CHANNEL, (space) => {
    hub.wake(space);
    views?.wake(space);
  });
  // What was committed while no relay process was folding (or before this relay had views).
  // Awaited by close(): the database must not be closed under its query.
  const startCatchUp = views?.wakeAll().catch((err) => app.log.error({ err }, 'view catch-up failed'));
  // A revocation committed by any relay process ends the sockets holding that token here too.
  await rdb.listen(REVOKE_CHANNEL, (tokenId) => {
    if (tokenId !== '*') return hub.revoked(tokenId);
    // Notifications were lost while the listening connection was down: ask the database.
    acc.revokedAmong(db, hub.tokens()).then(
      (ids) => ids.forEach((id) => hub.revoked(id)),
      (err) => app.log.warn({ err }, 'revocation re-check failed'),
    );
  });
  const limits = opts.rateLimit ?? { rate: 200, burst: 1000 };
  // Budgets are kept in the database, so they hold across every relay process (server/rate-limit.ts).
  // Frames: `rate`/s with bursts of `burst`. HTTP: `rate` × 60 per minute.
  const limiter = new RateLimiter(db, limits.rate, limits.burst);
  const httpLimiter = new RateLimiter(db, limits.rate, limits.rate * 60);
  const perHour = (n: number) => new RateLimiter(db, n / 3600, n);
  const signupLimiter = perHour(opts.signupsPerHour ?? 10);
  const failedLoginLimiter = perHour(opts.failedLoginsPerHour ?? 50);
  // Each request's authentication, done once by the rate-limit hook (onRequest) and reused by the auth hook below.
  const authed = new WeakMap<FastifyRequest, { who?: acc.Authed; error?: unknown; cookieSecret?: string }>();
  const tls = !!opts.tls;
  const sessionCookieName = cookieName(tls);
  /** A bearer token (the CLI) wins; else the dashboard's session cookie. */
  const identify = async (req: FastifyRequest): Promise<{ who: acc.Authed; cookieSecret?: string }> => {
    const h = req.headers.authorization;
    if (h?.startsWith('Bearer ')) return { who: await acc.authenticate(db, h.slice(7)) };
    const secret = cookieValue(req.headers.cookie, sessionCookieName);
    if (secret) return { who: await authenticateCookie(db, secret), cookieSecret: secret };
    return { who: await acc.authenticate(db, undefined) };
  };
  const refuse: RelayContext['refuse'] = (reply, l, message) => {
    reply.header('retry-after', String(Math.ceil(l.windowMs / 1000)));
    throw new RelayError('RATE_LIMIT', message);
  };
  app.addHook('onRequest', async (req, reply) => {
    // PostgreSQL text cannot hold NUL: refuse it here rather than fail in a query.
    if (/%00|\0/.test(req.url)) throw new RelayError('INVALID', 'a NUL byte in the request path');
    // The sync upgrade is limited per token by its frames (hello included).
    if (req.url === '/health' || req.url === '/metrics' || req.url.startsWith('/v1/sync')) return;
    // Per verified account, so one noisy account cannot starve an office behind one address; anonymous
    // requests and failed authentications per address, so random tokens neither escape the limit nor add rows.
    let key = 'http:ip:' + req.ip;
    // The dashboard's answers (pages, API, errors) all carry its strict CSP and refuse framing and sniffing.
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (req.headers.authorization?.startsWith('Bearer ') || cookieValue(req.headers.cookie, sessionCookieName)) {
      try {
        const id = await identify(req);
        authed.set(req, id);
        key = 'http:acc:' + id.who.id;
      } catch (error) {
        authed.set(req, { error });
      }
    }
    if (!(await httpLimiter.take(key))) refuse(reply, httpLimiter, 'too many requests for this account or address; slow down');
  });
  await app.register(websocket, { options: { maxPayload: opts.maxFrameBytes ?? MAX_FRAME_BYTES } });

  // One line per request: method, path (never the query string), status, time; and its latency in /metrics by route pattern.
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics.requests.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(status) }, ms / 1000);
    const path = req.url.split('?')[0];
    req.log[status >= 500 ? 'error' : 'info']({ method: req.method, path, status, ms: Math.round(ms * 10) / 10 }, `${req.method} ${path} ${status}`);
  });
  const sendError = (reply: FastifyReply, status: number, error: { code: string; message: string } & Record<string, unknown>) => {
    metrics.errors.inc({ transport: 'http', code: error.code });
    return reply.status(status).send({ error });
  };
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: FastifyError['validation'] }, req, reply) => {
    if (err instanceof RelayError) {
      if (typeof err.extra.retry_after === 'number') reply.header('retry-after', String(err.extra.retry_after));
      return sendError(reply, err.status, { code: err.code, message: err.message, ...err.extra });
    }
    // A NUL or an invalid byte in a value reached PostgreSQL: bad input, not a relay failure.
    if (err.code === '22021' || err.code === '22P05') return sendError(reply, 400, { code: 'INVALID', message: 'a value holds a NUL or an invalid character' });
    if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, 413, { code: 'TOO_LARGE', message: 'request body too large' });
    if (err.validation) return sendError(reply, 400, { code: 'INVALID', message: validationMessage(err as FastifyError) });
    if (err.statusCode === 429) return sendError(reply, 429, { code: 'RATE_LIMIT', message: 'too many requests for this token; slow down' });
    if (err.statusCode && err.statusCode < 500) return sendError(reply, err.statusCode, { code: 'INVALID', message: err.message });
    req.log.error({ err }, 'request failed');
    return sendError(reply, 500, { code: 'INTERNAL', message: 'internal relay error' });
  });

  const auth = async (req: FastifyRequest): Promise<{ who: acc.Authed; cookieSecret?: string }> => {
    const done = authed.get(req);
    if (done?.who) return { who: done.who, cookieSecret: done.cookieSecret };
    if (done) throw done.error;
    return identify(req);
  };
  // Every route acts as the token's account unless its config says `public`. The hook runs before validation,
  // so a request without a valid token is refused (401) whatever its body.
  app.decorateRequest('who', null as unknown as acc.Authed);
  // A change made with the dashboard's cookie must come from the relay's own page: its Origin, and the
  // session's CSRF token in a header no other site can set or read (server/web-sessions.ts).
  app.addHook('preValidation', async (req) => {
    if (req.is404 || req.routeOptions.config.public) return;
    const { who, cookieSecret } = await auth(req);
    if (cookieSecret && STATE_CHANGING.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (!sameOrigin(req.headers.origin, req.headers.host, tls) || !sameCsrf(typeof header === 'string' ? header : undefined, cookieSecret)) refuseCsrf();
    }
    req.who = who;
  });

  const mailer: HandoffMailer | undefined = opts.smtpUrl ? await createHandoffMailer(db, { smtpUrl: opts.smtpUrl, from: opts.smtpFrom }, app.log) : undefined;
  const sending = new Set<Promise<void>>();
  const notify: RelayContext['notifyHandoff'] = (h) => {
    if (!mailer) return;
    const p = mailer.notify(h).finally(() => sending.delete(p));
    sending.add(p);
  };
  const ctx: RelayContext = {
    rdb,
    opts,
    hub,
    frames,
    limiter,
    signupLimiter,
    failedLoginLimiter,
    refuse,
    metrics,
    sync: syncMetrics(metrics),
    notifyHandoff: notify,
  };
  await app.register(healthRoutes, ctx);
  await app.register(accountRoutes, ctx);
  await app.register(spaceRoutes, ctx);
  await app.register(sessionRoutes, ctx);
  await app.register(syncRoutes, ctx);
  await app.register(webRoutes, ctx);
  const dashboard = await relayDashboard(app, {
    db,
    webDir: opts.webDir,
    pollMs: opts.dashboardPollMs,
    identify: (req) => auth(req).catch(() => null),
    recheck: (req) => identify(req).catch(() => null),
    pingMs: opts.dashboardPingMs,
  });
  // Team administration and the handoff inbox, beside the dashboard's API (same auth hook: token or cookie with CSRF).
  await app.register(teamRoutes, { ...ctx, prefix: '/api/v1/team' });

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
    views,
    // Graceful: stop accepting, close sockets (clients reconnect elsewhere), then the database.
    close: () =>
      (closing ??= (async () => {
        for (const c of app.websocketServer?.clients ?? []) c.close(1001, 'relay shutting down');
        dashboard.close();
        await app.close();
        await Promise.all(sending);
        mailer?.close();
        limiter.close();
        httpLimiter.close();
        signupLimiter.close();
        failedLoginLimiter.close();
        await startCatchUp;
        await views?.close();
        await rdb.close();
      })()),
  };
}

/** A schema failure in the words the relay used before schemas: "username is required", "policy must be one of warn, redact, block". */
function validationMessage(err: FastifyError): string {
  const e = err.validation![0]!;
  const field = e.instancePath.split('/').filter(Boolean).join('.') || err.validationContext || 'request';
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${String(p.missingProperty)} is required`;
  if (e.keyword === 'minLength' && p.limit === 1) return `${field} is required`;
  if (e.keyword === 'enum') return `${field} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
  if (e.keyword === 'type') return `${field} must be ${String(p.type).split(',').join(' or ')}`;
  if (e.keyword === 'pattern') return field === 'session' ? 'bad session id' : `bad ${field}`;
  return `${field} ${e.message ?? 'is invalid'}`;
}
