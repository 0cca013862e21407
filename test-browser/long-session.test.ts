import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fakeHome } from '../test/helpers/fake-home.js';
import { startUi, threadMessages, writeSfs } from '../test/helpers/ui.js';
import { launch } from './browser.js';

const N = 15_000;
/** Rows in the page at most: what fills a 900-pixel screen and the margin around it, never the session. */
const MAX_ROWS = 80;

/**
 * Continuous virtual scrolling through a 15,000-message session: the page holds only the rows
 * near the viewport whether at the top, in the middle or at the end, reached by scrolling (the
 * wheel, the End key) or by a jump; message numbers stay right throughout.
 */
test('dashboard: a 15,000-message session scrolls continuously to its last message with a bounded number of rows in the page', async (t) => {
  const h = fakeHome(t, []);
  await h.json(['import', writeSfs(path.join(h.root, 'long.sfs'), { id: 'long-1', title: 'A very long session', messages: threadMessages(N, 'scroll') })]);
  const id = ((await h.json(['list'])).sessions as Array<{ id: string }>)[0]!.id;
  const ui = await startUi(h);
  const b = await launch();
  t.after(() => b.close());
  const { page } = b;
  await page.goto(ui.openUrl);
  await page.goto(ui.url + `#/session/${id}`);
  await page.waitForSelector('article.msg[data-index="0"]:not(.placeholder)');
  const rows = () => page.locator('#messages article.msg').count();
  const indexes = () => page.locator('#messages article.msg').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  assert.ok((await rows()) <= MAX_ROWS, `${await rows()} rows at the top`);
  assert.match((await page.locator('[data-range]').textContent())!, new RegExp(`^messages 1–\\d+ of ${N}$`));
  // The container is as tall as the whole session, so the scroll bar means what it says.
  assert.ok((await page.evaluate(() => document.documentElement.scrollHeight)) > N * 40);

  // The wheel: rows follow continuously, in order, with no gap.
  for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 800);
  await page.waitForFunction(() => !document.querySelector('#messages article.msg.placeholder'), null, { timeout: 20_000 });
  const mid = await indexes();
  assert.ok(mid[0]! > 20, `scrolled down to ${mid[0]}`);
  assert.deepEqual(
    mid,
    mid.map((_, i) => mid[0]! + i),
    'consecutive messages in page order',
  );
  assert.ok(mid.length <= MAX_ROWS);

  // The End key goes to the very end: the last message, with as few rows as ever.
  await page.keyboard.press('End');
  await page.waitForSelector(`article.msg[data-index="${N - 1}"]:not(.placeholder)`, { timeout: 20_000 });
  await page.waitForFunction(() => !document.querySelector('#messages article.msg.placeholder'), null, { timeout: 20_000 });
  assert.ok((await rows()) <= MAX_ROWS, `${await rows()} rows at the end`);
  const last = (await page.locator(`article.msg[data-index="${N - 1}"]`).boundingBox())!;
  assert.ok(last.y >= 0 && last.y + last.height <= 900 + 1, `the last message is on screen: ${JSON.stringify(last)}`);
  assert.match((await page.locator(`article.msg[data-index="${N - 1}"] .who`).textContent())!, new RegExp(`#${N} `));
  assert.match((await page.locator('[data-range]').textContent())!, new RegExp(`–${N} of ${N}$`));
  await b.screenshot('session-long-end');

  // A jump to a message number lands on it, marked, in the middle of the session.
  await page.fill('input.jump', '7500');
  await page.press('input.jump', 'Enter');
  await page.waitForSelector('article.msg.target[data-index="7499"]', { timeout: 20_000 });
  assert.ok(await page.locator('article.msg.target').isVisible());
  assert.ok((await rows()) <= MAX_ROWS);
  // Scrolling up from there keeps what is on screen in place while rows above are measured.
  const before = await page.locator('article.msg.target').boundingBox();
  await page.mouse.wheel(0, -300);
  await page.waitForTimeout(300);
  const after = await page.locator('article.msg.target').boundingBox();
  assert.ok(Math.abs(after!.y - before!.y - 300) < 40, `moved by the wheel only: ${before!.y} → ${after!.y}`);

  // Newest first: the last message on top.
  await page.selectOption('select[aria-label=Order]', 'newest');
  await page.waitForFunction((n) => document.querySelector('#messages article.msg')?.getAttribute('data-index') === String(n - 1), N);
  assert.ok((await rows()) <= MAX_ROWS);
  await page.selectOption('select[aria-label=Order]', 'oldest');
  assert.deepEqual(b.errors, []);
});
