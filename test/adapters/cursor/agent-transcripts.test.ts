import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { projectPathFromSlug } from '../../../adapters/cursor/agent-transcripts.js';
import { adapter } from '../../../adapters/cursor/index.js';
import { unwrapUserQuery } from '../../../adapters/cursor/transcript-parse.js';
import type { AdapterEnv, CaptureSource, ReadResult } from '../../../engine/capture/contract.js';
import type { Message } from '../../../engine/model/message.js';
import { assertSchemaValid, assertToolsPaired, fixtures, tempDir } from '../shared/helpers.js';

/**
 * Cursor Agent transcripts (format doc §5) on the jazzyalex/agent-sessions fixtures, laid out
 * the way Cursor stores them: ~/.cursor/projects/<slug>/agent-transcripts/… beside
 * ~/.cursor/chats/<md5 of the project path>/<chat id>/store.db.
 */
const PUB = path.join(fixtures, 'cursor', 'public', 'jazzyalex-agent-sessions');
const CHAT = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'; // the agentId in test-store.db's meta
const SUB = '0f0e0d0c-0b0a-4909-8807-060504030201';
const src = (p: string): CaptureSource => ({ path: p, style: 'append' });
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

interface Layout {
  home: string;
  env: AdapterEnv;
  project: string;
  slug: string;
  main: string;
  sub: string;
  flat: string;
  db: string;
}

/** A home with one CLI chat (foldered, with a sub-agent and its store.db) and one flat transcript without a store. */
function layout(): Layout {
  const home = tempDir('sfs-cursor-agent-');
  // A project folder whose name has a dash: the slug decoding must keep it.
  const project = path.join(home, 'work', 'demo-app');
  mkdirSync(project, { recursive: true });
  const slug = project.slice(1).split(path.sep).join('-');
  const transcripts = path.join(home, '.cursor', 'projects', slug, 'agent-transcripts');
  const main = path.join(transcripts, CHAT, `${CHAT}.jsonl`);
  const sub = path.join(transcripts, CHAT, 'subagents', `${SUB}.jsonl`);
  const flat = path.join(transcripts, 'stage0-small.jsonl');
  mkdirSync(path.dirname(sub), { recursive: true });
  copyFileSync(path.join(PUB, 'test-session.jsonl'), main);
  copyFileSync(path.join(PUB, 'subagent-session.jsonl'), sub);
  copyFileSync(path.join(PUB, 'stage0_small.jsonl'), flat);
  const db = path.join(home, '.cursor', 'chats', md5(project), CHAT, 'store.db');
  mkdirSync(path.dirname(db), { recursive: true });
  copyFileSync(path.join(PUB, 'test-store.db'), db);
  return { home, env: { home, platform: 'linux', env: {} }, project, slug, main, sub, flat, db };
}

const texts = (m: Message) => m.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text);
const merged = (...rs: ReadResult[]) => {
  const byId = new Map<string, Message>();
  for (const r of rs) for (const s of r.sessions) for (const m of s.messages) byId.set(m.msg_id, m);
  return [...byId.values()];
};

test('CLI chat: title, model and created time from store.db; cwd from the slug checked against the chats hash; <user_query> unwrapped', async () => {
  const l = layout();
  const r = await adapter.read(src(l.main), null, l.env);
  assert.deepEqual(r.problems, []);
  assert.equal(r.sessions.length, 1);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, `agent-transcript:${CHAT}`);
  assert.equal(s.parentNativeId, null);
  assert.equal(s.header.title, 'Test Session');
  assert.equal(s.header.created_at, new Date(1775522590321).toISOString());
  assert.deepEqual(s.header.model, { provider: null, model_id: 'claude-4-sonnet' });
  assert.equal(s.header.cwd, l.project);
  assert.equal(s.header.interface, 'cli');
  const ms = s.messages;
  assert.deepEqual(
    ms.map((m) => m.role),
    ['user', 'assistant', 'assistant', 'user', 'assistant', 'assistant'],
  );
  assert.deepEqual(texts(ms[0]!), ['run ls command']);
  assert.deepEqual(texts(ms[3]!), ['now show me the git status']);
  // Cursor writes no tool results: both Shell calls are marked unfinished, with stable distinct ids.
  const calls = ms.flatMap((m) => m.content.filter((b) => b.type === 'tool_use')) as Array<{ tool_use_id: string; name: string; input: unknown }>;
  assert.deepEqual(
    calls.map((c) => [c.name, c.input]),
    [
      ['Shell', { command: 'ls -la /tmp', description: 'List directory contents' }],
      ['Shell', { command: 'git status', description: 'Check git status' }],
    ],
  );
  assert.notEqual(calls[0]!.tool_use_id, calls[1]!.tool_use_id);
  assert.deepEqual(ms[1]!.unfinished_tool_use_ids, [calls[0]!.tool_use_id]);
  assert.deepEqual(ms[4]!.unfinished_tool_use_ids, [calls[1]!.tool_use_id]);
  assertToolsPaired(ms);
  // no per-line times in transcripts; parents chained in file order
  assert.ok(ms.every((m) => m.timestamp === undefined));
  assert.equal(ms[0]!.parent_msg_id, null);
  for (let i = 1; i < ms.length; i++) assert.equal(ms[i]!.parent_msg_id, ms[i - 1]!.msg_id);
  await assertSchemaValid('cursor', r.sessions, l.main);
  const again = await adapter.read(src(l.main), null, l.env);
  assert.deepEqual(again.sessions, r.sessions);
});

