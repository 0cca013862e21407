import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fakeHome } from '../test/helpers/fake-home.js';
import { IDS, example } from '../test/helpers/cli.js';
import { startUi, writeSfs } from '../test/helpers/ui.js';
import { launch } from './browser.js';

const CODE_MESSAGES = [
  {
    msg_id: 'c1',
    parent_msg_id: null,
    role: 'user',
    timestamp: '2026-03-20T10:00:01.000Z',
    content: [{ type: 'text', text: 'Fix this:\n\n```ts\nconst answer: number = 42; // the answer\nexport function f() { return "x"; }\n```\n' }],
  },
  {
    msg_id: 'c2',
    parent_msg_id: 'c1',
    role: 'assistant',
    timestamp: '2026-03-20T10:00:02.000Z',
    content: [{ type: 'tool_use', tool_use_id: 'tu1', name: 'Edit', input: { file_path: 'src/a.ts', old_string: 'return "x"', new_string: 'return 42' } }],
  },
  {
    msg_id: 'c3',
    parent_msg_id: 'c2',
    role: 'user',
    timestamp: '2026-03-20T10:00:03.000Z',
    content: [
      {
        type: 'tool_result',
        tool_use_id: 'tu1',
        content: 'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-return "x"\n+return 42\n',
      },
    ],
  },
  {
    msg_id: 'c4',
    parent_msg_id: 'c3',
    role: 'assistant',
    timestamp: '2026-03-20T10:00:04.000Z',
    content: [{ type: 'text', text: '```python\ndef f(x):\n    return x  # <script>alert(1)</script>\n```' }],
  },
];

/**
 * The list's lineage groups and ticket filter, highlighted code, the export downloads and a
 * resume started in a terminal, in Chromium over the real `sfs ui`.
 */
