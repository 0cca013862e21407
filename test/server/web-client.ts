import assert from 'node:assert/strict';
import type { Relay } from '../../server/relay.js';
import { CSRF_HEADER } from '../../server/web-sessions.js';

/** A browser's request: the cookie, the Origin it would send, and the CSRF header when given. */
export async function browserCall(
  relay: Relay,
  method: string,
  path: string,
  o: { cookie?: string; csrf?: string; origin?: string | null; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: any; setCookie: string | null }> {
  const origin = o.origin === undefined ? relay.url.replace(/\/$/, '') : o.origin;
  const res = await fetch(relay.url.replace(/\/$/, '') + path, {
    method,
    headers: {
      ...(o.cookie ? { cookie: o.cookie } : {}),
      ...(o.csrf ? { [CSRF_HEADER]: o.csrf } : {}),
      ...(origin ? { origin } : {}),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a page)
  }
  return { status: res.status, body, setCookie: res.headers.get('set-cookie') };
}

/** Signs a browser in: the cookie to send back and the session's CSRF token. */
export async function webLogin(relay: Relay, username: string, password = 'correct horse 1'): Promise<{ cookie: string; csrf: string }> {
  const r = await browserCall(relay, 'POST', '/v1/web/login', { body: { username, password } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { cookie: r.setCookie!.split(';')[0]!, csrf: r.body.csrf };
}
