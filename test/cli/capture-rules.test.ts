import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { derivedId } from '../helpers/cli.js';
import { fakeHome } from '../helpers/fake-home.js';

const NATIVE = '54966ca3-cfa7-46f3-97ab-335ba9fada5a';

test("capture records the rules version and hash of the session's project; show prints them", async (t) => {
  const h = fakeHome(t, ['claude-code']);
  const repo = path.join(h.root, 'repo');
  mkdirSync(path.join(repo, 'src'), { recursive: true });
  execFileSync('git', ['init', '-q', repo]);
  execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'https://GitHub.com/acme/app.git']);
  writeFileSync(path.join(h.root, 'v1.md'), '# Rules\n\n- Run the tests.\n');
  writeFileSync(path.join(h.root, 'v2.md'), '# Rules\n\n- Run the tests.\n- Never push.\n');
  await h.json(['rules', 'init', '--from', path.join(h.root, 'v1.md'), '--project', repo]);
  const v1 = await h.json(['rules', 'show', '--project', repo]);

  // One fixture session ran in a subdirectory of the repository; the others in a directory without rules.
  const file = path.join(h.claudeProjects, '-home-dev-projects-demo-app', `${NATIVE}.jsonl`);
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"cwd":"/home/dev/projects/demo-app"', `"cwd":${JSON.stringify(path.join(repo, 'src'))}`));
  const first = await h.json(['import', '--from', 'claude-code']);
  assert.equal(first.totals.sessionsNew, 4);

  const id = derivedId('claude-code', NATIVE);
  const shown = await h.json(['show', id, '--no-messages']);
  assert.deepEqual(shown.session.header.rules, { project: 'github.com/acme/app', version: 1, hash: v1.hash });
  const listed = await h.json(['list', '--subagents', '--limit', '100']);
  const others = (listed.sessions ?? listed.items ?? listed).filter((s: { id: string }) => s.id !== id);
  assert.equal(others.length, 3);
  for (const s of others) assert.equal((await h.json(['show', s.id, '--no-messages'])).session.header.rules, undefined, s.id);

  const text = await h.run(['show', id, '--no-messages']);
  assert.match(text.stdout, new RegExp(`^rules +version 1 · ${v1.hash.slice(0, 8)}$`, 'm'));

  // A new rules version does not rewrite what guided a session already captured.
  const edited = await h.run(['rules', 'edit', '--project', repo], { env: { EDITOR: `cp ${path.join(h.root, 'v2.md')}` } });
  assert.equal(edited.code, 0, edited.stderr);
  const line = JSON.parse(
    readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.includes('"type":"user"'))!,
  );
  appendFileSync(
    file,
    JSON.stringify({
      ...line,
      uuid: 'aaaaaaaa-1111-4222-8333-444444444444',
      parentUuid: null,
      timestamp: '2026-11-24T05:00:00.000Z',
      message: { role: 'user', content: 'one more thing' },
    }) + '\n',
  );
  const second = await h.json(['import', '--from', 'claude-code']);
  assert.equal(second.totals.messagesAdded, 1);
  assert.equal((await h.json(['show', id, '--no-messages'])).session.header.rules.version, 1);
});
