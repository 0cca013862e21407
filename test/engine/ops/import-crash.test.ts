import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/tmp.js';
import { Store } from '../../../engine/store.js';
import { resolvePaths } from '../../../engine/paths.js';

const CLI = fileURLToPath(new URL('../../../bin/main.js', import.meta.url));
const exec = promisify(execFile);

/** Writes `n` small .sfs sessions with UUID-style ids and returns their paths. */
function makeSessions(dir: string, n: number, tag: string): string[] {
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(dir, `${tag}-${i}`);
    mkdirSync(p);
    const id = `00000000-0000-4000-8000-${tag}${String(i).padStart(12 - tag.length, '0')}`;
    writeFileSync(
      join(p, 'manifest.json'),
      JSON.stringify({
        sfs_version: '0.1.0',
        session_id: id,
        title: `session ${tag} ${i}`,
        created_at: '2026-01-01T00:00:00.000Z',
        source: { tool: 'claude-code' },
      }),
    );
    const lines = [0, 1, 2].map((k) =>
      JSON.stringify({
        msg_id: `m${k}`,
        parent_msg_id: k ? `m${k - 1}` : null,
        role: k % 2 ? 'assistant' : 'user',
        content: [{ type: 'text', text: `hello ${tag} ${i} ${k}` }],
        timestamp: '2026-01-01T00:00:0' + k + '.000Z',
      }),
    );
    writeFileSync(join(p, 'messages.jsonl'), lines.join('\n') + '\n');
    paths.push(p);
  }
  return paths;
}

async function sfs(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, SFS_HOME: home, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Sessions from `sfs list`, then every message row read once in this process (3 sessions also
 * through `sfs show`): a `show` process per session made this test's own check take minutes on a
 * loaded machine.
 */
async function counts(home: string): Promise<{ sessions: number; messages: number; distinct: number }> {
  const l = await sfs(home, ['list', '--json', '--limit', '100000']);
  assert.equal(l.code, 0, `list: ${l.stderr}`);
  const list = JSON.parse(l.stdout);
  for (const s of list.data.sessions.slice(0, 3)) {
    const r = await sfs(home, ['show', s.id, '--json', '--all']);
    assert.equal(r.code, 0, `show ${s.id}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).data.messages.items.length, s.message_count);
  }
  const store = await Store.open(resolvePaths({ SFS_HOME: home }));
  try {
    const db = await store.view();
    const rows = db.prepare('SELECT session_id, msg_id FROM messages').all() as Array<{ session_id: string; msg_id: string }>;
    return { sessions: list.data.total, messages: rows.length, distinct: new Set(rows.map((r) => `${r.session_id}/${r.msg_id}`)).size };
  } finally {
    await store.close();
  }
}

test('kill -9 in the middle of importing 1,000 sessions, then a rerun: exactly 1,000 sessions, no duplicate message', { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const paths = makeSessions(join(dir, 'in') + (mkdirSync(join(dir, 'in')) ?? ''), 1000, 'k');
  const child = spawn(process.execPath, [CLI, 'import', ...paths], {
    env: { ...process.env, SFS_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let imported = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      imported += (d.toString().match(/^imported /gm) ?? []).length;
      if (imported >= 200 && !child.killed) child.kill('SIGKILL');
    });
    child.on('close', () => resolve());
  });
  assert.ok(imported >= 200 && imported < 1000, `killed after ${imported} sessions; stderr: ${stderr}`);
  const rerun = await sfs(home, ['import', ...paths]);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stdout, /1000 sessions: \d+ imported, \d+ updated, \d+ unchanged/);
  const c = await countsFast(home);
  assert.equal(c.sessions, 1000);
  assert.equal(c.messages, 3000);
});

/** Totals from `storage` and `list` (3,000 message rows means none doubled: rows are unique per session and id). */
async function countsFast(home: string) {
  const storage = JSON.parse((await sfs(home, ['storage', '--json'])).stdout).data;
  const list = JSON.parse((await sfs(home, ['list', '--json', '--limit', '100000'])).stdout).data;
  const perSession = list.sessions.reduce((n: number, s: { message_count: number }) => n + s.message_count, 0);
  assert.equal(perSession, storage.messages);
  return { sessions: list.total, messages: storage.messages };
}

test('three processes using the store at once all succeed', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(join(dir, 'in'));
  const a = makeSessions(join(dir, 'in'), 60, 'a');
  const b = makeSessions(join(dir, 'in'), 60, 'b');
  const results = await Promise.all([
    sfs(home, ['import', ...a]),
    sfs(home, ['import', ...b]),
    (async () => {
      const outs = [];
      for (let i = 0; i < 5; i++) outs.push(await sfs(home, ['search', 'hello', '--json']));
      return outs.find((o) => o.code !== 0) ?? outs[0]!;
    })(),
  ]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const c = await counts(home);
  assert.deepEqual(c, { sessions: 120, messages: 360, distinct: 360 });
});
