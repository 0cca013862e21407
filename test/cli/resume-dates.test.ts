import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { IDS, example, newSfs } from '../helpers/cli.js';

// A resumed session is a new native session: it was created when it was resumed, and that is its
// latest activity, so it heads `sfs list` — even though the history it carries keeps the source's
// (old) message times. The source here is from March 2026; the resume happens now.
test('a session resumed into each tool is created at the resume time and heads sfs list; its history keeps its times', async (t) => {
  const sfs = newSfs();
  t.after(() => sfs.dispose());
  const env = { HOME: sfs.path('home') };
  mkdirSync(env.HOME);
  const repo = sfs.path('repo');
  mkdirSync(repo);
  await sfs.ok(['import', example('complete'), example('minimal')]);
  const source = (await sfs.ok(['show', IDS.complete])).session;
  for (const tool of ['claude-code', 'codex', 'gemini', 'copilot']) {
    const startedAt = new Date().toISOString();
    const r = await sfs.ok(['resume', IDS.complete, '--in', tool, '--project', repo, '--no-launch'], { env });
    const list = (await sfs.ok(['list'])).sessions;
    assert.equal(list[0].id, r.session, `${tool}: the resumed session heads the list`);
    const shown = await sfs.ok(['show', r.session]);
    assert.ok(shown.session.created_at >= startedAt, `${tool}: created ${shown.session.created_at}, resumed after ${startedAt}`);
    assert.ok(shown.session.updated_at >= startedAt, `${tool}: updated ${shown.session.updated_at}`);
    // the carried history is dated as it happened (the source's first prompt: 2026-03-20T14:00:00Z)
    const first = shown.messages.items.find((i: { message: { role: string } }) => i.message.role === 'user').message;
    assert.equal(Date.parse(first.timestamp), Date.parse('2026-03-20T14:00:00Z'), `${tool}: the first prompt keeps its time`);
  }
  assert.ok(source.created_at < (await sfs.ok(['list'])).sessions[0].created_at);
});
