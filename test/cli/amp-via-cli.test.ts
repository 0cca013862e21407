import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fakeHome, type FakeHome } from '../helpers/fake-home.js';

/**
 * `sfs import --from amp --via-cli` against a fake `amp` on PATH that answers as the real CLI
 * is documented to: `amp threads list --json --include-archived --limit N --offset N` prints a
 * JSON array of thread summaries, `amp threads export <T-id>` prints the thread document (the
 * shape of a cached thread file). A missing or signed-out amp is a clear error.
 */
const THREAD = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../../test/fixtures/amp/public/Dicklesworthstone-cross_agent_session_resumer/T-aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.json',
);

function fakeAmp(h: FakeHome, mode: 'ok' | 'signed-out'): string {
  const bin = path.join(h.root, 'bin');
  mkdirSync(bin, { recursive: true });
  const threads = path.join(h.root, 'server-threads');
  mkdirSync(threads, { recursive: true });
  const doc = JSON.parse(readFileSync(THREAD, 'utf8'));
  // Two threads on the server, none cached locally; a third is listed but its export fails.
  for (const id of ['T-11111111-1111-4111-8111-111111111111', 'T-22222222-2222-4222-8222-222222222222'])
    writeFileSync(path.join(threads, `${id}.json`), JSON.stringify({ ...doc, id }));
  const script = `#!${process.execPath}
const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(h.root, 'amp-calls.log'))}, args.join(' ') + '\\n');
if (${JSON.stringify(mode)} === 'signed-out') { process.stderr.write('Error: not logged in. Run amp login.\\n'); process.exit(1); }
const dir = ${JSON.stringify(threads)};
if (args[0] === 'threads' && args[1] === 'list') {
  const offset = Number(args[args.indexOf('--offset') + 1] || 0);
  const all = fs.readdirSync(dir).map((f) => ({ id: f.replace(/\\.json$/, ''), title: 't', updated: '2026-06-01T00:00:00Z' }));
  all.push({ id: 'T-33333333-3333-4333-8333-333333333333', title: 'gone' }, { id: '--help; rm -rf', title: 'not an id' });
  process.stdout.write(JSON.stringify(offset ? [] : all));
} else if (args[0] === 'threads' && args[1] === 'export') {
  const f = path.join(dir, args[2] + '.json');
  if (!fs.existsSync(f)) { process.stderr.write('Error: thread not found\\n'); process.exit(1); }
  process.stdout.write(fs.readFileSync(f));
} else process.exit(2);
`;
  writeFileSync(path.join(bin, 'amp'), script);
  chmodSync(path.join(bin, 'amp'), 0o755);
  return `${bin}:/usr/bin:/bin`;
}

test('import --from amp --via-cli: threads listed by the signed-in amp CLI are exported and captured; a failed export is a problem, a bad id is never passed', async (t) => {
  const h = fakeHome(t, []);
  const env = { PATH: fakeAmp(h, 'ok') };
  const r = await h.run(['import', '--from', 'amp', '--via-cli', '--json'], { env });
  assert.equal(r.code, 1, 'a thread that could not be exported makes the exit code 1');
  const out = JSON.parse(r.stdout).data;
  assert.deepEqual(out.totals, { threads: 3, captured: 2, sessionsNew: 2, messagesAdded: out.totals.messagesAdded, problems: 1 });
  assert.ok(out.totals.messagesAdded > 0);
  assert.match(out.problems[0].path, /amp threads export T-33333333/);
  assert.match(out.problems[0].message, /thread not found/);
  const calls = readFileSync(path.join(h.root, 'amp-calls.log'), 'utf8');
  assert.match(calls, /^threads list --json --include-archived --limit 500 --offset 0$/m);
  assert.doesNotMatch(calls, /rm -rf/);
  const list = await h.json(['list', '--tool', 'amp']);
  assert.equal(list.sessions.length, 2);
  // Again: nothing new.
  const again = JSON.parse((await h.run(['import', '--from', 'amp', '--via-cli', '--json'], { env })).stdout).data;
  assert.equal(again.totals.sessionsNew, 0);
  assert.equal(again.totals.messagesAdded, 0);
});

test('import --from amp --via-cli: amp not installed, or not signed in, is a clear error; --via-cli needs --from amp', async (t) => {
  const h = fakeHome(t, []);
  const none = await h.run(['import', '--from', 'amp', '--via-cli'], { env: { PATH: '/usr/bin:/bin' } });
  assert.equal(none.code, 3);
  assert.match(none.stderr, /amp is not installed here \(no `amp` on PATH\)/);
  const out = await h.run(['import', '--from', 'amp', '--via-cli'], { env: { PATH: fakeAmp(h, 'signed-out') } });
  assert.equal(out.code, 11);
  assert.match(out.stderr, /`amp threads list` failed: Error: not logged in\. Run amp login\. \(is amp signed in\? `amp login`\)/);
  const wrong = await h.run(['import', '--from', 'codex', '--via-cli']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--via-cli goes with --from amp/);
});
