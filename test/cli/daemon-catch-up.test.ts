import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeHome, type FakeHome } from '../helpers/fake-home.js';

/**
 * The daemon's start-up catch-up: a restart with nothing changed reads no source, and the
 * watcher runs before the catch-up, so a file changed while it is under way is captured.
 */
async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function stopAfter(h: FakeHome): void {
  h.beforeRemove(async () => {
    await h.run(['daemon', 'stop']);
  });
}

const logLines = async (h: FakeHome) => (await h.run(['daemon', 'logs', '-n', '5000'])).stdout.split('\n');
const watching = (h: FakeHome) => waitFor('caught up', async () => (await h.json(['daemon', 'status'])).status?.phase === 'watching');

/** A Claude Code user line continuing `file`, with a marker text. */
function claudeUserLine(file: string, text: string): string {
  const records = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const user = records.find((r) => r.type === 'user');
  const last = [...records].reverse().find((r) => r.uuid);
  const line = { ...user, uuid: randomUUID(), parentUuid: last.uuid, message: { role: 'user', content: [{ type: 'text', text }] } };
  return JSON.stringify({ ...line, timestamp: new Date().toISOString() }) + '\n';
}

test('daemon restart with nothing changed: every source unchanged, none read, status still counts them', async (t) => {
  const h = fakeHome(t);
  stopAfter(h);
  await h.json(['daemon', 'start']);
  await watching(h);
  const first = await h.json(['daemon', 'status']);
  await h.json(['daemon', 'stop']);
  const before = (await logLines(h)).length;
  await h.json(['daemon', 'start']);
  await watching(h);
  const lines = (await logLines(h)).slice(before - 1);
  const catching = lines.find((l) => l.includes('catching up'));
  assert.match(catching ?? '', /sources=8 to_read=0 unchanged=8/, lines.join('\n'));
  assert.equal(lines.filter((l) => l.includes('captured')).length, 0, 'nothing captured on the restart');
  const again = await h.json(['daemon', 'status']);
  const seen = (s: any) => Object.fromEntries(s.status.tools.filter((x: any) => x.watched).map((x: any) => [x.tool, x.sources_seen]));
  assert.deepEqual(seen(again), seen(first));
  assert.deepEqual(seen(again), { 'claude-code': 4, codex: 4 });
});

test('daemon: a file changed while the start-up catch-up is under way is captured', async (t) => {
  const h = fakeHome(t, ['claude-code']);
  stopAfter(h);
  // Enough sources that the catch-up takes a while: copies of one transcript under new names.
  const dir = path.join(h.claudeProjects, '-home-dev-projects-demo-app');
  const template = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.jsonl'))!,
  );
  const text = readFileSync(template, 'utf8');
  const ids = [...new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [])];
  for (let i = 0; i < 600; i++) {
    let copy = text;
    for (const id of ids) copy = copy.replaceAll(id, randomUUID());
    appendFileSync(path.join(h.claudeProjects, '-home-dev-projects-demo-app', `${randomUUID()}.jsonl`), copy);
  }
  await h.json(['daemon', 'start']);
  // The first source captured by the catch-up (read from the log file itself, polled often):
  // change it while the others are still being read.
  const logFile = path.join(h.sfsHome, 'state', 'daemon.log');
  const logged = () =>
    existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  let captured: string | undefined;
  const deadline = Date.now() + 60_000;
  while (!captured && Date.now() < deadline) {
    captured = logged().find((l) => l.msg === 'captured' && l.tool === 'claude-code')?.path;
    if (!captured) await sleep(5);
  }
  assert.ok(captured, 'a first capture');
  appendFileSync(captured, claudeUserLine(captured, 'DURING_CATCH_UP_MARKER'));
  const changedAt = Date.now();
  await watching(h);
  const caughtUp = logged().find((l) => l.msg === 'caught up; watching');
  assert.ok(Date.parse(caughtUp.ts) > changedAt, 'the file changed before the catch-up ended (make the corpus larger if this fails)');
  await waitFor('the change captured', async () => (await h.json(['search', 'DURING_CATCH_UP_MARKER'])).hits.length > 0, 30_000);
});
