import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolvePaths } from '../../engine/paths.js';
import { Store } from '../../engine/store.js';
import { fakeHome, type FakeHome } from '../helpers/fake-home.js';

/**
 * The daemon end to end: real background processes on a fake home. Every test stops
 * what it started (t.after), and checks no daemon process is left.
 */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Daemon processes whose environment points at this SFS_HOME (Linux /proc). */
function daemonsOf(h: FakeHome): number[] {
  if (!existsSync('/proc')) return [];
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes('daemon\0run')) continue;
      if (readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`SFS_HOME=${h.sfsHome}`)) out.push(Number(d));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

function cleanup(h: FakeHome): void {
  h.beforeRemove(async () => {
    await h.run(['daemon', 'stop']);
    for (const pid of daemonsOf(h)) process.kill(pid, 'SIGKILL');
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** A Claude Code user line continuing `file`, with a marker text. */
function claudeUserLine(file: string, text: string): string {
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

const claudeFile = (h: FakeHome, stem: string) => path.join(h.claudeProjects, '-home-dev-projects-demo-app', `${stem}.jsonl`);
const IMAGE_SESSION = '4dee2827-7d49-4885-9553-346a259d7efd';
/** Our id for a captured session (engine/ids.ts capturedSessionId: tool + native id). */
const sessionId = (tool: string, nativeId: string) => 'ses_' + createHash('sha256').update(`${tool}\0${nativeId}`).digest('hex').slice(0, 24);
const IMAGE_ID = sessionId('claude-code', IMAGE_SESSION);

test('daemon: start, status, live capture, a corrupt line, stop', async (t) => {
  const h = fakeHome(t);
  cleanup(h);
  const none = await h.run(['daemon', 'status']);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /^no daemon running/);

  const started = Date.now();
  const s = await h.json(['daemon', 'start']);
  const startMs = Date.now() - started;
  assert.equal(s.already_running, false);
  assert.ok(alive(s.pid));

  const st = await waitFor('catch-up', async () => {
    const r = await h.json(['daemon', 'status']);
    return r.status?.phase === 'watching' && r;
  });
  assert.equal(st.running, true);
  assert.equal(st.pid, s.pid);
  const tools = Object.fromEntries(st.status.tools.map((x: any) => [x.tool, x]));
  assert.equal(tools['claude-code'].watched, true);
  assert.equal(tools['claude-code'].store_found, true);
  assert.equal(tools['claude-code'].sources_seen, 4);
  assert.equal(tools.codex.sources_seen, 4);
  assert.equal(tools.codex.sessions_captured, 4);
  assert.ok(tools.codex.last_capture_at);
  assert.equal(tools.gemini.watched, false);
  const human = await h.run(['daemon', 'status']);
  assert.match(human.stdout, new RegExp(`daemon running · pid ${s.pid}`));
  assert.match(human.stdout, /claude-code\s+-\s+yes\s+found\s+4/);

  // Live: lines appended to a transcript show up in `sfs show` within seconds.
  const file = claudeFile(h, IMAGE_SESSION);
  const before = (await h.json(['show', IMAGE_ID, '--all'])).messages;
  const appendedAt = Date.now();
  appendFileSync(file, claudeUserLine(file, 'LIVE_MARKER_ONE'));
  const hit = await waitFor('live capture', async () => {
    const r = await h.json(['search', 'LIVE_MARKER_ONE']);
    return r.hits.length > 0 && r;
  });
  const liveMs = Date.now() - appendedAt;
  assert.ok(hit);
  const after = (await h.json(['show', IMAGE_ID, '--all'])).messages;
  assert.equal(after.total, before.total + 1);

  // A corrupt line is reported (status) and capture goes on: the next good line arrives.
  appendFileSync(file, '{"this is not json\n');
  appendFileSync(file, claudeUserLine(file, 'LIVE_MARKER_TWO'));
  await waitFor('capture after a corrupt line', async () => {
    const r = await h.json(['search', 'LIVE_MARKER_TWO']);
    return r.hits.length > 0;
  });
  const withProblem = await waitFor('the problem in status', async () => {
    const r = await h.json(['daemon', 'status']);
    const cc = r.status.tools.find((x: any) => x.tool === 'claude-code');
    return cc.errors > 0 && cc;
  });
  assert.equal(withProblem.recent_problems[0].path, file);
  assert.match(withProblem.recent_problems[0].message, /JSON/);
  assert.equal(withProblem.quarantined.length, 0);

  const logs = await h.run(['daemon', 'logs', '-n', '200']);
  assert.match(logs.stdout, /captured tool=claude-code/);
  assert.match(logs.stdout, /problem tool=claude-code/);

  const stop = await h.json(['daemon', 'stop']);
  assert.equal(stop.stopped, true);
  assert.equal(alive(s.pid), false, 'the daemon process is gone');
  assert.deepEqual(daemonsOf(h), []);
  assert.match((await h.run(['daemon', 'status'])).stdout, /^no daemon running/);
  // The store was handed back cleanly: without a daemon a command opens it and sees what the daemon captured.
  const text = await h.run(['show', IMAGE_ID, '--all']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /LIVE_MARKER_TWO/);
  t.diagnostic(`start ${startMs} ms; append → searchable ${liveMs} ms`);
});

/** The projections' read position and the log's head, through the daemon (as a guest); opening folds nothing. */
async function foldState(h: FakeHome): Promise<{ position: number; head: number }> {
  const store = await Store.open(resolvePaths({ SFS_HOME: h.sfsHome }));
  try {
    return { position: store.projections.position(), head: await store.log.head() };
  } finally {
    await store.close();
  }
}

test('daemon: the projections are caught up after its start-up catch-up and after each capture, with no command folding', async (t) => {
  const h = fakeHome(t);
  cleanup(h);
  await h.json(['daemon', 'start']);
  const first = await waitFor(
    'the start-up capture folded',
    async () => {
      const s = await foldState(h);
      return s.head > 0 && s.position === s.head && s;
    },
    30_000,
  );
  const file = claudeFile(h, IMAGE_SESSION);
  appendFileSync(file, claudeUserLine(file, 'FOLDED_BY_THE_DAEMON'));
  const next = await waitFor(
    'the live capture folded',
    async () => {
      const s = await foldState(h);
      return s.head > first.head && s.position === s.head && s;
    },
    30_000,
  );
  assert.equal(next.position, next.head);
});

test('daemon: two starts give one daemon; a killed daemon leaves nothing that blocks the next', async (t) => {
  const h = fakeHome(t, ['codex']);
  cleanup(h);
  const [a, b] = await Promise.all([h.json(['daemon', 'start']), h.json(['daemon', 'start'])]);
  assert.equal(a.pid, b.pid);
  assert.equal([a.already_running, b.already_running].filter((x) => !x).length <= 1, true);
  if (existsSync('/proc')) assert.deepEqual(daemonsOf(h), [a.pid]);

  process.kill(a.pid, 'SIGKILL');
  await waitFor('kill', async () => !alive(a.pid));
  const pidFile = path.join(h.sfsHome, 'state', 'daemon.pid');
  assert.ok(existsSync(pidFile), 'the killed daemon left its pid file');
  assert.match((await h.run(['daemon', 'status'])).stdout, /^no daemon running/);
  const c = await h.json(['daemon', 'start']);
  assert.equal(c.already_running, false);
  assert.notEqual(c.pid, a.pid);

  // A pid file naming a process that is not a daemon (here: a finished one) is stale too.
  await h.json(['daemon', 'stop']);
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(pidFile, JSON.stringify({ pid: gone, started_at: new Date().toISOString() }));
  assert.equal((await h.json(['daemon', 'status'])).running, false);
  // A live process that is not a daemon (this test runner) is never taken for one.
  writeFileSync(pidFile, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() }));
  assert.equal((await h.json(['daemon', 'status'])).running, false);
  assert.equal((await h.json(['daemon', 'stop'])).stopped, false, 'stop never signals a process that is not our daemon');
  assert.ok(alive(process.pid));
  const d = await h.json(['daemon', 'start']);
  assert.equal(d.already_running, false);
  const restarted = await h.json(['daemon', 'restart']);
  assert.equal(restarted.stopped_pid, d.pid);
  assert.notEqual(restarted.pid, d.pid);
  assert.equal(alive(d.pid), false);
});

test('watcher: list, disable/enable are stored and picked up by a running daemon', async (t) => {
  const h = fakeHome(t, ['codex']);
  cleanup(h);
  const list = await h.json(['watcher', 'list']);
  const byTool = Object.fromEntries(list.tools.map((x: any) => [x.tool, x]));
  assert.equal(byTool.codex.watched, true);
  assert.equal(byTool.codex.setting, 'auto');
  assert.equal(byTool['claude-code'].watched, false);

  await h.json(['daemon', 'start']);
  const dis = await h.json(['watcher', 'disable', 'codex']);
  assert.equal(dis.daemon_notified, true);
  await waitFor('codex unwatched', async () => {
    const r = await h.json(['daemon', 'status']);
    return r.status?.tools.find((x: any) => x.tool === 'codex').watched === false;
  });
  assert.equal((await h.json(['config', 'show'])).settings['watch.codex'], 'off');
  await h.json(['watcher', 'enable', 'claude-code']);
  await waitFor('claude-code watched', async () => {
    const r = await h.json(['daemon', 'status']);
    return r.status?.tools.find((x: any) => x.tool === 'claude-code').watched === true;
  });
  const bad = await h.run(['watcher', 'enable', 'emacs']);
  assert.equal(bad.code, 2);
});

test('init --yes: detects tools, watches them, imports, starts the daemon; twice is idempotent', async (t) => {
  const h = fakeHome(t);
  cleanup(h);
  const first = await h.json(['init', '--yes']);
  const found = first.tools.filter((x: any) => x.store_found).map((x: any) => x.tool);
  assert.deepEqual(found, ['claude-code', 'codex']);
  assert.equal(first.tools.find((x: any) => x.tool === 'codex').session_files, 4);
  assert.deepEqual(first.config_changes, ['claude-code=on', 'codex=on']);
  assert.equal(first.import.totals.sessionsNew, 8);
  assert.equal(first.daemon.already_running, false);
  const config = readFileSync(path.join(h.sfsHome, 'config.json'), 'utf8');

  const second = await h.json(['init', '--yes']);
  assert.deepEqual(second.config_changes, []);
  assert.equal(second.import.totals.sessionsNew, 0);
  assert.equal(second.import.totals.messagesAdded, 0);
  assert.equal(second.daemon.already_running, true);
  assert.equal(second.daemon.pid, first.daemon.pid);
  assert.equal(readFileSync(path.join(h.sfsHome, 'config.json'), 'utf8'), config);

  const noTty = await h.run(['init']);
  assert.equal(noTty.code, 2, 'without a terminal init needs --yes');
});

test('daemon: FIFOs and a 100,000-deep line beside good sessions; good ones captured, a later session too, stop returns; one warning per file and kind', async (t) => {
  const h = fakeHome(t, ['claude-code', 'gemini', 'copilot']);
  cleanup(h);
  const chats = path.join(h.home, '.gemini', 'tmp', 'demo-app', 'chats');
  const geminiFifo = path.join(chats, 'session-2026-11-25T00-00-deadbeef.jsonl');
  execFileSync('mkfifo', [geminiFifo]);
  const copilotDir = path.join(h.home, '.copilot', 'session-state', '11111111-2222-3333-4444-555555555555');
  mkdirSync(copilotDir);
  const copilotFifo = path.join(copilotDir, 'events.jsonl');
  execFileSync('mkfifo', [copilotFifo]);
  // One Claude Code file with a 100,000-deep line and 40 corrupt lines in the middle.
  const file = claudeFile(h, IMAGE_SESSION);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(2, 0, `{"type":"user","deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, ...Array.from({ length: 40 }, (_, i) => `{"broken ${i}`));
  writeFileSync(file, lines.join('\n'));

  await h.json(['daemon', 'start']);
  const st = await waitFor(
    'catch-up',
    async () => {
      const r = await h.json(['daemon', 'status']);
      return r.status?.phase === 'watching' && r.status;
    },
    60_000,
  );
  const tools = Object.fromEntries(st.tools.map((x: any) => [x.tool, x]));
  assert.equal(tools['claude-code'].sessions_captured, 4);
  assert.equal(tools.gemini.sessions_captured, 4);
  assert.equal(tools.copilot.sessions_captured, 3);
  const shown = (await h.json(['show', IMAGE_ID, '--all'])).messages;
  assert.ok(shown.total > 0, 'the damaged file is captured around its bad lines');

  // A session started later is still captured: nothing is wedged on a FIFO.
  const later = claudeFile(h, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
  writeFileSync(later, readFileSync(claudeFile(h, '13b6103f-27f3-4775-9eea-65c12b17e9b3'), 'utf8'));
  const laterId = sessionId('claude-code', 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
  await waitFor('the later session', async () => (await h.run(['show', laterId])).code === 0, 30_000);

  // One warning per file and kind, with a count; status shows the same.
  const log = readFileSync(path.join(h.sfsHome, 'state', 'daemon.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const warned = log.filter((l) => l.msg === 'problem');
  const forFile = warned.filter((l) => l.path === file);
  assert.deepEqual(
    forFile.map((l) => [l.where, l.count ?? 1]),
    [
      ['3', 1],
      ['4', 40],
    ],
    JSON.stringify(forFile),
  );
  assert.match(forFile[0].message, /^JSON nested deeper than 512 levels, skipped$/);
  assert.match(forFile[1].message, /^invalid JSON: .* \(and 39 more like it in this file\)$/);
  for (const fifo of [geminiFifo, copilotFifo]) {
    assert.deepEqual(
      warned
        .filter((l) => l.path === fifo)
        .map((l) => l.message)
        .slice(0, 1),
      ['cannot read: not a regular file (FIFO)'],
    );
  }
  const status = await h.json(['daemon', 'status']);
  const cc = status.status.tools.find((x: any) => x.tool === 'claude-code');
  assert.equal(cc.recent_problems.filter((p: any) => p.path === file).length, 2);
  assert.equal(cc.errors, 41);

  const stopped = await h.run(['daemon', 'stop', '--json'], { timeoutMs: 30_000 });
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.equal(JSON.parse(stopped.stdout).data.stopped, true);
  assert.deepEqual(daemonsOf(h), []);
});
