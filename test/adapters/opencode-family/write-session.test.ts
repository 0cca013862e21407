import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeOpenCodeWriter, type OpenCodeTarget } from '../../../adapters/opencode-family/write-session.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { SfsError } from '../../../engine/errors.js';
import type { Message } from '../../../engine/model/message.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import type { SourceSession } from '../../../engine/resume/types.js';
import { fixtures, tempDir } from '../shared/helpers.js';

/** The family's writer, on a copy of the database OpenCode 1.18.33 wrote (fixtures/opencode). */
const DB = path.join(fixtures, 'opencode/generated-opencode-1.18.33/dot-local-share-opencode/opencode.db');
const TARGET: OpenCodeTarget = {
  tool: 'opencode',
  name: 'opencode',
  dbEnv: 'OPENCODE_DB',
  displayName: 'OpenCode',
  target: 'opencode',
  binary: 'opencode',
  installHint: 'npm install -g opencode-ai',
  agent: 'build',
  verifiedVersion: '1.18.33',
};
const writer = makeOpenCodeWriter(TARGET);
const NOW = new Date('2026-12-03T10:00:00Z');

function seeded(): { env: AdapterEnv; db: string; cwd: string } {
  const home = tempDir('sfs-oc-write-');
  const db = path.join(home, '.local/share/opencode/opencode.db');
  mkdirSync(path.dirname(db), { recursive: true });
  copyFileSync(DB, db);
  const cwd = path.join(home, 'project');
  mkdirSync(cwd);
  return { env: { home, platform: 'linux', env: {} }, db, cwd };
}

const msg = (id: string, role: Message['role'], content: Message['content'], timestamp: string | null): Message => ({ msg_id: id, role, content, timestamp });

/** A Claude Code session from 2023: its times lie before OpenCode's 48-bit id clock last wrapped. */
function source(): SourceSession {
  return {
    id: 'ses_src',
    tool: 'claude-code',
    title: 'Old session',
    cwd: null,
    gitBranch: null,
    model: 'claude-x',
    provider: 'anthropic',
    messages: [
      msg('u1', 'user', [{ type: 'text', text: 'list the files' }], '2023-11-14T10:00:00Z'),
      msg(
        'a1',
        'assistant',
        [
          { type: 'thinking', text: 'foreign thought', signature: 'sig-foreign' },
          { type: 'text', text: 'Listing.' },
          { type: 'tool_use', tool_use_id: 'call_1', name: 'Bash', input: { command: 'ls' } },
          { type: 'tool_use', tool_use_id: 'call_2', name: 'Read', input: { file_path: 'x' } },
        ],
        '2023-11-14T10:00:01Z',
      ),
      msg(
        't1',
        'tool',
        [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'a.txt' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'no such file', is_error: true },
        ],
        '2023-11-14T10:00:02Z',
      ),
      msg('a2', 'assistant', [{ type: 'text', text: 'Done.' }], '2023-11-14T10:00:03Z'),
      msg(
        'u2',
        'user',
        [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'text', text: 'and this?' },
        ],
        null,
      ),
      msg('a3', 'assistant', [{ type: 'text', text: 'A pixel.' }], null),
    ],
  };
}

function rowsOf(file: string, except?: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    const where = except ? ' WHERE session_id != ?' : '';
    const args = except ? [except] : [];
    return [
      db.prepare(`SELECT * FROM session${except ? ' WHERE id != ?' : ''} ORDER BY id`).all(...args),
      db.prepare(`SELECT * FROM message${where} ORDER BY id`).all(...args),
      db.prepare(`SELECT * FROM part${where} ORDER BY id`).all(...args),
    ];
  } finally {
    db.close();
  }
}

