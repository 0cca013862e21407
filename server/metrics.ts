import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ViewLag } from './views/lag.js';

/** What the metrics read from the rest of the relay when scraped. */
export interface MetricsSources {
  connections: () => number;
  /** The views' lag over the whole database (every relay process sharing it sees the same figure). */
  viewLag?: () => Promise<ViewLag>;
  /** Events this process folded into the views. */
  viewEventsFolded?: () => number;
}

/**
 * The relay's Prometheus metrics, on a registry of its own (several relays in one process, as in
 * the tests, do not share counters). Labels never carry an account, a space or a session id:
 * only the HTTP method, the route's pattern, the status and an error code.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly pushes = new Counter({ name: 'sfs_relay_pushes_total', help: 'Push frames committed (sync socket)', registers: [this.registry] });
  readonly eventsStored = new Counter({
    name: 'sfs_relay_events_stored_total',
    help: 'Events stored by pushes (rate() of it is events per second)',
    registers: [this.registry],
  });
  readonly pushBytes = new Counter({ name: 'sfs_relay_push_bytes_total', help: 'Bytes of push frames received', registers: [this.registry] });
  readonly pullBytes = new Counter({ name: 'sfs_relay_pull_bytes_total', help: 'Bytes of event frames sent to readers', registers: [this.registry] });
  readonly errors = new Counter({
    name: 'sfs_relay_errors_total',
    help: 'Errors answered to clients, by transport (http, sync) and relay error code',
    labelNames: ['transport', 'code'],
    registers: [this.registry],
  });
  readonly requests = new Histogram({
    name: 'sfs_relay_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(src: MetricsSources) {
    new Gauge({
      name: 'sfs_relay_sync_connections',
      help: 'Open sync WebSocket connections',
      registers: [this.registry],
      collect() {
        this.set(src.connections());
      },
    });
    if (src.viewLag) this.viewLagGauges(src.viewLag);
    if (src.viewEventsFolded) {
      const folded = src.viewEventsFolded;
      new Counter({
        name: 'sfs_relay_view_events_folded_total',
        help: 'Events this relay process folded into the server-side views',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(folded());
        },
      });
    }
    // Process figures (RSS, CPU, event-loop lag, start time): computed when scraped.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Three gauges filled by one database read per scrape (the first gauge collected reads; the others take its answer). */
  private viewLagGauges(read: () => Promise<ViewLag>): void {
    let pending: Promise<ViewLag | undefined> | undefined;
    const once = () =>
      (pending ??= read()
        .catch(() => undefined) // an unreachable database leaves the gauges unset; /health says why
        .finally(() => setImmediate(() => (pending = undefined))));
    const gauge = (name: string, help: string, pick: (l: ViewLag) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const l = await once();
          // A gauge without labels always shows a sample: 0 when unknown.
          this.set(l ? pick(l) : 0);
        },
      });
    gauge('sfs_relay_view_lag_events', 'Events committed but not yet folded into the server-side views (all spaces)', (l) => l.events);
    gauge('sfs_relay_view_lag_spaces', 'Spaces whose views trail their events', (l) => l.spaces);
    gauge(
      'sfs_relay_view_last_fold_timestamp_seconds',
      'When a view fold last committed (any relay process on the database; 0: never)',
      (l) => (l.lastFoldAt ?? 0) / 1000,
    );
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The sync socket's view of the metrics (server/sync-socket.ts takes this, not prom-client). */
export interface SyncMetrics {
  pushed(events: number, frameBytes: number): void;
  pulled(frameBytes: number): void;
  error(code: string): void;
}

export function syncMetrics(m: RelayMetrics): SyncMetrics {
  return {
    pushed: (events, bytes) => {
      m.pushes.inc();
      m.eventsStored.inc(events);
      m.pushBytes.inc(bytes);
    },
    pulled: (bytes) => m.pullBytes.inc(bytes),
    error: (code) => m.errors.inc({ transport: 'sync', code }),
  };
}

/**
 * Who may read /metrics: with a token, a request bearing it (compared in constant time); without
 * one, only clients on the loopback interface (a scraper beside the relay, or a port forward).
 */
export function metricsAllowed(token: string | undefined, authorization: string | undefined, remoteAddress: string | undefined): boolean {
  if (token) {
    const given = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    const h = (s: string) => createHash('sha256').update(s).digest();
    return timingSafeEqual(h(given), h(token));
  }
  return isLoopback(remoteAddress);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\./.test(a);
}