test('dashboard: lineage groups open and close, ticket filter, code highlighted as spans, .sfs and native downloads, resume in a terminal after confirmation', async (t) => {
  const h = fakeHome(t, []);
  await h.json(['import', example('complete')]);
  const fork = (await h.json(['fork', IDS.complete, '--name', 'PROJ-77 follow-up'])).id as string;
  await h.json(['import', writeSfs(path.join(h.root, 'code.sfs'), { id: 'code-1', title: 'ENG-5 code review', messages: CODE_MESSAGES })]);
  const code = ((await h.json(['list'])).sessions as Array<{ id: string; title: string }>).find((s) => s.title === 'ENG-5 code review')!.id;
  const out = path.join(h.root, 'terminal-args.txt');
  const term = path.join(h.root, 'fake-terminal');
  writeFileSync(term, `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\n`, { mode: 0o755 });
  const ui = await startUi(h, [], { TERMINAL: term });
  const b = await launch();
  t.after(() => b.close());
  const { page } = b;
  await page.goto(ui.openUrl);

  // Grouped: the fork is not a row of its own; its parent's toggle opens it, and closes it again.
  await page.waitForSelector('a.row');
  assert.deepEqual((await page.locator('a.row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-id')))).sort(), [code, IDS.complete].sort());
  const toggle = page.locator(`button[data-expand="${IDS.complete}"]`);
  assert.match((await toggle.textContent())!, /▸ 1/);
  await toggle.click();
  await page.waitForSelector(`.children[data-parent="${IDS.complete}"] a.row[data-id="${fork}"]`);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.locator(`a.row[data-id="${fork}"]`).isVisible());
  assert.match((await page.locator(`a.row[data-id="${fork}"] .meta`).textContent())!, /fork/);
  await b.screenshot('list-lineage');
  await toggle.click();
  assert.equal(await page.locator(`a.row[data-id="${fork}"]`).isVisible(), false);
  // Flat: every session in its own row.
  await page.check('input[name=flat]');
  await page.waitForFunction(() => document.querySelectorAll('a.row').length === 3);
  await page.uncheck('input[name=flat]');
  await page.waitForFunction(() => document.querySelectorAll('a.row').length === 2);

  // Ticket: typed in any case; the fork (a child) is found too, with its ticket shown.
  await page.fill('input[name=ticket]', 'proj-77');
  await page.waitForFunction((id) => {
    const rows = [...document.querySelectorAll('a.row')];
    return rows.length === 1 && rows[0]!.getAttribute('data-id') === id;
  }, fork);
  assert.equal(await page.locator(`a.row[data-id="${fork}"] .badge.ticket`).textContent(), 'PROJ-77');
  assert.match(page.url(), /ticket=proj-77/);
  await b.screenshot('list-ticket');
  await page.fill('input[name=ticket]', 'ENG-5');
  await page.waitForFunction((id) => [...document.querySelectorAll('a.row')].map((r) => r.getAttribute('data-id')).join() === id, code);
  await page.fill('input[name=ticket]', 'ENG-6');
  await page.waitForSelector('text=No sessions match.');
  await page.fill('input[name=ticket]', '');
  await page.waitForFunction(() => document.querySelectorAll('a.row').length === 2);

  // Code: fenced blocks, a tool's JSON input and its diff result are spans of text.
  await page.goto(ui.url + `#/session/${code}`);
  await page.waitForSelector('article.msg[data-msg=c4]');
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const ts = page.locator('article.msg[data-msg=c1] pre code');
  assert.equal(await ts.getAttribute('data-lang'), 'ts');
  assert.deepEqual(await ts.locator('span.tk-k').allTextContents(), ['const', 'export', 'function', 'return']);
  assert.equal(await ts.locator('span.tk-c').textContent(), '// the answer');
  assert.equal(await ts.locator('span.tk-n').textContent(), '42');
  assert.ok((await page.locator('article.msg[data-msg=c2] details.tool pre span.tk-p').allTextContents()).includes('"file_path"'));
  assert.deepEqual(await page.locator('article.msg[data-msg=c2] details.tool pre span.add').allTextContents(), ['+return 42\n']);
  assert.equal(await page.locator('article.msg[data-msg=c2] details.tool pre span.del').textContent(), '-return "x"\n');
  const py = page.locator('article.msg[data-msg=c4] pre code');
  assert.equal(await py.locator('span.tk-c').textContent(), '# <script>alert(1)</script>');
  // Only spans and text in highlighted code: nothing from the session became an element.
  const tags = await page.evaluate(() => [...new Set([...document.querySelectorAll('#messages pre *')].map((e) => e.tagName))]);
  assert.deepEqual(
    tags.filter((x) => x !== 'SPAN' && x !== 'CODE'),
    [],
  );
  await b.screenshot('session-code');

  // Export .sfs: a download of the .sfs directory as a tar.
  await page.goto(ui.url + `#/session/${IDS.complete}`);
  await page.waitForSelector('article.msg');
  const untar = async (file: string, name: string) => {
    const dir = path.join(h.root, name);
    mkdirSync(dir);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    return dir;
  };
  const [sfsDownload] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export=sfs]')]);
  assert.equal(sfsDownload.suggestedFilename(), `${IDS.complete}.sfs.tar`);
  const sfsFile = path.join(h.root, 'dl.sfs.tar');
  await sfsDownload.saveAs(sfsFile);
  const sfsDir = await untar(sfsFile, 'x-sfs');
  assert.equal(JSON.parse(readFileSync(path.join(sfsDir, `${IDS.complete}.sfs`, 'manifest.json'), 'utf8')).session_id, IDS.complete);
  // Export native: the tool is chosen in a dialog; the tar holds the tool's files under a home directory.
  await page.click('button[data-action=export-native]');
  await page.selectOption('dialog[open] select[name=format]', 'codex');
  const [nativeDownload] = await Promise.all([page.waitForEvent('download'), page.click('dialog[open] button[data-ok]')]);
  assert.equal(nativeDownload.suggestedFilename(), `${IDS.complete}.codex.tar`);
  const nativeFile = path.join(h.root, 'dl.codex.tar');
  await nativeDownload.saveAs(nativeFile);
  const nativeDir = await untar(nativeFile, 'x-codex');
  const rollouts = execFileSync('find', [path.join(nativeDir, '.codex', 'sessions'), '-name', 'rollout-*.jsonl'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  assert.equal(rollouts.length, 1, rollouts.join());
  assert.ok(!existsSync(path.join(h.home, '.codex', 'sessions')), 'nothing written into the real tool');

  // Resume in a terminal: asked first (cancel runs nothing), then the terminal gets `sfs resume <id>`.
  await page.click('button[data-action=launch]');
  await page.waitForSelector('dialog[open] pre.cmd');
  assert.equal(await page.locator('dialog[open] pre.cmd').textContent(), `sfs resume ${IDS.complete}`);
  await page.click('dialog[open] button:has-text("Cancel")');
  await page.waitForTimeout(300);
  assert.equal(existsSync(out), false, 'cancelled: nothing started');
  await page.click('button[data-action=launch]');
  await page.click('dialog[open] button[data-ok]');
  await page.waitForSelector('.toast:has-text("started in fake-terminal")');
  const args = readFileSync(out, 'utf8').trim().split('\n');
  assert.deepEqual(args.slice(-2), ['resume', IDS.complete]);
  assert.deepEqual(b.dialogs, []);
  assert.deepEqual(b.errors, []);
});
