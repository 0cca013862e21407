import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pgliteBackend, relayOn, signup } from '../test/server/backends.js';
import { WireClient, dlp } from '../test/server/wire-client.js';
import { packBody, type WireEvent } from '../engine/replication/protocol.js';
import { launch } from './browser.js';

/**
 * Team administration and the handoff inbox in the dashboard the relay serves (issue 13 items 3 and 4),
 * tried in Chromium as its users would: an invitee sees nothing of the team until she accepts in the
 * dashboard, then sees its shared sessions; an admin changes a role; revoking a device from the dashboard
 * disconnects it; a handoff is taken from the inbox. Screenshots: test-results/screenshots/team-*.png.
 */
function discovered(origin: string, seq: number, session: string, title: string): WireEvent {
  return [
    origin,
    seq,
    'session.discovered',
    1,
    1_700_000_000_000 + seq,
    session,
    packBody({ tool: 'claude-code', created_at: '2026-11-02T10:00:00.000Z', via: 'capture', title }),
  ];
}

test('team dashboard: consent before access, roles, device revocation and the handoff inbox', async (t) => {
  const b = await pgliteBackend();
  const relay = await relayOn(b, { dashboardPollMs: 200 });
  t.after(async () => {
    await relay.close();
    await b.drop();
  });
  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(relay.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, any>;
    assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const ann = await signup(relay, 'ann');
  const bob = await signup(relay, 'bob');
  const cat = await signup(relay, 'cat');

  // Ann's desktop pushes two sessions (one with markup in its title: it must show as text); she shares the first with her team.
  const c = await WireClient.connect(relay.url);
  c.send({ t: 'hello', versions: [1], token: ann.token, origin: 'annsdesktop1', device: 'ann-desktop' });
  const personal = (await c.next('welcome')).spaces[0]!.id;
  c.send({
    t: 'push',
    id: 1,
    space: personal,
    from: 0,
    upTo: 2,
    ...dlp(personal),
    events: [
      discovered('annsdesktop1', 1, 'ses_teamshared01', 'Shared: fix the login bug'),
      discovered('annsdesktop1', 2, 'ses_handedoff01', 'Refactor <img src=x onerror=alert(1)>'),
    ],
  });
  await c.next('pushed');
  c.close();
  await api(ann.token, 'POST', '/v1/orgs', { name: 'crew' });
  await api(ann.token, 'POST', '/v1/shares', { session: 'ses_teamshared01', space: 'crew' });
  await api(ann.token, 'POST', '/v1/orgs/crew/invitations', { username: 'bob', role: 'admin' });
  const catInv = (await api(ann.token, 'POST', '/v1/orgs/crew/invitations', { username: 'cat' })).invitation.id;
  await api(cat.token, 'POST', `/v1/invitations/${catInv}/accept`);

  const br = await launch();
  t.after(() => br.close());
  const { page } = br;
  const shot = (name: string) => br.screenshot(`team-${name}`);

  // Bob signs in with his relay account.
  await page.goto(relay.url + '/');
  await page.waitForSelector('#signin');
  await page.fill('input[name=username]', 'bob');
  await page.fill('input[name=password]', 'correct horse 1');
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#account');
  await page.waitForSelector('.nav a[href="#/team"]:not([hidden])');
  assert.equal((await page.textContent('#nav-inbox'))?.trim(), 'Inbox (1)', 'the invitation waits beside Inbox');

  // Invited, not a member: nothing of the team is his.
  await page.goto(relay.url + '/#/');
  await page.waitForSelector('#count:has-text("0 sessions")', { timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e}: ${await page.textContent('main')}`);
  });
  assert.equal(await page.locator('a.row[data-id="ses_teamshared01"]').count(), 0, 'the team session is not listed before he accepts');
  await page.goto(relay.url + '/#/team');
  await page.waitForSelector('#spaces a.row');
  assert.deepEqual(await page.locator('#spaces a.row').evaluateAll((els) => els.map((e) => e.getAttribute('data-space'))), ['~bob']);
  assert.match((await page.textContent('#waiting'))!, /1 invitation waiting/);
  await shot('invited');
  await page.goto(relay.url + '/#/team/crew');
  await page.waitForSelector('p.error');
  assert.match((await page.textContent('p.error'))!, /no access to space crew/);

  // He accepts in the dashboard, with the keyboard.
  await page.goto(relay.url + '/#/invitations');
  await page.waitForSelector('#received li[data-invitation]');
  assert.match((await page.textContent('#received'))!, /crew as admin · from ann/);
  await shot('invitations');
  await page.focus('#received button.primary');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#received li.muted');
  await page.goto(relay.url + '/#/');
  await page.waitForSelector('a.row[data-id="ses_teamshared01"]');
  assert.equal(await page.locator('a.row[data-id="ses_handedoff01"]').count(), 0, "Ann's unshared session stays hers");
  await shot('shared-sessions');

  // An admin changes a role: Bob makes Cat an admin.
  await page.goto(relay.url + '/#/team/crew');
  await page.waitForSelector('li[data-member="cat"] select');
  await shot('members');
  assert.equal(await page.locator('li[data-member="ann"] select').count(), 0, "the owner's role is not his to change");
  await page.selectOption('li[data-member="cat"] select', 'admin');
  await page.waitForSelector('.toast:has-text("cat is now admin")');
  const crew = await api(ann.token, 'GET', '/v1/orgs/crew/members');
  assert.deepEqual(
    crew.members.map((m: { username: string; role: string }) => `${m.username}:${m.role}`),
    ['ann:owner', 'bob:admin', 'cat:admin'],
  );
  // Removing asks first; cancelling it removes nobody.
  await page.click('li[data-member="cat"] button.danger');
  await page.waitForSelector('dialog.confirm');
  assert.match((await page.textContent('dialog.confirm h3'))!, /Remove cat from crew\?/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog.confirm', { state: 'detached' });
  assert.equal((await api(ann.token, 'GET', '/v1/orgs/crew/members')).members.length, 3);

  // Revoking a device from the dashboard disconnects it.
  const laptop = await api(bob.token, 'POST', '/v1/tokens', { name: 'laptop' });
  const sock = await WireClient.connect(relay.url);
  sock.send({ t: 'hello', versions: [1], token: laptop.token, origin: 'bobslaptop01', device: 'bob-laptop' });
  const w = await sock.next('welcome');
  sock.send({ t: 'sub', space: w.spaces[0]!.id, after: 0 });
  await sock.next('events');
  await page.goto(relay.url + '/#/devices');
  await page.waitForSelector('li[data-device="bobslaptop01"] button.danger');
  await shot('devices');
  await page.click('li[data-device="bobslaptop01"] button.danger');
  await page.waitForSelector('dialog.confirm');
  await shot('revoke-confirm');
  await page.click('dialog.confirm button[data-ok]');
  const err = await sock.next('error');
  assert.deepEqual([err.code, err.message], ['AUTH', 'API token revoked']);
  assert.equal((await sock.waitClosed()).code, 4401);
  await page.waitForSelector('li[data-device="bobslaptop01"]:has-text("revoked")');

  // A handoff is taken from the inbox.
  const handoff = (await api(ann.token, 'POST', '/v1/handoffs', { session: 'ses_handedoff01', to: 'bob', message: 'over to you <b>bob</b>' })).id;
  await page.goto(relay.url + '/#/inbox');
  const item = `#received li[data-handoff="${handoff}"]`;
  await page.waitForSelector(item);
  const text = (await page.textContent(item))!;
  assert.match(text, /Refactor <img src=x onerror=alert\(1\)>/, 'the title is shown as text');
  assert.match(text, /from ann on ann-desktop/);
  assert.match(text, /over to you <b>bob<\/b>/);
  assert.match(text, /can be taken until \d{4}-\d\d-\d\d/);
  assert.equal(await page.locator(`${item} img, ${item} b`).count(), 0, 'nothing from the session is parsed as HTML');
  await shot('inbox');
  await page.click(`${item} button.primary`);
  await page.waitForSelector(`${item}:has-text("accepted")`);
  assert.match(
    (await page.textContent(item))!,
    /Refactor <img src=x onerror=alert\(1\)>[\s\S]*sfs pull-handoff/,
    'what he took keeps its title, with how to fetch it',
  );
  const copied = await relay.rdb.db
    .selectFrom('events')
    .innerJoin('spaces', 'spaces.id', 'events.space_id')
    .select('events.seq')
    .where('spaces.name', '=', '~bob')
    .where('events.session', '=', 'ses_handedoff01')
    .execute();
  assert.equal(copied.length, 1, 'the session is in his personal space');
  await page.goto(relay.url + '/#/');
  await page.waitForSelector('a.row[data-id="ses_handedoff01"]');

  // Phone width, dark: the inbox and the members still fit.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate(() => localStorage.removeItem('sfs.theme'));
  await page.goto(relay.url + '/#/inbox');
  await page.reload();
  await page.waitForSelector(item);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the inbox scrolls sideways by ${overflow}px at phone width`);
  await shot('inbox-phone-dark');
  await page.goto(relay.url + '/#/team/crew');
  await page.waitForSelector('li[data-member="cat"]');
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) <= 0);
  await shot('members-phone-dark');

  assert.deepEqual(br.dialogs, [], 'no alert, confirm or prompt was opened');
  assert.deepEqual(br.errors, []);
});
