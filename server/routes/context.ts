import type { FastifyReply } from 'fastify';
import type { RelayDatabase } from '../db/open.js';
import type * as acc from '../accounts.js';
import type { RateLimiter } from '../rate-limit.js';
import type { FrameBudget } from '../frame-budget.js';
import type { Hub } from '../sync-socket.js';
import type { RelayOptions } from '../relay.js';
import type { RelayMetrics, SyncMetrics } from '../metrics.js';
import type { HandoffNotice } from '../handoff-mail.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account, set by the relay's auth hook on every route not marked public. */
    who: acc.Authed;
  }
  interface FastifyContextConfig {
    /** The route needs no API token (health, signup, login, and the sync upgrade, which authenticates by its hello frame). */
    public?: boolean;
  }
}

/** What the route plugins share: passed as the plugin options by startRelay. */
export interface RelayContext {
  rdb: RelayDatabase;
  opts: RelayOptions;
  hub: Hub;
  frames: FrameBudget;
  /** Frames per token on the sync socket. */
  limiter: RateLimiter;
  signupLimiter: RateLimiter;
  failedLoginLimiter: RateLimiter;
  /** Refuses with RATE_LIMIT and a retry-after of the limiter's window. */
  refuse(reply: FastifyReply, l: RateLimiter, message: string): never;
  metrics: RelayMetrics;
  /** What the sync socket counts (pushes, bytes, errors). */
  sync: SyncMetrics;
  /** Mails the recipient of a new handoff when the relay has SMTP (in the background; never fails the request). */
  notifyHandoff(h: HandoffNotice): void;
}