test('writes one new session in the tool’s shape; every existing row stays as it was', async () => {
  const { env, db, cwd } = seeded();
  const before = rowsOf(db);
  const prepared = prepareForTarget(source(), 'opencode');
  const w = await writer.write(prepared, { cwd, model: null, title: 'Old session', now: NOW }, env);
  assert.equal(w.path, db);
  assert.match(w.nativeId, /^ses_[0-9a-f]{12}[0-9A-Za-z]{14}$/);
  assert.deepEqual(rowsOf(db, w.nativeId), before, 'existing sessions untouched');
  const h = new Database(db, { readonly: true });
  try {
    const s = h.prepare('SELECT * FROM session WHERE id = ?').get(w.nativeId) as Record<string, unknown>;
    assert.equal(s.directory, cwd);
    assert.equal(s.project_id, 'global'); // not a git checkout
    assert.ok(h.prepare("SELECT 1 FROM project WHERE id = 'global' AND worktree = '/'").get());
    const msgs = h.prepare('SELECT id, data FROM message WHERE session_id = ? ORDER BY id').all(w.nativeId) as Array<{ id: string; data: string }>;
    assert.deepEqual(
      msgs.map((m) => JSON.parse(m.data).role),
      ['user', 'assistant', 'assistant', 'user', 'assistant'],
    );
    const parts = (h.prepare('SELECT data FROM part WHERE session_id = ? ORDER BY id').all(w.nativeId) as Array<{ data: string }>).map((p) =>
      JSON.parse(p.data),
    );
    const tools = parts.filter((p) => p.type === 'tool');
    assert.deepEqual(
      tools.map((p) => [p.callID, p.state.status, p.state.output ?? p.state.error]),
      [
        ['call_1', 'completed', 'a.txt'],
        ['call_2', 'error', 'no such file'],
      ],
    );
    assert.equal(parts.filter((p) => p.type === 'reasoning').length, 0, 'a foreign signed thought is dropped');
    assert.ok(parts.some((p) => p.type === 'file' && p.mime === 'image/png' && p.url === 'data:image/png;base64,iVBORw0KGgo='));
  } finally {
    h.close();
  }
});

test('history ids sort before the ids the tool mints next, even for times before its id clock wrapped', async () => {
  const { env, db, cwd } = seeded();
  const w = await writer.write(prepareForTarget(source(), 'opencode'), { cwd, model: null, title: null, now: NOW }, env);
  const h = new Database(db, { readonly: true });
  try {
    const ids = (h.prepare('SELECT id FROM message WHERE session_id = ? ORDER BY time_created, id').all(w.nativeId) as Array<{ id: string }>).map((r) => r.id);
    assert.deepEqual([...ids].sort(), ids, 'id order is time order');
    // what OpenCode would mint for the next message, a second after the write
    const next = ((BigInt(NOW.getTime() + 1000) * 4096n + 1n) & ((1n << 48n) - 1n)).toString(16).padStart(12, '0');
    for (const id of ids) assert.ok(id.slice(4, 16) < next, `${id} sorts before msg_${next}…`);
  } finally {
    h.close();
  }
});

test('a database held locked by the running tool is refused with TARGET_BUSY, and nothing is written', async () => {
  const { env, db, cwd } = seeded();
  const before = rowsOf(db);
  const holder = new Database(db);
  holder.exec('BEGIN EXCLUSIVE');
  try {
    await assert.rejects(
      writer.write(prepareForTarget(source(), 'opencode'), { cwd, model: null, title: null, now: NOW }, env),
      (e: unknown) => e instanceof SfsError && e.code === 'TARGET_BUSY' && e.message.includes(db),
    );
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
  assert.deepEqual(rowsOf(db), before);
});

test('no database yet: NOT_FOUND telling to run the tool once', async () => {
  const home = tempDir('sfs-oc-write-');
  await assert.rejects(
    writer.write(prepareForTarget(source(), 'opencode'), { cwd: home, model: null, title: null, now: NOW }, { home, platform: 'linux', env: {} }),
    (e: unknown) => e instanceof SfsError && e.code === 'NOT_FOUND' && /run `opencode` once/.test(e.message),
  );
});

test('in a git checkout the session belongs to the project the tool derives: its first root commit, added once with its worktree', async () => {
  const { env, db, cwd } = seeded();
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'd@e', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'd@e' },
    });
  git('init', '-q');
  writeFileSync(path.join(cwd, 'README.md'), '# x\n');
  git('add', '.');
  git('commit', '-qm', 'init');
  const root = git('rev-list', '--max-parents=0', 'HEAD').trim();
  const sub = path.join(cwd, 'src');
  mkdirSync(sub);
  const a = await writer.write(prepareForTarget(source(), 'opencode'), { cwd: sub, model: null, title: null, now: NOW }, env);
  const b = await writer.write(prepareForTarget(source(), 'opencode'), { cwd, model: null, title: null, now: NOW }, env);
  const h = new Database(db, { readonly: true });
  try {
    for (const id of [a.nativeId, b.nativeId])
      assert.equal((h.prepare('SELECT project_id FROM session WHERE id = ?').get(id) as { project_id: string }).project_id, root);
    assert.deepEqual(h.prepare('SELECT worktree, vcs FROM project WHERE id = ?').all(root), [{ worktree: cwd, vcs: 'git' }]);
  } finally {
    h.close();
  }
});
