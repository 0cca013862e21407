import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { adapter } from '../../../adapters/cline/index.js';
import { clineWriter, newClineSessionId } from '../../../adapters/cline/write-session.js';
import type { AdapterEnv } from '../../../engine/capture/contract.js';
import { SfsError } from '../../../engine/errors.js';
import type { Message } from '../../../engine/model/message.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { RESUME_TARGETS, type PreparedSession } from '../../../engine/resume/types.js';
import { asSource, captureFile, fixtureFiles, fixtures, testEnv } from '../writers/fixtures.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const CWD = '/home/dev/projects/demo-app';

function scratch(t: { after(fn: () => void): void }): { home: string; env: AdapterEnv; data: string } {
  const home = mkdtempSync(path.join(tmpdir(), 'sfs-cline-write-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return { home, env: testEnv(home), data: path.join(home, '.cline', 'data') };
}

/** What must come back: roles, block kinds and text, images, tool pairing and order (inputs as objects, as Cline keeps them). */
function shape(messages: Message[]): unknown[] {
  return messages.map((m) => ({
    role: m.role,
    content: m.content.map((b) => {
      const x = b as Record<string, unknown>;
      if (b.type === 'tool_result')
        return {
          type: b.type,
          id: x.tool_use_id,
          content: typeof x.content === 'string' ? x.content : JSON.stringify(x.content),
          is_error: x.is_error === true,
        };
      if (b.type === 'tool_use') {
        const input = x.input && typeof x.input === 'object' && !Array.isArray(x.input) ? x.input : { input: x.input };
        return { type: b.type, id: x.tool_use_id, name: x.name, input };
      }
      if (b.type === 'thinking') return { type: b.type, text: x.text, signature: x.signature ?? null };
      return b;
    }),
  }));
}

async function readBack(env: AdapterEnv, messagesPath: string) {
  const source = adapter.sourceFor(messagesPath, env);
  assert.ok(source, `${messagesPath} is a Cline source`);
  const r = await adapter.read(source, null, env);
  assert.deepEqual(r.problems, []);
  assert.equal(r.sessions.length, 1);
  return r.sessions[0]!;
}

test('round trip: every fixture of every resumable tool → write a Cline CLI session → capture with the Cline adapter gives the same conversation', async (t) => {
  const { env } = scratch(t);
  let checked = 0;
  let images = 0;
  for (const tool of RESUME_TARGETS) {
    for (const file of fixtureFiles(tool)) {
      for (const s of await captureFile(tool, file)) {
        const src = asSource(tool, s);
        const before = prepareForTarget(src, 'cline');
        if (!before.messages.some((m) => m.role === 'assistant')) continue;
        const w = await clineWriter.write(before, { cwd: CWD, model: null, title: src.title, now: NOW }, env);
        const name = `${tool}: ${path.relative(fixtures, file)} (${s.nativeId})`;
        const back = await readBack(env, w.path);
        assert.equal(back.nativeId, w.nativeId, name);
        assert.equal(back.header.cwd, CWD, name);
        for (const m of back.messages) assert.equal(m.unfinished_tool_use_ids, undefined, `${name}: every call has its result`);
        const after = prepareForTarget(asSource('cline', back), 'cline');
        assert.deepEqual(shape(after.messages), shape(before.messages), name);
        assert.equal(after.report.syntheticResults + after.report.injected + after.report.compaction, 0, name);
        images += after.messages.flatMap((m) => m.content).filter((b) => b.type === 'image').length;
        checked++;
      }
    }
  }
  assert.ok(checked >= 12, `${checked} sessions checked`);
  assert.ok(images >= 1, 'an image went through');
});

test('the written session is what cline --id reads: messages file, session record, and a row in sessions.db naming them', async (t) => {
  const { env, data } = scratch(t);
  mkdirSync(path.join(data, 'settings'), { recursive: true });
  writeFileSync(
    path.join(data, 'settings', 'providers.json'),
    JSON.stringify({
      version: 1,
      lastUsedProvider: 'openai-compatible',
      providers: { 'openai-compatible': { settings: { provider: 'openai-compatible', model: 'gpt-5.4' } } },
    }),
  );
  const [s] = await captureFile(
    'cline',
    path.join(fixtures, 'cline/generated-cline-cli-3.0.65-sdk-sessions/sessions/1795493231239_9szvx/1795493231239_9szvx.messages.json'),
  );
  const p = prepareForTarget(asSource('cline', s!), 'cline');
  const w = await clineWriter.write(p, { cwd: CWD, model: null, title: 'My task', now: NOW }, env);
  assert.match(w.nativeId, /^1795514400000_[a-z0-9]{5}$/);
  const dir = path.join(data, 'sessions', w.nativeId);
  assert.equal(w.path, path.join(dir, `${w.nativeId}.messages.json`));
  const body = JSON.parse(readFileSync(w.path, 'utf8'));
  assert.equal(body.version, 1);
  assert.equal(body.sessionId, w.nativeId);
  assert.deepEqual(
    body.messages.map((m: { role: string }) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  // A tool result names its tool, as the CLI's own results do.
  assert.equal(body.messages[2].content[0].name, 'read_files');
  const record = JSON.parse(readFileSync(path.join(dir, `${w.nativeId}.json`), 'utf8'));
  assert.equal(record.session_id, w.nativeId);
  assert.equal(record.messages_path, w.path);
  const db = new Database(path.join(data, 'db', 'sessions.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(w.nativeId) as Record<string, unknown>;
    assert.equal(row.messages_path, w.path);
    assert.equal(row.cwd, CWD);
    assert.equal(row.workspace_root, CWD);
    assert.equal(row.status, 'completed');
    // The CLI runs the session with the provider it is set up for.
    assert.equal(row.provider, 'openai-compatible');
    assert.equal(row.model, 'gpt-5.4');
    assert.equal(JSON.parse(String(row.metadata_json)).title, 'My task');
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
  assert.deepEqual(clineWriter.launch(w, {}), { command: 'cline', args: ['--id', w.nativeId], cwd: CWD });
});

/** A sessions.db as the CLI leaves it, with one session of its own. */
function existingStore(data: string): { db: string; files: Map<string, string>; row: unknown } {
  const dbFile = path.join(data, 'db', 'sessions.db');
  mkdirSync(path.dirname(dbFile), { recursive: true });
  const sessionDir = path.join(data, 'sessions', '1700000000000_aaaaa');
  mkdirSync(sessionDir, { recursive: true });
  const files = new Map<string, string>([
    [path.join(sessionDir, '1700000000000_aaaaa.messages.json'), '{"version":1,"messages":[]}'],
    [path.join(sessionDir, '1700000000000_aaaaa.json'), '{"version":1}'],
  ]);
  for (const [f, c] of files) writeFileSync(f, c);
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE sessions (session_id TEXT PRIMARY KEY, source TEXT NOT NULL, pid INTEGER NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,
    exit_code INTEGER, status TEXT NOT NULL, status_lock INTEGER NOT NULL DEFAULT 0, interactive INTEGER NOT NULL, provider TEXT NOT NULL,
    model TEXT NOT NULL, cwd TEXT NOT NULL, workspace_root TEXT NOT NULL, team_name TEXT, enable_tools INTEGER NOT NULL, enable_spawn INTEGER NOT NULL,
    enable_teams INTEGER NOT NULL, parent_session_id TEXT, parent_agent_id TEXT, agent_id TEXT, conversation_id TEXT, is_subagent INTEGER NOT NULL DEFAULT 0,
    prompt TEXT, metadata_json TEXT, transcript_path TEXT NOT NULL DEFAULT '', hook_path TEXT NOT NULL, messages_path TEXT, updated_at TEXT NOT NULL)`);
  db.prepare(
    `INSERT INTO sessions (session_id, source, pid, started_at, status, interactive, provider, model, cwd, workspace_root, enable_tools, enable_spawn, enable_teams, hook_path, messages_path, updated_at)
     VALUES ('1700000000000_aaaaa', 'cli', 1, '2023-11-14T22:13:20.000Z', 'running', 1, 'cline', 'm', '/p', '/p', 1, 1, 1, '', ?, '2023-11-14T22:13:20.000Z')`,
  ).run([...files.keys()][0]);
  const row = db.prepare('SELECT * FROM sessions').get();
  db.close();
  return { db: dbFile, files, row };
}

function smallSession(): PreparedSession {
  const src = {
    id: 'ses_x',
    tool: 'claude-code',
    title: 'T',
    cwd: CWD,
    gitBranch: null,
    model: null,
    provider: null,
    messages: [
      { msg_id: 'u1', role: 'user' as const, content: [{ type: 'text', text: 'hello' }], timestamp: null },
      { msg_id: 'a1', role: 'assistant' as const, content: [{ type: 'text', text: 'hi' }], timestamp: null },
    ],
  };
  return prepareForTarget(src, 'cline');
}

test("writing leaves the CLI's own sessions, files and rows as they were", async (t) => {
  const { env, data } = scratch(t);
  const before = existingStore(data);
  await clineWriter.write(smallSession(), { cwd: CWD, model: 'm', title: null, now: NOW }, env);
  for (const [f, c] of before.files) assert.equal(readFileSync(f, 'utf8'), c);
  const db = new Database(before.db, { readonly: true });
  try {
    assert.deepEqual(db.prepare("SELECT * FROM sessions WHERE session_id = '1700000000000_aaaaa'").get(), before.row);
    assert.equal((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 2);
  } finally {
    db.close();
  }
});

test('refuses with TARGET_BUSY, writing nothing, while Cline holds the session index locked', async (t) => {
  const { env, data } = scratch(t);
  const { db: dbFile } = existingStore(data);
  const holder = new Database(dbFile);
  t.after(() => holder.close());
  holder.exec('BEGIN IMMEDIATE'); // a running CLI in the middle of a write
  const sessions = readdirSync(path.join(data, 'sessions'));
  await assert.rejects(
    clineWriter.write(smallSession(), { cwd: CWD, model: 'm', title: null, now: NOW }, env),
    (e: unknown) => e instanceof SfsError && e.code === 'TARGET_BUSY' && e.message.includes('sessions.db'),
  );
  holder.exec('ROLLBACK');
  assert.deepEqual(readdirSync(path.join(data, 'sessions')), sessions, 'no session folder left behind');
  assert.equal((holder.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 1);
});

test('refuses a session index whose table needs a column it does not know, writing nothing', async (t) => {
  const { env, data } = scratch(t);
  const { db: dbFile } = existingStore(data);
  const db = new Database(dbFile);
  db.exec("ALTER TABLE sessions ADD COLUMN future_required TEXT NOT NULL DEFAULT 'x'"); // a default: fine
  db.exec('CREATE TABLE s2 AS SELECT * FROM sessions');
  db.exec('DROP TABLE sessions');
  db.exec('CREATE TABLE sessions (session_id TEXT PRIMARY KEY, source TEXT NOT NULL, future_required TEXT NOT NULL)');
  db.close();
  await assert.rejects(
    clineWriter.write(smallSession(), { cwd: CWD, model: 'm', title: null, now: NOW }, env),
    (e: unknown) => e instanceof SfsError && e.code === 'INVALID_INPUT' && e.message.includes('future_required'),
  );
  assert.deepEqual(readdirSync(path.join(data, 'sessions')), ['1700000000000_aaaaa']);
});

test('a first resume on a machine where the CLI never ran creates its session index as the CLI would', async (t) => {
  const { env, data } = scratch(t);
  const w = await clineWriter.write(smallSession(), { cwd: CWD, model: null, title: null, now: NOW }, env);
  assert.ok(existsSync(path.join(data, 'db', 'sessions.db')));
  const db = new Database(path.join(data, 'db', 'sessions.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT provider, prompt FROM sessions WHERE session_id = ?').get(w.nativeId);
    // No provider set up yet: the CLI's default provider; the first prompt is the title.
    assert.deepEqual(row, { provider: 'cline', prompt: 'hello' });
  } finally {
    db.close();
  }
});

test('session ids have the CLI shape and differ at the same instant', () => {
  const a = newClineSessionId(NOW);
  const b = newClineSessionId(NOW);
  assert.match(a, /^1795514400000_[a-z0-9]{5}$/);
  assert.notEqual(a, b);
});

test('an image in an SDK session ({type: image, data, mediaType}) is captured as an image', async (t) => {
  const { env, data } = scratch(t);
  const id = '1800000000000_abcde';
  const dir = path.join(data, 'sessions', id);
  mkdirSync(dir, { recursive: true });
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  writeFileSync(
    path.join(dir, `${id}.messages.json`),
    JSON.stringify({
      version: 1,
      messages: [
        {
          id: 'u',
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image', data: png, mediaType: 'image/png' },
          ],
        },
        { id: 'a', role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'shot', input: {} }] },
        {
          id: 'r',
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'c1', name: 'shot', content: [{ type: 'image', data: png, mediaType: 'image/png' }] }],
        },
      ],
    }),
  );
  const s = await readBack(env, path.join(dir, `${id}.messages.json`));
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } };
  assert.deepEqual(s.messages[0]!.content[1], image);
  assert.deepEqual((s.messages[2]!.content[0] as { content: unknown[] }).content, [image]);
});
