import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fakeHome, type FakeHome } from '../test/helpers/fake-home.js';
import { startUi } from '../test/helpers/ui.js';
import { launch } from './browser.js';

const IMAGE_SESSION = '4dee2827-7d49-4885-9553-346a259d7efd';
const TOOLS_SESSION = '54966ca3-cfa7-46f3-97ab-335ba9fada5a';
const sessionId = (nativeId: string) => 'ses_' + createHash('sha256').update(`claude-code\0${nativeId}`).digest('hex').slice(0, 24);
const claudeFile = (h: FakeHome, stem: string) => path.join(h.claudeProjects, '-home-dev-projects-demo-app', `${stem}.jsonl`);

/** A new user line for a Claude Code transcript, continuing its last record. */
function userLine(file: string, text: string): string {
  const records = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
  const user = records.find((r) => r.type === 'user');
  const last = [...records].reverse().find((r) => r.uuid);
  return (
    JSON.stringify({
      ...user,
      uuid: randomUUID(),
      parentUuid: last.uuid,
      message: { role: 'user', content: [{ type: 'text', text }] },
      timestamp: new Date().toISOString(),
    }) + '\n'
  );
}

test('dashboard: a message the daemon captures appears in the open session (its header counts too) and in the list without a reload', async (t) => {
  const h = fakeHome(t, ['claude-code']);
  h.beforeRemove(async () => void (await h.run(['daemon', 'stop'])));
  await h.json(['daemon', 'start']);
  const id = sessionId(IMAGE_SESSION);
  for (let i = 0; i < 100; i++) {
    const r = await h.run(['show', id, '--json', '--no-messages']);
    if (r.code === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const ui = await startUi(h);
  const b = await launch();
  t.after(() => b.close());
  const { page } = b;
  await page.goto(ui.openUrl);
  await page.goto(ui.url + `#/session/${id}`);
  await page.waitForSelector('article.msg');
  await page.waitForSelector('#live.on');
  const before = await page.locator('article.msg').count();
  const headerCount = async () => Number(/^(\d+) /.exec((await page.locator('[data-fact=messages]').textContent())!)![1]);
  const updatedBefore = await page.locator('.facts').textContent();
  const countBefore = await headerCount();
  // The reader is typing a message number when the capture lands: the refresh must not take it away.
  await page.fill('input.jump', '2');
  await page.focus('input.jump');

  const appended = Date.now();
  appendFileSync(claudeFile(h, IMAGE_SESSION), userLine(claudeFile(h, IMAGE_SESSION), 'LIVE_MARKER_IN_VIEW'));
  await page.waitForSelector('article.msg:has-text("LIVE_MARKER_IN_VIEW")', { timeout: 15_000 });
  const viewMs = Date.now() - appended;
  assert.equal(await page.locator('article.msg').count(), before + 1);
  // The header follows: its message count and last activity moved without a reload.
  await page.waitForFunction((n) => (document.querySelector('[data-fact=messages]')?.textContent ?? '').startsWith(`${n} `), countBefore + 1);
  assert.notEqual(await page.locator('.facts').textContent(), updatedBefore, 'last activity moved');
  assert.equal(await page.inputValue('input.jump'), '2', 'what the reader typed in the jump box survives the refresh');
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('jump')), 'and it keeps the focus');

  // The list: the session that moved comes first, with its new message count.
  await page.goto(ui.url + '#/');
  await page.waitForSelector('a.row');
  const other = sessionId(TOOLS_SESSION);
  const countOf = () => page.locator(`a.row[data-id="${other}"] .meta`).textContent();
  const n0 = Number(/(\d+) messages/.exec((await countOf())!)![1]);
  const appended2 = Date.now();
  appendFileSync(claudeFile(h, TOOLS_SESSION), userLine(claudeFile(h, TOOLS_SESSION), 'LIVE_MARKER_IN_LIST'));
  await page.waitForFunction(
    ([sid, n]) => new RegExp(`${Number(n) + 1} messages`).test(document.querySelector(`a.row[data-id="${sid}"] .meta`)?.textContent ?? ''),
    [other, String(n0)] as const,
    { timeout: 15_000 },
  );
  const listMs = Date.now() - appended2;
  assert.equal(await page.locator('a.row').first().getAttribute('data-id'), other, 'newest activity first');
  assert.deepEqual(b.errors, []);
  t.diagnostic(`append → visible: session view ${viewMs} ms, list ${listMs} ms (daemon capture + 500 ms poll)`);
});
