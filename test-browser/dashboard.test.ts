import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeHome } from '../test/helpers/fake-home.js';
import { IDS, example } from '../test/helpers/cli.js';
import { startUi } from '../test/helpers/ui.js';
import { launch } from './browser.js';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), over the real
 * `sfs ui` on a store holding the Claude Code fixture sessions and the spec's complete example.
 */
test('dashboard: list, filter, open, tool call, search to the hit, resume, fork with confirmation, checkpoint, alias, jumps, delete/restore, palette, dark mode, phone width', async (t) => {
  const h = fakeHome(t, ['claude-code']);
  await h.json(['import', '--all']);
  await h.json(['import', example('complete')]);
  const total = (await h.json(['list', '--limit', '1000'])).total as number;
  assert.ok(total >= 3);
  const ui = await startUi(h);
  const b = await launch();
  t.after(() => b.close());
  const { page } = b;

  // The list: every session, newest first, grouped by day.
  await page.goto(ui.openUrl);
  assert.equal(new URL(page.url()).search, '', 'the token left the address');
  await page.waitForSelector('a.row');
  assert.equal(await page.locator('a.row').count(), total);
  assert.match((await page.locator('#count').textContent())!, new RegExp(`^${total} sessions`));
  assert.ok((await page.locator('h2.day').count()) >= 2, 'grouped by day');
  const times = await page.locator('a.row > span.muted').allTextContents();
  assert.deepEqual([...times].sort().reverse(), times, 'newest activity first');
  await b.screenshot('list');

  // Filters: text, then tool; kept in the address.
  await page.fill('input[name=text]', 'signup');
  await page.waitForFunction(() => document.querySelectorAll('a.row').length === 1);
  assert.match((await page.locator('a.row .title').textContent())!, /Add user validation to signup endpoint/);
  assert.match(page.url(), /text=signup/);
  await page.fill('input[name=text]', '');
  await page.selectOption('select[name=tool]', 'codex');
  await page.waitForSelector('text=No sessions match.');
  await page.selectOption('select[name=tool]', 'claude-code');
  await page.waitForFunction((n) => document.querySelectorAll('a.row').length === n, total);

  // Open a session: header and messages.
  await page.click(`a.row[data-id="${IDS.complete}"]`);
  await page.waitForSelector('article.msg');
  assert.match((await page.locator('.head h1').textContent())!, /Add user validation/);
  const facts = await page.locator('.facts').textContent();
  for (const f of ['claude-code', 'claude-opus-4-6', 'feature/signup-validation', 'tokens', 'est. cost']) assert.ok(facts!.includes(f), f);
  assert.equal(await page.locator('article.msg').count(), 8);
  // Thinking is folded away.
  const thinking = page.locator('details.thinking').first();
  if (await thinking.count()) assert.equal(await thinking.getAttribute('open'), null);

  // A tool call holds its result; both fold.
  const call = page.locator('details.tool').first();
  assert.equal(await call.getAttribute('open'), null);
  assert.equal(await call.locator('pre').first().isVisible(), false);
  await call.locator('summary').click();
  assert.notEqual(await call.getAttribute('open'), null);
  assert.ok(await call.locator('pre').first().isVisible());
  assert.match((await call.textContent())!, /result/);
  await b.screenshot('session');

  // Search as you type; a hit opens the session at that message.
  await page.fill('#search', 'pytest');
  await page.waitForSelector('a.hit mark');
  assert.match((await page.locator('a.hit mark').first().textContent())!, /pytest/i);
  await b.screenshot('search');
  const href = (await page.locator('a.hit').first().getAttribute('href'))!;
  const msg = decodeURIComponent(/msg=([^&]+)/.exec(href)![1]!);
  await page.locator('a.hit').first().click();
  await page.waitForSelector('article.msg.target');
  assert.equal(await page.locator('article.msg.target').getAttribute('data-msg'), msg);
  assert.ok(await page.locator('article.msg.target').isVisible());

  // Resume shows the command, and can write the session for a tool and give the command that opens it.
  await page.click('button[data-action=resume]');
  await page.waitForSelector('dialog[open] pre.cmd');
  assert.match((await page.locator('dialog[open] pre.cmd').textContent())!, /^sfs resume ses_/);
  await page.fill('dialog[open] input[name=in]', 'codex');
  await page.click('dialog[open] button[data-ok]');
  await page.waitForSelector('dialog[open] [data-resume-command]');
  assert.match((await page.locator('dialog[open] [data-resume-command]').textContent())!, /codex/);
  await b.screenshot('resume');
  await page.click('dialog[open] button[data-ok]');
  assert.equal(await page.locator('dialog').count(), 0);
  // The resumed session is recorded in the store (it continues as a new session, like `sfs resume`).
  const withResume = (await h.json(['list', '--limit', '1000'])).total as number;
  assert.equal(withResume, total + 1);

  // Fork asks first: cancelling changes nothing, confirming makes the fork and opens it.
  await page.click('button[data-action=fork]');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button:has-text("Cancel")');
  assert.equal(await page.locator('dialog').count(), 0);
  assert.equal((await h.json(['list', '--limit', '1000'])).total, withResume, 'cancelled: no fork');
  await page.click('button[data-action=fork]');
  await page.fill('dialog[open] input[name=name]', 'Forked from the browser');
  await page.click('dialog[open] button[data-ok]');
  await page.waitForFunction(() => /Forked from the browser/.test(document.querySelector('.head h1')?.textContent ?? ''));
  assert.equal((await h.json(['list', '--limit', '1000'])).total, withResume + 1, 'the fork exists');
  assert.match((await page.locator('.facts').textContent())!, /forked from/);

  // Checkpoint, alias, jumps, delete and restore on the original session.
  await page.goto(ui.url + `#/session/${IDS.complete}`);
  await page.waitForSelector('article.msg');
  await page.click('button:has-text("Checkpoint…")');
  await page.fill('dialog[open] input[name=name]', 'before-tests');
  await page.click('dialog[open] button[data-ok]');
  await page.waitForSelector('select[aria-label="Jump to checkpoint"]');
  const cps = (await h.json(['checkpoints', IDS.complete])).checkpoints as Array<{ name: string; at_msg: string }>;
  assert.deepEqual(
    cps.map((c) => c.name),
    ['before-tests'],
  );
  await page.click('button:has-text("Alias…")');
  await page.fill('dialog[open] input[name=alias]', 'signup-work');
  await page.click('dialog[open] button[data-ok]');
  await page.waitForFunction(() => /signup-work/.test(document.querySelector('.head h1')?.textContent ?? ''));
  assert.equal((await h.json(['show', 'signup-work', '--no-messages'])).session.id, IDS.complete);
  await page.fill('input.jump', '3');
  await page.press('input.jump', 'Enter');
  await page.waitForSelector('article.msg.target[data-index="2"]');
  await page.selectOption('select[aria-label="Jump to checkpoint"]', cps[0]!.at_msg);
  await page.waitForSelector(`article.msg.target[data-msg="${cps[0]!.at_msg}"]`);
  await page.selectOption('select[aria-label=Order]', 'newest');
  await page.waitForFunction(() => document.querySelector('article.msg')?.getAttribute('data-index') === '7');
  await page.selectOption('select[aria-label=Order]', 'oldest');
  await page.waitForFunction(() => document.querySelector('article.msg')?.getAttribute('data-index') === '0');
  await page.click('button:has-text("Delete…")');
  await page.click('dialog[open] button[data-ok]');
  await page.waitForSelector('.head .badge:has-text("deleted")');
  assert.equal((await h.json(['show', IDS.complete, '--no-messages'])).session.deleted, true);
  await page.click('button:has-text("Restore")');
  await page.waitForSelector('button:has-text("Delete…")');
  assert.equal((await h.json(['show', IDS.complete, '--no-messages'])).session.deleted, false);

  // Command palette (Ctrl-K) and keyboard.
  await page.keyboard.press('Escape');
  await page.waitForSelector('a.row');
  await page.keyboard.press('Control+k');
  await page.waitForSelector('dialog.palette[open]');
  await page.keyboard.type('knowledge');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/knowledge');
  await b.screenshot('knowledge');
  await page.goto(ui.url + '#/status');
  await page.waitForSelector('text=No daemon running');
  await b.screenshot('status');

  // Dark mode: the toggle, kept across reloads.
  await page.goto(ui.url + `#/session/${IDS.complete}`);
  await page.waitForSelector('article.msg');
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.click('#theme');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(dark, light);
  const lum = (c: string) =>
    c
      .match(/\d+/g)!
      .slice(0, 3)
      .reduce((s, x) => s + Number(x), 0);
  assert.ok(lum(dark) < lum(light), `${dark} is darker than ${light}`);
  await b.screenshot('session-dark');
  await page.reload();
  await page.waitForSelector('article.msg');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');

  // Phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(ui.url + '#/');
  await page.waitForSelector('a.row');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll at phone width');
  await b.screenshot('list-phone');
  assert.deepEqual(b.dialogs, []);
  assert.deepEqual(b.errors, []);
});