test('sub-agent transcript links to its parent chat; no store: title is the first prompt', async () => {
  const l = layout();
  const r = await adapter.read(src(l.sub), null, l.env);
  assert.deepEqual(r.problems, []);
  const s = r.sessions[0]!;
  assert.equal(s.nativeId, `agent-transcript:${SUB}`);
  assert.equal(s.parentNativeId, `agent-transcript:${CHAT}`);
  assert.equal(s.header.agent_id, SUB);
  assert.equal(s.header.title, 'Run ls -la in the workspace directory and return the output.');
  assert.equal(s.header.cwd, l.project);
  assert.equal(s.header.interface, null);
  assert.deepEqual(
    s.messages.map((m) => m.role),
    ['user', 'assistant', 'assistant'],
  );
  assert.equal((s.messages[1]!.content[0] as { name: string }).name, 'Shell');
  assertToolsPaired(s.messages);
  // the stage0 layout (parent.jsonl beside subagents/) links the same way
  const child = await adapter.read(src(path.join(PUB, 'stage0_subagent', 'subagents', 'child.jsonl')), null, l.env);
  assert.equal(child.sessions[0]!.parentNativeId, 'agent-transcript:parent');
});

test('turn_ended closes the turn: stop reason kept, the cursor moves past the whole file', async () => {
  const l = layout();
  const r = await adapter.read(src(l.flat), null, l.env);
  assert.deepEqual(r.problems, []);
  const s = r.sessions[0]!;
  assert.equal(s.header.title, 'List the files.');
  assert.equal(s.header.cwd, l.project); // no store.db: decoded from existing folders
  const last = s.messages.at(-1)!;
  assert.equal(last.role, 'assistant');
  assert.equal(last.stop_reason, 'success');
  assert.equal(last.unfinished_tool_use_ids?.length, 1);
  assert.equal((r.cursor as { offset: number }).offset, statSync(l.flat).size);
  // Nothing new: the next read returns the session (header only) and no messages.
  const next = await adapter.read(src(l.flat), r.cursor, l.env);
  assert.equal(next.sessions[0]!.messages.length, 0);
  assert.equal(next.sessions[0]!.header.title, 'List the files.');
});

test('schema drift: thinking kept, a tool-result without id answers the open call of the same tool', async () => {
  const r = await adapter.read(src(path.join(PUB, 'stage0_schema_drift.jsonl')), null, { home: '/nonexistent', platform: 'linux', env: {} });
  assert.deepEqual(r.problems, []);
  const ms = r.sessions[0]!.messages;
  assert.deepEqual(
    ms.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant'],
  );
  assert.deepEqual(ms[1]!.content[0], { type: 'thinking', text: 'I should inspect the build log before answering.', signature: null });
  const call = ms[1]!.content[1] as { type: string; tool_use_id: string; name: string };
  assert.equal(call.type, 'tool_use');
  assert.equal(call.name, 'read_file');
  const result = ms[2]!.content[0] as { tool_use_id: string; content: unknown };
  assert.equal(result.tool_use_id, call.tool_use_id);
  assert.deepEqual(result.content, [{ type: 'text', text: 'Compile failed in Example.swift:42' }]);
  assert.equal(ms[1]!.unfinished_tool_use_ids, undefined);
  assert.equal(ms[1]!.model, 'cursor-auto');
  assert.equal(r.sessions[0]!.header.model?.model_id, 'cursor-auto');
  assertToolsPaired(ms);
});

