import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { SfsError } from '../../engine/index.js';
import { apiRoutes } from '../../server/dashboard/api-routes.js';
import type { DashboardSource } from '../../server/dashboard/source.js';
import { liveRoutes } from '../../server/dashboard/live.js';
import { installGuards, newToken } from './security.js';

/** dist/web, from dist/cli/ui/ (compiled) or dist/bin/chunks/ (bundled): both sit two levels below dist/. */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const FILES = ['index.html', 'app.js', 'app.css', 'favicon.svg'];

export interface UiServerOptions {
  source: DashboardSource;
  port?: number;
  webDir?: string;
  /** Fixed token (tests); random per start otherwise. */
  token?: string;
  pollMs?: number;
}

export interface UiServer {
  url: string;
  /** The URL with the token, to open once. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The local dashboard: the web application and its API on 127.0.0.1 only. */
export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const webDir = o.webDir ?? WEB_DIR;
  const files = new Map<string, Buffer>();
  for (const f of FILES) {
    try {
      files.set(f, readFileSync(path.join(webDir, f)));
    } catch {
      if (f !== 'favicon.svg') throw new SfsError('NOT_FOUND', `the dashboard's files are missing from ${webDir} (npm run build makes them)`);
    }
  }
  const token = o.token ?? newToken();
  let port = o.port ?? 0;
  const app = Fastify({ logger: false, bodyLimit: 1 << 20, forceCloseConnections: true });
  installGuards(app, () => ({ port, token }));
  const live = liveRoutes(o.source, o.pollMs);
  await app.register(apiRoutes, { prefix: '/api/v1', source: o.source });
  await app.register(live.plugin, { prefix: '/api/v1' });
  app.get('/*', async (req, reply) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    const body = files.get(name);
    if (!body) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    return reply.type(TYPES[path.extname(name)] ?? 'application/octet-stream').send(body);
  });
  try {
    await app.listen({ host: '127.0.0.1', port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new SfsError('CONFLICT', `port ${port} is in use (--port picks another)`);
    throw err;
  }
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    port,
    token,
    close: async () => {
      live.close();
      await app.close();
      await o.source.close();
    },
  };
}
