import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { handler, type GlobalArgs } from '../context.js';
import { print, printJson } from '../output.js';
import { SfsError } from '../../engine/index.js';
import { parseDurationMs } from '../duration.js';

interface RelayArgs extends GlobalArgs {
  action: string;
  port: number;
  host: string;
  'database-url'?: string;
  'data-dir'?: string;
  'handoff-ttl': string;
  'quota-bytes'?: string;
  'max-sockets-per-token'?: number;
  'signups-per-hour'?: number;
  'log-json'?: boolean;
  'log-level'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'metrics-token'?: string;
  'smtp-url'?: string;
  'smtp-from'?: string;
}

/** The version of the sfs package this file belongs to (compiled or bundled, the package root is a few folders up). */
function packageVersion(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (p.name === 'sessionfs') return p.version;
    } catch {
      // not here: one folder up
    }
  }
  return undefined;
}

/** A PEM file named by --tls-cert/--tls-key, or one clear line saying what is wrong with it. */
function readPem(file: string, flag: string, what: RegExp): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SfsError('USAGE', `${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!what.test(text)) throw new SfsError('USAGE', `${flag} ${file}: not a PEM ${flag === '--tls-cert' ? 'certificate' : 'private key'}`);
  return text;
}

/** `10G`, `500M`, `64k` or a plain number of bytes. */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(String(text));
  if (!m) throw new SfsError('USAGE', `--quota-bytes: ${text} is not a size (such as 10G, 500M or 1048576)`);
  return Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()));
}

/** `sfs relay start`: the server code is imported only here, so other commands never load fastify or pg. */
export const relayCommand: CommandModule<GlobalArgs, RelayArgs> = {
  command: 'relay <action>',
  describe:
    'Run a sync relay (start): PostgreSQL from --database-url, or an embedded database with no setup; rebuild-views: rebuild its server-side views from its events',
  builder: (y) =>
    y
      .positional('action', { choices: ['start', 'rebuild-views'], demandOption: true })
      .option('port', { type: 'number', default: 7878, describe: 'TCP port (0 picks a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (0.0.0.0 for every interface)' })
      .option('database-url', { type: 'string', describe: 'postgres://… (default: $SFS_RELAY_DATABASE_URL, else embedded PGlite)' })
      .option('data-dir', { type: 'string', describe: 'embedded database directory (default: <data dir>/relay)' })
      .option('handoff-ttl', {
        type: 'string',
        default: '7d',
        describe: 'how long a handoff can be accepted (90m, 12h, 7d, 2w) unless its sender says otherwise',
      })
      .option('quota-bytes', { type: 'string', describe: 'event bytes each account may store, e.g. 10G (default 10G)' })
      .option('max-sockets-per-token', { type: 'number', describe: 'sync sockets one token may hold open (default 16)' })
      .option('signups-per-hour', { type: 'number', describe: 'signups per client address per hour (default 10)' })
      .option('log-json', { type: 'boolean', describe: 'JSON log lines (the default when stdout is not a terminal)' })
      .option('log-level', { type: 'string', describe: 'trace, debug, info, warn or error (default: $SFS_LOG_LEVEL, else info)' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate (chain) file: serve HTTPS and WSS (needs --tls-key)' })
      .option('tls-key', { type: 'string', describe: 'PEM private key file for --tls-cert' })
      .option('metrics-token', {
        type: 'string',
        describe: 'bearer token /metrics asks for (default: $SFS_RELAY_METRICS_TOKEN; without one, /metrics answers loopback clients only)',
      })
      .option('smtp-url', {
        type: 'string',
        describe: 'SMTP server for handoff notices, e.g. smtp://127.0.0.1:25 (default: $SFS_RELAY_SMTP_URL; none: no mail)',
      })
      .option('smtp-from', { type: 'string', describe: 'From address of handoff notices (default sessionfs@<host name>)' }) as never,
  handler: handler(async (a, ctx) => {
    const databaseUrl = a['database-url'] ?? process.env.SFS_RELAY_DATABASE_URL;
    const dataDir = a['data-dir'] ?? join(ctx.paths.dataDir, 'relay');
    if (a.action === 'rebuild-views') return rebuildViews(databaseUrl, databaseUrl ? undefined : dataDir, ctx.json);
    const { startRelay } = await import('../../server/relay.js');
    const quotaBytes = a['quota-bytes'] === undefined ? undefined : parseBytes(a['quota-bytes']);
    const handoffTtlMs = parseDurationMs(a['handoff-ttl'], '--handoff-ttl');
    if (!a['tls-cert'] !== !a['tls-key']) throw new SfsError('USAGE', 'TLS needs both --tls-cert FILE and --tls-key FILE');
    const tls = a['tls-cert']
      ? {
          cert: readPem(a['tls-cert'], '--tls-cert', /-----BEGIN CERTIFICATE-----/),
          key: readPem(a['tls-key']!, '--tls-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/),
        }
      : undefined;
    const level = a['log-level'] ?? process.env.SFS_LOG_LEVEL ?? 'info';
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level))
      throw new SfsError('USAGE', `--log-level: ${level} is not one of trace, debug, info, warn, error`);
    const jsonLogs = !!a['log-json'] || !process.stdout.isTTY;
    const relay = await startRelay({
      port: a.port,
      host: a.host,
      databaseUrl,
      dataDir: databaseUrl ? undefined : dataDir,
      // Readable lines on a terminal; JSON lines when piped (a container, a service manager) or asked for.
      logger: { format: jsonLogs ? 'json' : 'pretty', level },
      tls,
      metricsToken: a['metrics-token'] ?? (process.env.SFS_RELAY_METRICS_TOKEN || undefined),
      version: packageVersion(),
      quotaBytes,
      handoffTtlMs,
      maxSocketsPerToken: a['max-sockets-per-token'],
      signupsPerHour: a['signups-per-hour'],
      smtpUrl: a['smtp-url'] ?? process.env.SFS_RELAY_SMTP_URL,
      smtpFrom: a['smtp-from'],
    });
    const dashboard = relay.url.replace(/\/?$/, '/');
    if (ctx.json) printJson('relay', { url: relay.url, dashboard, database: relay.rdb.kind, data_dir: databaseUrl ? null : dataDir });
    // With JSON logs, stdout holds JSON lines only: the "Server listening at" log line says where.
    else if (!jsonLogs) {
      print(`relay listening on ${relay.url} (${relay.rdb.kind}${databaseUrl ? '' : ` in ${dataDir}`})`);
      print(`team dashboard: ${dashboard} (sign in with a relay account)`);
    }
    // Graceful shutdown: stop taking connections, close sockets so clients reconnect, close the database.
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        relay.close().then(resolve, resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  }),
};

/**
 * `sfs relay rebuild-views`: folds every space's events into its views again, from scratch. Safe
 * beside running relays (each space is rebuilt in one transaction under its position lock); on
 * the embedded database, stop the relay first (PGlite is one process's).
 */
async function rebuildViews(databaseUrl: string | undefined, dataDir: string | undefined, json: boolean): Promise<void> {
  const { openDatabase } = await import('../../server/db/open.js');
  const { rebuildViews: rebuild } = await import('../../server/views/rebuild.js');
  const rdb = await openDatabase({ url: databaseUrl, dataDir });
  try {
    const started = Date.now();
    const r = await rebuild(rdb.db);
    const ms = Date.now() - started;
    if (json) printJson('relay', { rebuilt: true, spaces: r.spaces, events: r.events, ms });
    else print(`rebuilt the views of ${r.spaces} space${r.spaces === 1 ? '' : 's'} from ${r.events} event${r.events === 1 ? '' : 's'} in ${ms} ms`);
  } finally {
    await rdb.close();
  }
}
