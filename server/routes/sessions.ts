import type { FastifyInstance } from 'fastify';
import { pack } from 'msgpackr';
import { authorsOf } from '../authors.js';
import { listRemoteSessions, readSessionEvents, shareSession, unshareSession } from '../events.js';
import { HANDOFF_TTL_MS, MAX_HANDOFF_TTL_MS, acceptHandoff, cancelHandoff, createHandoff, declineHandoff, listHandoffs } from '../handoffs.js';
import { newId } from '../credentials.js';
import { RelayError } from '../errors.js';
import type { RelayContext } from './context.js';
import { NAME, SESSION_ID, object } from './schemas.js';

const inSpace = { type: 'object', properties: { space: NAME }, additionalProperties: false } as const;

/** Sessions on the relay, shares into team spaces, and handoffs between accounts. Every route is authenticated. */
export async function sessionRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  const db = ctx.rdb.db;

  app.get<{ Querystring: { space?: string } }>('/v1/sessions', { schema: { querystring: inSpace } }, async (req) => ({
    sessions: await listRemoteSessions(db, req.who, req.query.space),
  }));

  // A session id that is not one is simply not on the relay: 404, as for any other unknown session.
  app.get<{ Params: { session: string }; Querystring: { space?: string } }>(
    '/v1/sessions/:session/events',
    { schema: { params: object({ session: NAME }), querystring: inSpace } },
    async (req, reply) => {
      const who = req.who;
      const { events, sources } = await readSessionEvents(db, who.id, req.params.session, req.query.space);
      if (!events.length) throw new RelayError('NOT_FOUND', `no session ${req.params.session} readable by ${who.username}`);
      // Who wrote each origin's events and where each was read from: the client attributes another account's events.
      const authors = await authorsOf(db, events);
      return reply.type('application/x-msgpack').send(pack({ events, sources, authors, account: { id: who.id, username: who.username } }));
    },
  );

  app.post<{ Body: { session: string; space: string } }>('/v1/shares', { schema: { body: object({ session: SESSION_ID, space: NAME }) } }, async (req) =>
    shareSession(db, req.who, req.body.session, req.body.space),
  );

  app.delete<{ Params: { space: string; session: string } }>(
    '/v1/shares/:space/:session',
    { schema: { params: object({ space: NAME, session: NAME }) } },
    async (req) => {
      await unshareSession(db, req.who, req.params.session, req.params.space);
      return { unshared: req.params.session };
    },
  );

  const handoff = object(
    {
      session: SESSION_ID,
      to: NAME,
      message: { type: ['string', 'null'], maxLength: 2000 },
      expires_in_ms: { type: ['integer', 'null'], minimum: 1000, maximum: MAX_HANDOFF_TTL_MS },
    },
    ['session', 'to'],
  );
  app.post<{ Body: { session: string; to: string; message?: string | null; expires_in_ms?: number | null } }>(
    '/v1/handoffs',
    { schema: { body: handoff } },
    async (req) => {
      const body = { session: req.body.session, to: req.body.to, message: req.body.message ?? null, expiresInMs: req.body.expires_in_ms };
      const h = await createHandoff(db, req.who, body, { ttlMs: ctx.opts.handoffTtlMs ?? HANDOFF_TTL_MS, newId: () => newId('hnd_') });
      // Committed: the recipient hears of a new handoff (an extension of a pending one was already announced).
      if (!h.extended)
        ctx.notifyHandoff({
          id: h.id,
          session: h.session,
          from: req.who.username,
          fromAccount: req.who.id,
          toAccount: h.to_account,
          sourceSpace: h.source_space,
          message: h.message,
          expiresAt: h.expires_at,
        });
      const { to_account: _to, source_space: _src, ...out } = h;
      return out;
    },
  );

  app.get('/v1/handoffs', async (req) => ({ handoffs: await listHandoffs(db, req.who) }));

  app.post<{ Params: { id: string } }>('/v1/handoffs/:id/accept', { schema: { params: object({ id: NAME }) } }, async (req) =>
    acceptHandoff(db, req.who, req.params.id),
  );

  app.post<{ Params: { id: string } }>('/v1/handoffs/:id/decline', { schema: { params: object({ id: NAME }) } }, async (req) =>
    declineHandoff(db, req.who, req.params.id),
  );

  app.delete<{ Params: { id: string } }>('/v1/handoffs/:id', { schema: { params: object({ id: NAME }) } }, async (req) =>
    cancelHandoff(db, req.who, req.params.id),
  );
}
