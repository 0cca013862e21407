import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { IDS, example, newSfs } from '../test/helpers/cli.js';
import { backends, relayOn, signup } from '../test/server/backends.js';
import { launch } from './browser.js';

const make = (await backends()).at(-1)!;
const PASSWORD = 'correct horse 1';

/**
 * The team dashboard the relay serves, in a real browser (Debian's Chromium), on PostgreSQL when
 * the machine has it (PGlite otherwise). Alice and Bob push sessions with the real CLI; Alice
 * shares one into their team. Bob signs in and sees his own sessions and the team's, never
 * Alice's personal one, opens the team's session (who pushed it, from which device), searches;
 * a change without the CSRF token — from the page itself or from another origin — is refused;
 * a session Alice shares later appears in his open list; wrong passwords lock the account.
 */
test('relay dashboard: sign in, only the spaces one belongs to, open, search, CSRF refused, lockout', { timeout: 300_000 }, async (t) => {
  const backend = await make();
  const relay = await relayOn(backend, { loginLockout: { failures: 3, lockMs: 600_000 }, dashboardPollMs: 250 });
  const alice = newSfs();
  const bob = newSfs();
  const attacker = createServer((_req, res) => {
    // Another site the signed-in user visits: it tries to sign them out and to mint a token, with their cookie.
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><script>
      fetch(${JSON.stringify(relay.url)} + '/v1/web/logout', { method: 'POST', mode: 'no-cors', credentials: 'include' });
      fetch(${JSON.stringify(relay.url)} + '/v1/tokens', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"name":"stolen"}' });
    </script>`);
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  const b = await launch();
  t.after(async () => {
    await b.close();
    attacker.close();
    alice.dispose();
    bob.dispose();
    await relay.close();
    await backend.drop();
  });

  // Two accounts push with the real CLI; a team; Alice shares one session into it; Bob accepts the invitation.
  const env = { SFS_PASSWORD: PASSWORD };
  const tokens: Record<string, string> = {};
  for (const [name, sfs, sessions] of [
    ['alice', alice, ['complete', 'subagent']],
    ['bob', bob, ['minimal']],
  ] as const) {
    tokens[name] = (await signup(relay, name)).token;
    await sfs.ok(['auth', 'login', '--relay', relay.url, '--username', name], { env });
    for (const s of sessions) await sfs.ok(['import', example(s)]);
    assert.ok((await sfs.ok(['sync', 'now'])).pushed > 0);
  }
  const api = async (who: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(relay.url + path, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    assert.equal(res.status, 200, `${method} ${path}: ${await res.clone().text()}`);
    return (await res.json()) as any;
  };
  await api('alice', 'POST', '/v1/orgs', { name: 'crew' });
  const inv = (await api('alice', 'POST', '/v1/orgs/crew/invitations', { username: 'bob' })).invitation.id as string;
  await api('bob', 'POST', `/v1/invitations/${inv}/accept`);
  await api('alice', 'POST', '/v1/shares', { session: IDS.complete, space: 'crew' });

  // No session cookie: the sign-in page, and nothing else.
  const { page } = b;
  await page.goto(relay.url + '/');
  await page.waitForSelector('form#signin');
  assert.equal(await page.locator('a.row').count(), 0);
  await b.screenshot('relay-signin');
  await page.fill('input[name=username]', 'bob');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form#signin button[type=submit]');

  // Bob's list: his own session and the team's, newest first; not Alice's personal one. (The views fold
  // pushes in the background: the page's live updates bring them in.)
  await page
    .waitForFunction(() => document.querySelectorAll('a.row').length === 2, undefined, { timeout: 60_000 })
    .catch(async (err) => {
      await b.screenshot('relay-list-failed');
      throw new Error(`${(err as Error).message}; the page shows: ${await page.locator('body').textContent()}`);
    });
  const ids = await page.locator('a.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  assert.deepEqual(new Set(ids), new Set([IDS.minimal, IDS.complete]));
  assert.ok(!ids.includes(IDS.subagent), 'Alice’s personal session is not listed');
  assert.equal(await page.locator('#account').textContent(), 'bob');
  assert.match((await page.locator(`a.row[data-id="${IDS.complete}"]`).textContent())!, /by alice/);
  // The relay cannot act on a local store: those pages leave the menu; its team pages join it.
  await page.waitForSelector('.nav a[href="#/team"]:not([hidden])');
  assert.deepEqual(await page.locator('.nav a').allTextContents(), ['Sessions', 'Team', 'Inbox', 'Devices']);
  await b.screenshot('relay-list');
  // One space at a time: the team's.
  await page.selectOption('select[name=space]', { label: 'crew' });
  await page.waitForFunction(() => document.querySelectorAll('a.row').length === 1);
  assert.equal(await page.locator('a.row').getAttribute('data-id'), IDS.complete);
  await page.selectOption('select[name=space]', { label: 'all spaces' });
  await page.waitForFunction(() => document.querySelectorAll('a.row').length === 2);

  // Open the team's session: its messages, who pushed it from which device, no local-store actions.
  await page.click(`a.row[data-id="${IDS.complete}"]`);
  await page.waitForSelector('article.msg');
  assert.match((await page.locator('.head h1').textContent())!, /Add user validation/);
  assert.equal(await page.locator('article.msg').count(), 8);
  assert.match((await page.locator('.facts').textContent())!, /pushed byalice/);
  assert.equal(await page.locator('button[data-action=fork]').count(), 0);
  assert.equal(await page.locator('button[data-action=resume]').count(), 0);
  // Reading includes taking it away as Markdown.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Export Markdown")')]);
  const markdown = readFileSync((await download.path())!, 'utf8');
  assert.match(markdown, /Add user validation to signup endpoint/);
  assert.match(markdown, /pushed by.*alice/);
  await b.screenshot('relay-session');

  // Search: a hit in the team's session opens it at the message; Alice's personal session is never found.
  await page.fill('#search', 'pytest');
  await page.waitForSelector('a.hit mark');
  const hits = await page.locator('a.hit').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  assert.ok(hits.length > 0 && hits.every((h) => h.includes(IDS.complete)), hits.join(' '));
  await b.screenshot('relay-search');
  await page.locator('a.hit').first().click();
  await page.waitForSelector('article.msg.target');
  await page.fill('#search', 'SQLAlchemy');
  await page.waitForSelector('text=No matches');
  assert.equal(await page.locator('a.hit').count(), 0);

  // CSRF: the page's own fetch without the token is refused; so is another origin's, with the cookie.
  const noToken = await page.evaluate(
    async () => (await fetch('/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })).status,
  );
  assert.equal(noToken, 403);
  const evil = await b.context.newPage();
  const refused = Promise.all([evil.waitForResponse((r) => r.url().endsWith('/v1/web/logout')), evil.waitForResponse((r) => r.url().endsWith('/v1/tokens'))]);
  await evil.goto(`http://127.0.0.1:${(attacker.address() as { port: number }).port}/`);
  const [logout, token] = await refused;
  assert.equal(logout.status(), 403, 'a cross-origin sign-out is refused');
  assert.equal(token.status(), 403, 'a cross-origin change is refused');
  await evil.close();
  const tokenNames = (await (await fetch(relay.url + '/v1/tokens', { headers: { authorization: `Bearer ${tokens.bob}` } })).json()) as {
    tokens: Array<{ name: string }>;
  };
  assert.ok(!tokenNames.tokens.some((x) => x.name === 'stolen'));
  await page.goto(relay.url + '/#/');
  await page.waitForSelector('a.row');
  assert.equal(await page.locator('#account').textContent(), 'bob', 'still signed in');
  // Live: Alice shares her other session into the team; Bob's open list shows it without a reload.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await api('alice', 'POST', '/v1/shares', { session: IDS.subagent, space: 'crew' });
  await page.waitForSelector(`a.row[data-id="${IDS.subagent}"]`, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'no reload');
  await b.screenshot('relay-list-live');

  // The session ends while the page is open (expired, or signed out in another browser): the next request
  // brings the sign-in page back, and signing in again returns to the dashboard.
  await relay.rdb.db
    .updateTable('web_sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .execute();
  await page.click(`a.row[data-id="${IDS.minimal}"]`);
  await page.waitForSelector('form#signin');
  await page.fill('input[name=username]', 'bob');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form#signin button[type=submit]');
  await page.waitForSelector('a.row');

  // Signing out: back to the sign-in page, and the cookie no longer works.
  await page.click('#signout');
  await page.waitForSelector('form#signin');
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/sessions')).status), 401);

  // Wrong passwords, three times: the account locks, and then even the right one is refused.
  for (let i = 0; i < 3; i++) {
    await page.fill('input[name=username]', 'bob');
    await page.fill('input[name=password]', 'not the password');
    await page.click('form#signin button[type=submit]');
    await page.waitForSelector('form#signin p.error:not([hidden])');
    assert.match((await page.locator('form#signin p.error').textContent())!, /Wrong username or password/);
    await page.evaluate(() => document.querySelector('form#signin p.error')!.setAttribute('hidden', ''));
  }
  await page.fill('input[name=username]', 'bob');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form#signin button[type=submit]');
  await page.waitForSelector('form#signin p.error:not([hidden])');
  assert.match((await page.locator('form#signin p.error').textContent())!, /locked/);
  await b.screenshot('relay-locked');
  assert.equal(await page.locator('a.row').count(), 0);
  assert.deepEqual(b.dialogs, []);
  assert.deepEqual(b.errors, []);
});
