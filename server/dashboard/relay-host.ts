import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { Kysely } from 'kysely';
import type { RelayDb } from '../db/schema.js';
import { spacesOf, type Authed } from '../accounts.js';
import { csrfOf } from '../web-sessions.js';
import { apiRoutes } from './api-routes.js';
import { RELAY_CAN, RelaySource } from './relay-source.js';
import { openEventStream } from './live.js';
import type { HostInfo } from './source.js';

/** dist/web, from dist/server/dashboard/ (compiled) or dist/bin/chunks/ (bundled): both two levels below dist/. */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export interface RelayDashboardOptions {
  db: Kysely<RelayDb>;
  /** The request's account if it carries a valid token or session cookie, and the cookie's secret if by cookie. */
  identify(req: FastifyRequest): Promise<{ who: Authed; cookieSecret?: string } | null>;
  /** The same, asked of the database again (a long-lived stream's sign-in may have ended since). */
  recheck(req: FastifyRequest): Promise<{ who: Authed } | null>;
  webDir?: string;
  /** How often an open page's event stream looks for changes in the account's spaces (default 1 s). */
  pollMs?: number;
  /** How often it pings, and checks that its sign-in still holds (default 15 s). */
  pingMs?: number;
}

/**
 * The team dashboard on the relay: the same web application as `sfs ui` at `/`, and the same
 * `/api/v1` routes answered by a RelaySource for the request's account (the relay's auth hook has
 * set req.who, by token or cookie, and checked the CSRF token of a cookie's changes). The files
 * hold no session data and are public; `GET /api/v1/host` is public too and says whether the
 * browser is signed in, so the application knows to show its sign-in page.
 */
export async function relayDashboard(app: FastifyInstance, o: RelayDashboardOptions): Promise<{ close(): void }> {
  const dir = o.webDir ?? WEB_DIR;
  const files = new Map<string, Buffer>();
  for (const f of Object.keys(FILES)) {
    try {
      files.set(f, readFileSync(path.join(dir, f)));
    } catch {
      // A relay built without the web application (a server-only build) still serves its API.
    }
  }
  const serve = (name: string) => async (_req: FastifyRequest, reply: FastifyReply) => {
    const body = files.get(name);
    if (!body) return reply.code(404).type('text/plain; charset=utf-8').send('the dashboard is not built into this relay (npm run build makes it)\n');
    return reply.type(FILES[name]!).send(body);
  };
  for (const name of Object.keys(FILES)) app.get('/' + name, { config: { public: true } }, serve(name));
  app.get('/', { config: { public: true } }, serve('index.html'));

  const host = async (req: FastifyRequest): Promise<HostInfo> => {
    const id = await o.identify(req).catch(() => null);
    if (!id) return { kind: 'relay', account: null, csrf: null, spaces: [], can: RELAY_CAN };
    const spaces = (await spacesOf(o.db, id.who.id)).map((s) => ({ id: s.id, name: s.name, kind: s.kind, role: s.role }));
    return {
      kind: 'relay',
      account: { id: id.who.id, username: id.who.username },
      csrf: id.cookieSecret ? csrfOf(id.cookieSecret) : null,
      spaces,
      can: RELAY_CAN,
    };
  };
  await app.register(
    async (scope) => {
      // The API's query strings carry numbers and booleans (offset, limit, deleted): read them as `sfs ui`
      // does (fastify's default coercion), where the relay's own routes take no coercion. Compiled on first use.
      const build = AjvCompiler();
      let compile: ((route: unknown) => Validator) | undefined;
      scope.setValidatorCompiler((route: { schema: FastifySchema }) => {
        let fn: Validator | undefined;
        const validate: Validator = (data: unknown) => {
          fn ??= (compile ??= build({}, { customOptions: { coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: false } }) as never)(
            route,
          );
          const ok = fn(data);
          validate.errors = fn.errors;
          return ok;
        };
        return validate as never;
      });
      await scope.register(apiRoutes, { source: (req) => new RelaySource(o.db, req.who), host });
    },
    { prefix: '/api/v1' },
  );

  // Live updates: each open page's stream watches its own account's spaces (nothing of another account's).
  const streams = new Set<FastifyReply>();
  await app.register(
    async (api) => {
      api.get('/events', async (req, reply) => {
        const source = new RelaySource(o.db, req.who);
        openEventStream(reply, 'sfs relay');
        streams.add(reply);
        let last = -1;
        let busy = false;
        const tick = async () => {
          if (busy) return;
          busy = true;
          try {
            const p = await source.position();
            if (p !== last) {
              last = p;
              reply.raw.write(`event: change\ndata: ${JSON.stringify({ position: p })}\n\n`);
            }
          } catch {
            // The database is briefly unreachable: the next tick asks again.
          } finally {
            busy = false;
          }
        };
        void tick();
        const timer = setInterval(() => void tick(), o.pollMs ?? 1000);
        // Each ping also asks whether the sign-in still holds: a signed-out or expired session's stream ends.
        const ping = setInterval(() => {
          reply.raw.write(': ping\n\n');
          o.recheck(req).then(
            (id) => {
              if (!id) reply.raw.end();
            },
            () => undefined,
          );
        }, o.pingMs ?? 15_000);
        req.raw.on('close', () => {
          clearInterval(timer);
          clearInterval(ping);
          streams.delete(reply);
        });
      });
    },
    { prefix: '/api/v1' },
  );
  return {
    close() {
      for (const r of streams) r.raw.end();
      streams.clear();
    },
  };
}
