import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fakeHome } from '../test/helpers/fake-home.js';
import { startUi, writeSfs } from '../test/helpers/ui.js';
import { launch } from './browser.js';

const PWN = 'window.__pwned = (window.__pwned || 0) + 1';

/** Everything a session may hold that a browser would run or fetch if it were treated as HTML. */
function hostileMessages(): unknown[] {
  const t = (i: number) => new Date(Date.UTC(2026, 2, 20, 10, 0, i)).toISOString();
  const html = [
    `<script>${PWN}</script>`,
    `<img src=x onerror="${PWN}">`,
    `<iframe src="javascript:${PWN}"></iframe>`,
    `<svg onload="${PWN}"></svg>`,
    `<a href="javascript:${PWN}">html link</a>`,
    `<style>body{display:none}</style>`,
    `<meta http-equiv="refresh" content="0;url=https://example.com">`,
  ].join('\n');
  const md = [
    `[markdown link](javascript:${PWN})`,
    `[data link](data:text/html,<script>${PWN}</script>)`,
    `[vb](vbscript:msgbox(1))`,
    `![image](https://example.com/tracker.png)`,
    `<details open><summary>raw</summary><script>${PWN}</script></details>`,
    '```html\n<script>' + PWN + '</script>\n```',
    '&lt;script&gt;' + PWN + '&lt;/script&gt;',
  ].join('\n\n');
  return [
    { msg_id: 'h1', parent_msg_id: null, role: 'user', timestamp: t(1), content: [{ type: 'text', text: html }] },
    { msg_id: 'h2', parent_msg_id: 'h1', role: 'assistant', timestamp: t(2), content: [{ type: 'text', text: md }] },
    {
      msg_id: 'h3',
      parent_msg_id: 'h2',
      role: 'assistant',
      timestamp: t(3),
      content: [
        { type: 'thinking', text: `<script>${PWN}</script>` },
        { type: 'tool_use', tool_use_id: 'tu1', name: '<img src=x onerror="' + PWN + '">', input: { html: `<script>${PWN}</script>` } },
      ],
    },
    {
      msg_id: 'h4',
      parent_msg_id: 'h3',
      role: 'user',
      timestamp: t(4),
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'tu1',
          content: `<html><body onload="${PWN}"><script>${PWN}</script><form action="https://example.com"><input></form></body></html>`,
        },
      ],
    },
    {
      msg_id: 'h5',
      parent_msg_id: 'h4',
      role: 'assistant',
      timestamp: t(5),
      content: [
        {
          type: 'image',
          source: {
            type: 'base64',
            media_type: 'image/svg+xml',
            data: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="${PWN}"/>`).toString('base64'),
          },
        },
        { type: 'image', source: { type: 'url', url: 'https://example.com/x.png' } },
        { type: 'text', text: 'lone surrogates: \ud800 and \udfff and a pair 😀 end' },
      ],
    },
    {
      msg_id: 'h6',
      parent_msg_id: 'h5',
      role: 'user',
      timestamp: t(6),
      content: [{ type: 'text', text: 'BIG ' + '<b>x</b> '.repeat((5 * 1024 * 1024) / 9) + ' END' }],
    },
    { msg_id: 'h7', parent_msg_id: 'h6', role: 'assistant', timestamp: t(7), content: [{ type: 'weird_block', html: `<script>${PWN}</script>` }] },
  ];
}

test('dashboard: a hostile session renders inert (no script runs, no dialog, no element injected, nothing fetched) and the page stays responsive', async (t) => {
  const h = fakeHome(t, []);
  const dir = writeSfs(path.join(h.root, 'hostile.sfs'), {
    id: 'hostile-1',
    title: `<script>${PWN}</script> hostile <img src=x onerror=alert(1)>`,
    messages: hostileMessages(),
  });
  const imported = await h.json(['import', dir]);
  const id = imported.results?.[0]?.id ?? (await h.json(['list'])).sessions[0].id;
  const ui = await startUi(h);
  const b = await launch();
  t.after(() => b.close());
  const { page } = b;
  const outside: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.host !== `127.0.0.1:${ui.port}`) outside.push(r.url());
  });
  const csp: string[] = [];
  await page.exposeFunction('__cspViolation', (d: string) => csp.push(d));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)),
  );

  await page.goto(ui.openUrl);
  await page.waitForSelector('a.row');
  // The title is text in the list.
  assert.match((await page.locator('a.row .title').textContent())!, /<script>/);
  const started = Date.now();
  await page.goto(ui.url + `#/session/${id}`);
  // Only the rows near the viewport are in the page (virtual scrolling): look at the top, then at the end.
  await page.waitForSelector('article.msg[data-msg=h1]', { timeout: 30_000 });
  const collect = async () => {
    // Open everything folded, so nothing stays unrendered.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    await page.waitForTimeout(300);
    return page.evaluate(() => {
      const root = document.getElementById('main')!;
      return {
        pwned: (window as any).__pwned ?? 0,
        scripts: document.querySelectorAll('script').length,
        injected: root.querySelectorAll('script, iframe, object, embed, svg, style, meta, form, input:not(.jump), body, html').length,
        handlers: [...root.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
        badLinks: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '').filter((h) => !/^(#|\/api\/v1\/|https?:|mailto:)/.test(h)),
        images: [...root.querySelectorAll('img')].map((i) => i.getAttribute('src')!.slice(0, 30)),
        text: root.textContent ?? '',
        hidden: getComputedStyle(document.body).display,
        messages: [...root.querySelectorAll('article.msg')].map((a) => a.getAttribute('data-msg')),
      };
    });
  };
  const top = await collect();
  await page.fill('input.jump', '7');
  await page.press('input.jump', 'Enter');
  await page.waitForSelector('article.msg[data-msg=h7]', { timeout: 30_000 });
  const renderMs = Date.now() - started;
  const end = await collect();
  const found = {
    pwned: Math.max(top.pwned, end.pwned),
    scripts: Math.max(top.scripts, end.scripts),
    injected: top.injected + end.injected,
    handlers: top.handlers + end.handlers,
    badLinks: [...top.badLinks, ...end.badLinks],
    images: [...top.images, ...end.images],
    text: top.text + end.text,
    hidden: end.hidden,
  };
  const seen = new Set([...top.messages, ...end.messages]);
  for (let i = 1; i <= 7; i++) assert.ok(seen.has(`h${i}`), `message h${i} was rendered and checked`);
  assert.equal(found.pwned, 0, 'no script ran');
  assert.equal(found.scripts, 1, 'only the application script');
  assert.equal(found.injected, 0, 'no element from the session');
  assert.equal(found.handlers, 0, 'no event handler attribute');
  assert.deepEqual(found.badLinks, []);
  assert.deepEqual(found.images, [], 'an SVG "image" and a remote URL are not shown as images');
  assert.equal(found.hidden, 'block', 'session CSS did not apply');
  // The hostile text is there, as text.
  assert.ok(found.text.includes('<script>window.__pwned'), 'script tags shown as text');
  assert.ok(found.text.includes('<img src=x onerror='), 'HTML in text shown as text');
  assert.ok(found.text.includes('lone surrogates'), 'lone surrogates did not break the message');
  assert.ok(found.text.includes('<body onload='), 'HTML in tool output shown as text');
  assert.deepEqual(b.dialogs, [], 'no dialog opened');
  assert.deepEqual(outside, [], 'no request left the machine');
  // The 5 MB message is cut, and shows in full on request; the page keeps answering.
  const show = page.locator('article.msg[data-msg=h6] button:has-text("show all")');
  assert.equal(await show.count(), 1);
  const t0 = Date.now();
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  await show.click();
  await page.waitForFunction(() => (document.querySelector('article.msg[data-msg=h6]')?.textContent ?? '').includes(' END'), null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => 2 + 2), 4);
  const showAllMs = Date.now() - t0;
  await page.click('#theme');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'still responsive');
  assert.equal(await page.evaluate(() => (window as any).__pwned ?? 0), 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await b.screenshot('hostile');
  assert.deepEqual(b.errors, []);
  t.diagnostic(`hostile session rendered in ${renderMs} ms; the 5 MB message in full in ${showAllMs} ms; CSP reports: ${csp.length}`);
});
