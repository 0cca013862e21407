import type { Store } from '../store.js';
import { readCredentials, type Credentials } from './credentials.js';
import { pushFilter, readSyncSettings } from './settings.js';
import { SyncClosed, SyncConnection } from './connection.js';

export interface SyncOptions {
  /** Defaults to the store's signed-in credentials. */
  credentials?: Credentials;
  /** Push filter; defaults to the store's autosync settings (re-read on every connect). */
  filter?: (session: string | null) => boolean;
  device?: string;
  pollMs?: number;
  /** Reconnect back-off: first delay and ceiling (ms); the actual wait is jittered. */
  backoff?: { initialMs: number; maxMs: number };
  log?: (line: string, fields?: Record<string, unknown>) => void;
  onActivity?: (what: 'pushed' | 'pulled', n: number) => void;
}

export interface SyncStatus {
  state: 'connecting' | 'connected' | 'waiting' | 'stopped' | 'failed';
  relay: string;
  /** Why the last attempt failed; cleared when a connection succeeds. */
  lastError?: string;
  connectedAt?: number;
  pushed: number;
  pulled: number;
  reconnects: number;
}

export interface SyncHandle {
  status(): SyncStatus;
  /** Stops syncing and closes the connection; what was done stays done. */
  stop(): Promise<void>;
}

/**
 * Continuous sync for a long-running process (the daemon): connects, pushes and pulls
 * live, and reconnects with exponential back-off and full jitter when the connection
 * drops or the relay restarts. The offline queue is the log itself: whatever was
 * appended while offline is pushed from the relay's frontier on the next connection.
 * Refusals that retrying cannot fix (bad token, protocol version) stop it with state
 * 'failed'.
 */
export function startSync(store: Store, opts: SyncOptions = {}): SyncHandle {
  const creds = opts.credentials ?? readCredentials(store.paths);
  if (!creds) throw new SyncClosed('not signed in to a relay (sfs auth login)', true, 'AUTH');
  const backoff = opts.backoff ?? { initialMs: 250, maxMs: 30_000 };
  const st: SyncStatus = { state: 'connecting', relay: creds.relay, pushed: 0, pulled: 0, reconnects: 0 };
  let conn: SyncConnection | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;

  const loop = async () => {
    const { origin } = await store.log.info();
    let attempt = 0;
    while (!stopped) {
      const filter = opts.filter ?? pushFilter(readSyncSettings(store.paths));
      conn = new SyncConnection(store.log, origin, {
        relay: creds.relay,
        token: creds.token,
        filter,
        device: opts.device,
        pollMs: opts.pollMs,
        onLog: opts.log,
        onActivity: (what, n) => {
          if (what === 'pushed') st.pushed += n;
          else st.pulled += n;
          attempt = 0; // progress: the next drop starts the back-off afresh
          opts.onActivity?.(what, n);
        },
      });
      try {
        st.state = 'connecting';
        await conn.open();
        st.state = 'connected';
        st.connectedAt = Date.now();
        // The error of the attempts before is over: 'connected' beside it would read as a problem now.
        delete st.lastError;
        opts.log?.('sync connected', { relay: creds.relay });
        await conn.run();
      } catch (err) {
        const e = err instanceof SyncClosed ? err : new SyncClosed((err as Error).message, false);
        st.lastError = e.message;
        if (e.fatal) {
          st.state = 'failed';
          opts.log?.(`sync stopped: ${e.message}`);
          await conn.close().catch(() => undefined);
          return;
        }
        opts.log?.(`sync disconnected: ${e.message}`);
      }
      await conn.close().catch(() => undefined);
      if (stopped) break;
      st.state = 'waiting';
      st.reconnects++;
      const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt++, 16));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.random() * cap);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };
  const running = loop().catch((err) => {
    st.state = 'failed';
    st.lastError = (err as Error).message;
  });

  return {
    status: () => ({ ...st }),
    async stop() {
      stopped = true;
      wake?.();
      await conn?.close().catch(() => undefined);
      await running;
      st.state = 'stopped';
    },
  };
}

export interface SyncOnceResult {
  pushed: number;
  pulled: number;
  frontier: number;
  spaces: number;
}

/** One pass: push everything pending, pull every space to its tail, then disconnect (sfs sync now). */
/** Waits before retrying a rate-limited one-shot sync: the relay's budget refills within seconds. */
const RATE_LIMIT_WAITS_MS = [500, 1000, 2000, 4000, 8000];

export async function syncOnce(store: Store, opts: SyncOptions & { sessions?: string[] } = {}): Promise<SyncOnceResult> {
  const creds = opts.credentials ?? readCredentials(store.paths);
  if (!creds) throw new SyncClosed('not signed in to a relay (sfs auth login)', true, 'AUTH');
  const { origin } = await store.log.info();
  let pushed = 0;
  let pulled = 0;
  for (let attempt = 0; ; attempt++) {
    const conn = new SyncConnection(store.log, origin, {
      relay: creds.relay,
      token: creds.token,
      filter: opts.filter ?? pushFilter(readSyncSettings(store.paths)),
      device: opts.device,
      pollMs: opts.pollMs ?? 20,
      onLog: opts.log,
    });
    try {
      await conn.open();
      for (const s of opts.sessions ?? []) conn.pushedCount += await conn.pushSession(s);
      await conn.run(true);
      return { pushed: pushed + conn.pushedCount, pulled: pulled + conn.pulledCount, frontier: conn.frontier, spaces: conn.welcome.spaces.length };
    } catch (err) {
      pushed += conn.pushedCount;
      pulled += conn.pulledCount;
      // Too many requests for this token (other devices are syncing too): wait and go on from the
      // acknowledged frontier; both sides' checkpoints make the retry repeat nothing.
      const wait = RATE_LIMIT_WAITS_MS[attempt];
      if (!(err instanceof SyncClosed) || err.relayCode !== 'RATE_LIMIT' || wait === undefined) throw err;
      opts.log?.(`relay rate limit reached; retrying in ${wait} ms`, {});
      await new Promise((r) => setTimeout(r, wait));
    } finally {
      await conn.close();
    }
  }
}
