import type { FastifyInstance } from 'fastify';
import { PROTOCOL_VERSIONS } from '../../engine/index.js';
import { RelayError } from '../errors.js';
import { metricsAllowed } from '../metrics.js';
import { viewLag } from '../views/lag.js';
import type { RelayContext } from './context.js';

/** How long /health waits for the database before it says the database is unreachable. */
const HEALTH_DB_TIMEOUT_MS = 2000;

/** `/health` (public, for probes and load balancers) and `/metrics` (Prometheus text; token or loopback). */
export async function healthRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  const db = ctx.rdb.db;
  const started = Date.now();

  app.get('/health', { config: { public: true } }, async (req, reply) => {
    const base = { version: ctx.opts.version ?? null, uptime_s: Math.round((Date.now() - started) / 1000), protocol: PROTOCOL_VERSIONS };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db.selectFrom('spaces').select('id').limit(1).execute(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_DB_TIMEOUT_MS} ms`)), HEALTH_DB_TIMEOUT_MS))),
      ]);
    } catch (err) {
      req.log.warn({ err: (err as Error).message }, 'health: database not reachable');
      return reply.status(503).send({ ok: false, database: ctx.rdb.kind, database_reachable: false, ...base });
    } finally {
      clearTimeout(timer);
    }
    // The views' lag is information, not health: a relay whose views trail still serves sync.
    const lag = await viewLag(db).catch(() => undefined);
    const views = lag && {
      lag_events: lag.events,
      lagging_spaces: lag.spaces,
      last_fold_at: lag.lastFoldAt === null ? null : new Date(lag.lastFoldAt).toISOString(),
    };
    return { ok: true, database: ctx.rdb.kind, database_reachable: true, ...base, connections: ctx.hub.connections, ...(views ? { views } : {}) };
  });

  app.get('/metrics', { config: { public: true } }, async (req, reply) => {
    if (!metricsAllowed(ctx.opts.metricsToken, req.headers.authorization, req.socket.remoteAddress)) {
      throw ctx.opts.metricsToken
        ? new RelayError('AUTH', "metrics need the relay's metrics token (Authorization: Bearer …)")
        : new RelayError('FORBIDDEN', 'metrics are served to loopback clients only; start the relay with --metrics-token to scrape from elsewhere');
    }
    return reply.type(ctx.metrics.contentType).send(await ctx.metrics.text());
  });
}