test('incremental: any cut, then the rest from the cursor, gives what one whole read gives', async () => {
  const l = layout();
  for (const file of [l.main, l.flat, path.join(PUB, 'stage0_schema_drift.jsonl')]) {
    const bytes = readFileSync(file);
    const whole = await adapter.read(src(file), null, l.env);
    for (let cut = 1; cut < bytes.length; cut += 37) {
      const dir = tempDir('sfs-cursor-cut-');
      const copy = path.join(dir, path.basename(file));
      writeFileSync(copy, bytes.subarray(0, cut));
      const first = await adapter.read(src(copy), null, l.env);
      appendFileSync(copy, bytes.subarray(cut));
      const second = await adapter.read(src(copy), first.cursor, l.env);
      assert.deepEqual(merged(first, second), whole.sessions[0]!.messages, `${path.basename(file)} cut at ${cut}`);
    }
  }
});

test('<user_query>: the prompt is the query; context around it becomes an injected message', async () => {
  assert.deepEqual(unwrapUserQuery('<user_query>\nfix it\n</user_query>'), { prompt: 'fix it', context: '' });
  assert.equal(unwrapUserQuery('plain text'), null);
  const dir = tempDir('sfs-cursor-q-');
  const file = path.join(dir, 'q.jsonl');
  const line = (v: unknown) => JSON.stringify(v) + '\n';
  writeFileSync(
    file,
    line({
      role: 'user',
      message: { content: [{ type: 'text', text: '<user_info>\nOS: linux\n</user_info>\n\n<user_query>\nrename the module\n</user_query>' }] },
    }) + line({ role: 'user', message: { content: [{ type: 'text', text: '<system_reminder>be brief</system_reminder>' }] } }),
  );
  const r = await adapter.read(src(file), null, { home: dir, platform: 'linux', env: {} });
  const ms = r.sessions[0]!.messages;
  assert.deepEqual(
    ms.map((m) => [m.role, texts(m)[0], m.is_injected ?? false]),
    [
      ['user', '<user_info>\nOS: linux\n</user_info>', true],
      ['user', 'rename the module', false],
      ['user', '<system_reminder>be brief</system_reminder>', true],
    ],
  );
  assert.equal(r.sessions[0]!.header.title, 'rename the module');
});

test('listSources, sourceFor (transcripts and their store.db) and a broken store.db', async () => {
  const l = layout();
  const listed = (await adapter.listSources(l.env)).filter((s) => s.path.endsWith('.jsonl'));
  assert.deepEqual(listed, [l.flat, l.main, l.sub].sort().map(src));
  assert.deepEqual(adapter.sourceFor(l.main, l.env), src(l.main));
  assert.deepEqual(adapter.sourceFor(l.sub, l.env), src(l.sub));
  assert.deepEqual(adapter.sourceFor(l.db, l.env), src(l.main));
  assert.deepEqual(adapter.sourceFor(l.db + '-wal', l.env), src(l.main));
  assert.equal(adapter.sourceFor(path.join(l.home, '.cursor', 'projects', l.slug, 'agent-transcripts', 'notes.txt'), l.env), null);
  assert.equal(adapter.sourceFor(path.join(l.home, '.cursor', 'chats', 'x', 'unknown-chat', 'store.db'), l.env), null);
  assert.equal(adapter.sourceFor(path.join(l.home, '.cursor', 'cli-config.json'), l.env), null);
  // A corrupt store.db costs its metadata only, and is reported by path.
  writeFileSync(l.db, 'not a database'.repeat(100));
  const r = await adapter.read(src(l.main), null, l.env);
  assert.equal(r.sessions[0]!.messages.length, 6);
  assert.equal(r.sessions[0]!.header.title, 'run ls command');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.path, l.db);
});

test('project slug decoding: dashes inside names, the md5 hash, Windows drive letters', () => {
  const l = layout();
  assert.equal(projectPathFromSlug(l.slug, l.env, null), l.project);
  assert.equal(projectPathFromSlug(l.slug, l.env, md5(l.project)), l.project);
  // A project that no longer exists is still found through the hash of its path.
  assert.equal(projectPathFromSlug('srv-gone-my-tool', l.env, md5('/srv/gone/my-tool')), '/srv/gone/my-tool');
  assert.equal(projectPathFromSlug('srv-gone-my-tool', l.env, null), null);
  const win: AdapterEnv = { home: 'C:\\Users\\dev', platform: 'win32', env: {} };
  assert.equal(projectPathFromSlug('c-Users-dev-my-app', win, md5('C:\\Users\\dev\\my-app')), 'C:\\Users\\dev\\my-app');
});
