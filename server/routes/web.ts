import type { FastifyInstance } from 'fastify';
import * as acc from '../accounts.js';
import { RelayError } from '../errors.js';
import type { RelayContext } from './context.js';
import { NAME, object } from './schemas.js';
import { clearedCookie, closeWebSession, cookieName, cookieValue, csrfOf, openWebSession, sameOrigin, sessionCookie } from '../web-sessions.js';

const credentials = object({ username: NAME, password: { type: 'string', minLength: 1, maxLength: 1024 } });

/**
 * The dashboard's sign-in (server/web-sessions.ts): a browser signs in with the relay account's
 * password and gets a session cookie; the answer (and GET /v1/web/session later) gives the CSRF
 * token its changes must send. Wrong passwords count towards the same lockout as `sfs auth login`.
 */
export async function webRoutes(app: FastifyInstance, ctx: RelayContext): Promise<void> {
  const db = ctx.rdb.db;
  const tls = !!ctx.opts.tls;

  app.post<{ Body: { username: string; password: string } }>(
    '/v1/web/login',
    { config: { public: true }, schema: { body: credentials } },
    async (req, reply) => {
      // Only the relay's own sign-in page may sign a browser in (no login CSRF from another site).
      if (!sameOrigin(req.headers.origin, req.headers.host, tls)) throw new RelayError('FORBIDDEN', 'sign in from the relay’s own page');
      const key = 'login-failed:ip:' + req.ip;
      if (await ctx.failedLoginLimiter.spent(key)) ctx.refuse(reply, ctx.failedLoginLimiter, 'too many failed logins from this address; try again later');
      let account: acc.Account;
      try {
        account = await acc.checkPassword(db, req.body.username, req.body.password, ctx.opts.loginLockout);
      } catch (err) {
        if (err instanceof RelayError && (err.code === 'AUTH' || err.code === 'LOCKED')) await ctx.failedLoginLimiter.take(key);
        throw err;
      }
      const s = await openWebSession(db, account, ctx.opts.webSessionTtlMs);
      reply.header('set-cookie', sessionCookie(s.secret, s.expires_at, tls));
      return { account: s.account, csrf: s.csrf, expires_at: s.expires_at.toISOString() };
    },
  );

  // The signed-in browser's account and CSRF token (the page reads it after a reload; no other site can).
  app.get('/v1/web/session', async (req) => {
    const secret = req.who.via === 'cookie' ? cookieValue(req.headers.cookie, cookieName(tls)) : undefined;
    return { account: { id: req.who.id, username: req.who.username }, csrf: secret ? csrfOf(secret) : null };
  });

  // Signing out needs the CSRF token like any change (the auth hook checks it), so no other site can sign a user out.
  app.post('/v1/web/logout', async (req, reply) => {
    const secret = cookieValue(req.headers.cookie, cookieName(tls));
    if (req.who.via !== 'cookie' || !secret) throw new RelayError('INVALID', 'not signed in with a browser session');
    await closeWebSession(db, secret);
    reply.header('set-cookie', clearedCookie(tls));
    return { signed_out: true };
  });
}
