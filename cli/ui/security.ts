import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CSP } from '../../server/dashboard/csp.js';

/**
 * The local dashboard's guards. Another local user, or any web page the user visits, can
 * reach 127.0.0.1; so every request must carry the per-start token (first in the URL that
 * `sfs ui` opens, then in an HttpOnly SameSite=Strict cookie), name this very server in its
 * Host header (a DNS-rebinding page names its own host), and a request that changes
 * something must come from this origin. Every answer carries a strict CSP.
 */
export { CSP };

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function cookieName(port: number): string {
  // Cookies are not kept apart by port: one name per port keeps two dashboards apart.
  return `sfs_ui_${port}`;
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Files anyone may fetch: the application's code and styles hold no session data. */
const PUBLIC_FILES = /^\/(app\.js|app\.css|favicon\.svg)$/;

export interface Guard {
  port: number;
  token: string;
}

export function installGuards(app: FastifyInstance, g: () => Guard): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const { port, token } = g();
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-store');
    reply.header('cross-origin-resource-policy', 'same-origin');
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!hosts.includes((req.headers.host ?? '').toLowerCase())) return refuse(reply, 421, 'this server answers only to its loopback address');
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    if (STATE_CHANGING.has(req.method)) {
      const origin = req.headers.origin;
      if (!origin || !hosts.some((h) => origin === `http://${h}`)) return refuse(reply, 403, 'cross-origin request refused');
    }
    const given = url.searchParams.get('token');
    // The token from the opened URL becomes a cookie, and the URL loses it (history, screenshots).
    if (req.method === 'GET' && given !== null && !url.pathname.startsWith('/api/')) {
      if (!sameToken(given, token)) return refuse(reply, 401, 'wrong token: open the URL `sfs ui` printed');
      url.searchParams.delete('token');
      reply.header('set-cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(url.pathname + url.search, 303);
    }
    if (req.method === 'GET' && PUBLIC_FILES.test(url.pathname)) return;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!sameToken(cookie(req, cookieName(port)), token) && !sameToken(bearer, token)) return refuse(reply, 401, 'no token: open the URL `sfs ui` printed');
  });
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(`sfs ui: ${message}\n`);
}
