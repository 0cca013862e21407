import type { FastifyServerOptions } from 'fastify';

/** How the relay logs: one line per request or event, readable on a terminal, JSON lines for collectors. */
export interface RelayLogOptions {
  /** 'pretty': `HH:MM:ss.l LEVEL message {key fields}`; 'json': pino's JSON lines. */
  format: 'pretty' | 'json';
  level?: string;
  /** Where lines go (default stdout). */
  destination?: NodeJS.WritableStream;
  /** Colours in the pretty form (default: when the destination is a TTY). */
  colorize?: boolean;
}

/**
 * What is never written, whatever a log call passes: credentials in headers and in objects
 * (a body, a frame, an error's context). Fastify's own request serializer logs no headers and
 * no body, and the relay's request line logs only the path (no query string).
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.authorization',
  '*.secret',
];

/** Fastify's `logger` option for these settings (pino, with pino-pretty as a synchronous stream for the readable form). */
export async function loggerOptions(o: RelayLogOptions): Promise<NonNullable<FastifyServerOptions['logger']>> {
  const destination = o.destination ?? process.stdout;
  const base = { level: o.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (o.format === 'json') return { ...base, stream: destination };
  const { default: pretty } = await import('pino-pretty');
  const stream = pretty({
    destination,
    sync: true,
    colorize: o.colorize ?? !!(destination as { isTTY?: boolean }).isTTY,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return { ...base, stream };
}
