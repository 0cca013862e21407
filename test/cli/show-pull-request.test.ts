import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtures } from '../adapters/shared/helpers.js';
import { fakeHome } from '../helpers/fake-home.js';

/** A Claude Code session linked to a pull request (a `pr-link` record) shows the link in `sfs show`. */
test('sfs show names the pull request a captured session was linked to, in the header and in --json', async (t) => {
  const h = fakeHome(t, []);
  cpSync(path.join(fixtures, 'claude-code/generated-claude-code-2.1.332/dot-claude'), path.join(h.home, '.claude'), { recursive: true });
  const imported = await h.json(['import', '--from', 'claude-code']);
  assert.equal(imported.totals.problems, 0);
  const listed = await h.json(['list', '--limit', '100']);
  const main = (listed.sessions as Array<{ id: string; title: string }>).find((s) => s.title.startsWith('SCN_TOOLS'))!;
  const shown = await h.json(['show', main.id, '--no-messages']);
  assert.deepEqual(shown.session.pull_requests, [{ url: 'https://github.com/acme/demo-app/pull/42', number: 42, repository: 'acme/demo-app' }]);
  const human = await h.run(['show', main.id, '--no-messages']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^pull request +acme\/demo-app#42 https:\/\/github\.com\/acme\/demo-app\/pull\/42$/m);
  // A session without a link says nothing about pull requests.
  const other = (listed.sessions as Array<{ id: string; title: string }>).find((s) => s.id !== main.id)!;
  assert.deepEqual((await h.json(['show', other.id, '--no-messages'])).session.pull_requests, []);
  assert.doesNotMatch((await h.run(['show', other.id, '--no-messages'])).stdout, /pull request/);
});
