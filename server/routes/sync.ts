import type { FastifyInstance } from 'fastify';
import { Connection } from '../sync-socket.js';
import { DEFAULT_QUOTA_BYTES } from '../quota.js';
import type { RelayContext } from './context.js';

/** The sync socket: public at the HTTP level, it authenticates by its hello frame (server/sync-socket.ts). */
export async function syncRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  app.get('/v1/sync', { websocket: true, config: { public: true } }, (socket) => {
    new Connection(socket, {
      rdb: ctx.rdb,
      log: app.log,
      limiter: ctx.limiter,
      hub: ctx.hub,
      hooks: ctx.opts.hooks,
      quotaBytes: ctx.opts.quotaBytes ?? DEFAULT_QUOTA_BYTES,
      frames: ctx.frames,
      metrics: ctx.sync,
    });
  });
}
