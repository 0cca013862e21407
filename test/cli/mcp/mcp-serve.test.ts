import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { adapter as codex } from '../../../adapters/codex/index.js';
import { captureSource } from '../../../engine/capture/capture-source.js';
import { capturedSessionId } from '../../../engine/ids.js';
import { resolvePaths } from '../../../engine/paths.js';
import { withStore } from '../../../engine/store.js';
import { CLI, IDS, example, newSfs, ROOT, type Sfs } from '../../helpers/cli.js';

const CODEX_ROLLOUT = path.resolve(
  ROOT,
  'test/fixtures/codex/generated-codex-0.169.0/dot-codex/sessions/2026/11/24/rollout-2026-11-24T04-00-48-01a20bb6-a20e-7161-b797-48b808b8cbd7.jsonl',
);
const CODEX_ID = capturedSessionId('codex', '01a20bb6-a20e-7161-b797-48b808b8cbd7');

const TOOLS = [
  'search_sessions',
  'list_recent_sessions',
  'get_session_context',
  'get_session_summary',
  'find_related_sessions',
  'list_checkpoints',
  'checkpoint_session',
  'fork_session',
  'get_project_context',
  'get_rules',
  'add_knowledge',
  'remove_knowledge',
  'search_project_knowledge',
];

function gitRepo(dir: string, remote: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', remote]);
  return dir;
}

async function connect(sfs: Sfs, cwd: string, roots?: string[]): Promise<Client> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('XDG_')) env[k] = v;
  env.SFS_HOME = sfs.home;
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', 'serve'], env, cwd, stderr: 'pipe' });
  const client = new Client({ name: 'sfs-test-client', version: '1.0.0' }, roots ? { capabilities: { roots: { listChanged: true } } } : {});
  if (roots)
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: path.basename(r) })) }));
  await client.connect(transport);
  return client;
}

async function call(c: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await c.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(r: CallToolResult): string {
  const first = r.content[0];
  assert.ok(first && first.type === 'text');
  return first.text;
}

async function ok<T = any>(c: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const r = await call(c, name, args);
  assert.ok(!r.isError, `${name} failed: ${textOf(r)}`);
  const t = textOf(r);
  try {
    return JSON.parse(t) as T;
  } catch {
    return t as T;
  }
}

describe('sfs mcp serve with a real MCP client', () => {
  let sfs: Sfs;
  let client: Client;
  let repo: string;

  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('minimal'), example('complete'), example('subagent')]);
    await withStore(
      (store) => captureSource(store, codex, { path: CODEX_ROLLOUT, style: 'append' }, { home: '/nonexistent', platform: 'linux', env: {} }),
      resolvePaths({ SFS_HOME: sfs.home }),
    );
    repo = gitRepo(sfs.path('acme-app'), 'git@github.com:acme/app.git');
    client = await connect(sfs, repo);
  });
  after(async () => {
    await client?.close();
    sfs.dispose();
  });

  test('lists the thirteen tools, each with an input schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOLS].sort());
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.ok(t.description && t.description.length > 20, t.name);
    }
  });

  test('every tool declares an output schema and annotations; results carry structuredContent equal to their text', async () => {
    const { tools } = await client.listTools();
    for (const t of tools) {
      assert.equal(t.outputSchema?.type, 'object', `${t.name} has an output schema`);
      assert.equal(
        typeof t.annotations?.readOnlyHint === 'boolean' || typeof t.annotations?.destructiveHint === 'boolean',
        true,
        `${t.name} says whether it reads or writes`,
      );
    }
    const readOnly = tools
      .filter((t) => t.annotations?.readOnlyHint)
      .map((t) => t.name)
      .sort();
    assert.deepEqual(readOnly, [
      'find_related_sessions',
      'get_project_context',
      'get_rules',
      'get_session_context',
      'get_session_summary',
      'list_checkpoints',
      'list_recent_sessions',
      'search_project_knowledge',
      'search_sessions',
    ]);
    assert.equal(tools.find((t) => t.name === 'remove_knowledge')?.annotations?.destructiveHint, true);
    // The SDK client checks structuredContent against the declared schema; the text says the same.
    const listed = await call(client, 'list_recent_sessions', { limit: 2 });
    assert.deepEqual(listed.structuredContent, JSON.parse(textOf(listed)));
    const ctx = await call(client, 'get_session_context', { session_id: IDS.complete, max_tokens: 500 });
    const sc = ctx.structuredContent as { id: string; text: string; included_messages: number };
    assert.equal(sc.id, IDS.complete);
    assert.ok(textOf(ctx).startsWith(sc.text), 'the text is the context followed by its counts');
    const failed = await call(client, 'get_session_summary', { session_id: 'ses_doesnotexist' });
    assert.equal(failed.isError, true);
    assert.equal(failed.structuredContent, undefined);
  });

  test('search_sessions finds a past session by a phrase from it, and scopes by project key', async () => {
    const all = await ok(client, 'search_sessions', { query: '"email validation"' });
    assert.equal(all.project, null);
    assert.ok(all.hits.length > 0);
    assert.equal(all.hits[0].session_id, IDS.complete);
    assert.match(all.hits[0].snippet, /«email validation»/i);
    // The examples' remote is https://github.com/ola/myapp.git: the same project whatever the URL spelling.
    const scoped = await ok(client, 'search_sessions', { query: 'validation', project: 'git@GitHub.com:ola/myapp.git' });
    assert.equal(scoped.project, 'github.com/ola/myapp');
    assert.ok(scoped.hits.length > 0);
    const current = await ok(client, 'search_sessions', { query: 'validation', project: 'current' });
    assert.equal(current.project, 'github.com/acme/app');
    assert.deepEqual(current.hits, []);
    const byTool = await ok(client, 'search_sessions', { query: 'README', tool: 'codex', limit: 3 });
    assert.ok(byTool.hits.length > 0 && byTool.hits.every((h: { tool: string }) => h.tool === 'codex'));
  });

  test('list_recent_sessions: newest first', async () => {
    const r = await ok(client, 'list_recent_sessions', { limit: 10 });
    assert.equal(r.total, 4);
    assert.equal(r.sessions[0].id, CODEX_ID);
    const since = await ok(client, 'list_recent_sessions', { since: '2026-11-01' });
    assert.deepEqual(
      since.sessions.map((s: { id: string }) => s.id),
      [CODEX_ID],
    );
  });

  test('get_session_context: recent messages first, fitted to the budget', async () => {
    const small = await ok<string>(client, 'get_session_context', { session_id: IDS.complete, max_tokens: 200 });
    assert.match(small, /earlier messages omitted to fit 200 tokens/);
    assert.ok(small.length <= 200 * 4 + 200, `small context is ${small.length} chars`);
    assert.doesNotMatch(small, /Add email validation to the signup endpoint in src\/api\/auth.py/); // the first prompt is the oldest
    const big = await ok<string>(client, 'get_session_context', { session_id: IDS.complete.slice(0, 10), max_tokens: 20000 });
    assert.match(big, /Add email validation to the signup endpoint/);
    assert.match(big, /\(8 of 8 messages/);
    assert.ok(big.indexOf('Add email validation') < big.lastIndexOf('### assistant'), 'printed oldest first');
    assert.doesNotMatch(big, /I need to read the current auth.py file/); // thinking is left out
  });

  test('get_session_summary of a captured Codex session lists its commands, files and errors', async () => {
    const s = await ok(client, 'get_session_summary', { session_id: CODEX_ID });
    assert.deepEqual(
      s.commands.map((c: { command: string }) => c.command),
      ['ls -la', 'cat README.md', "printf 'Project notes\\n' > notes.txt", 'cat does-not-exist.txt'],
    );
    assert.deepEqual(
      s.commands.map((c: { failed: boolean }) => c.failed),
      [false, false, false, true],
    );
    assert.deepEqual(s.files_read, ['README.md']);
    assert.deepEqual(s.files_written, ['notes.txt']);
    assert.ok(s.errors.some((e: { message: string }) => /No such file or directory/.test(e.message)));
    assert.ok(s.usage.output_tokens > 0);
    assert.ok(s.duration_ms > 0);
  });

  test('find_related_sessions by file path and by error text', async () => {
    const byPath = await ok(client, 'find_related_sessions', { file_path: '/home/dev/projects/myapp/src/api/auth.py' });
    assert.equal(byPath.sessions[0].session_id, IDS.complete);
    const byError = await ok(client, 'find_related_sessions', { error_text: 'cat: does-not-exist.txt: No such file or directory\nmore' });
    assert.deepEqual(
      byError.sessions.map((s: { session_id: string }) => s.session_id),
      [CODEX_ID],
    );
    const excluded = await ok(client, 'find_related_sessions', { error_text: 'does-not-exist.txt', exclude_session_id: CODEX_ID });
    assert.deepEqual(excluded.sessions, []);
    const both = await call(client, 'find_related_sessions', {});
    assert.equal(both.isError, true);
    assert.match(textOf(both), /file_path or error_text \[USAGE\]/);
  });

  test('checkpoint_session, list_checkpoints, fork_session', async () => {
    const cp = await ok(client, 'checkpoint_session', { session_id: IDS.minimal, name: 'before-refactor' });
    assert.equal(cp.session_id, IDS.minimal);
    const again = await call(client, 'checkpoint_session', { session_id: IDS.minimal, name: 'before-refactor' });
    assert.equal(again.isError, true);
    assert.match(textOf(again), /already has a checkpoint "before-refactor" \[CONFLICT\]/);
    const list = await ok(client, 'list_checkpoints', { session_id: IDS.minimal });
    assert.deepEqual(
      list.checkpoints.map((c: { name: string }) => c.name),
      ['before-refactor'],
    );
    const fork = await ok(client, 'fork_session', { session_id: IDS.minimal, checkpoint: 'before-refactor', name: 'try again' });
    assert.match(fork.id, /^ses_[a-z0-9]+$/);
    assert.equal(fork.at_msg, cp.at_msg);
    const shown = await sfs.ok(['show', fork.id, '--no-messages']);
    assert.equal(shown.session?.title ?? shown.title, 'try again');
  });

  test('knowledge: add_knowledge, search_project_knowledge, get_project_context (project from the server cwd)', async () => {
    const added = await ok(client, 'add_knowledge', {
      kind: 'decision',
      title: 'Session store',
      content: 'Sessions live in Redis, not Postgres.',
      tags: ['infra'],
    });
    assert.equal(added.project, 'github.com/acme/app');
    assert.match(added.entry_id, /^kn_[a-z0-9]+$/);
    await ok(client, 'add_knowledge', { kind: 'bug', content: 'The login form double-submits on slow networks.' });
    const found = await ok(client, 'search_project_knowledge', { query: 'redis' });
    assert.deepEqual(
      found.entries.map((e: { entry_id: string }) => e.entry_id),
      [added.entry_id],
    );
    assert.deepEqual(found.entries[0].author, { kind: 'agent', name: 'sfs-test-client' });
    const bugs = await ok(client, 'search_project_knowledge', { kind: 'bug' });
    assert.equal(bugs.entries.length, 1);
    const ctx = await ok(client, 'get_project_context', {});
    assert.equal(ctx.project, 'github.com/acme/app');
    assert.equal(ctx.context, null);
    assert.deepEqual(ctx.knowledge_counts, { bug: 1, decision: 1 });
    const bad = await call(client, 'add_knowledge', { kind: 'rumour', content: 'x' });
    assert.equal(bad.isError, true);
    // The CLI sees what the agent added, while the server may hold the store.
    const cli = await sfs.ok(['project', 'knowledge', 'redis'], { cwd: repo });
    assert.equal(cli.entries[0].entry_id, added.entry_id);
  });

  test('remove_knowledge: the entry leaves search_project_knowledge and get_project_context, for the CLI too', async () => {
    const added = await sfs.ok(['project', 'add', 'dependency', 'We pin left-pad to 1.3.0 because 1.4 broke the build.'], { cwd: repo });
    assert.equal((await ok(client, 'search_project_knowledge', { query: 'left-pad' })).entries.length, 1);
    const tools = (await client.listTools()).tools;
    assert.equal(tools.find((t) => t.name === 'remove_knowledge')!.annotations?.destructiveHint, true);
    const removed = await ok(client, 'remove_knowledge', { entry_id: added.entry_id, reason: 'left-pad 1.5 fixed it' });
    assert.deepEqual(removed, { project: 'github.com/acme/app', entry_id: added.entry_id, removed: true });
    assert.deepEqual((await ok(client, 'search_project_knowledge', { query: 'left-pad' })).entries, []);
    const ctx = await ok(client, 'get_project_context', { recent: 100 });
    assert.ok(!ctx.recent_knowledge.some((e: { entry_id: string }) => e.entry_id === added.entry_id));
    assert.equal(ctx.knowledge_counts.dependency, undefined);
    assert.deepEqual((await sfs.ok(['project', 'knowledge', 'left-pad'], { cwd: repo })).entries, []);
    assert.deepEqual(await ok(client, 'remove_knowledge', { entry_id: added.entry_id }), {
      project: 'github.com/acme/app',
      entry_id: added.entry_id,
      removed: false,
    });
    const missing = await call(client, 'remove_knowledge', { entry_id: 'kn_0000000000' });
    assert.equal(missing.isError, true);
    assert.equal(textOf(missing), 'no knowledge entry kn_0000000000 in github.com/acme/app [NOT_FOUND]');
  });

  test('context and rules written by the CLI (another process) are read through MCP', async () => {
    const doc = sfs.path('context.md');
    execFileSync('sh', ['-c', `printf '# Acme app\\nThe billing service is the source of truth.\\n' > '${doc}'`]);
    await sfs.ok(['project', 'set-context', doc], { cwd: repo });
    const before = await ok(client, 'get_rules', {});
    assert.equal(before.text, null);
    await sfs.ok(['rules', 'init'], { cwd: repo });
    const ctx = await ok(client, 'get_project_context', {});
    assert.match(ctx.context, /billing service is the source of truth/);
    assert.equal(ctx.rules.version, 1);
    const rules = await ok(client, 'get_rules', {});
    assert.match(rules.text, /# Project rules/);
    assert.match(rules.hash, /^[0-9a-f]{16}$/);
  });

  test('failures are tool errors with a clear message', async () => {
    const missing = await call(client, 'get_session_summary', { session_id: 'ses_doesnotexist' });
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /no session matches "ses_doesnotexist" \[NOT_FOUND\]/);
    const invalid = await call(client, 'search_sessions', { query: 42 });
    assert.equal(invalid.isError, true);
    assert.match(textOf(invalid), /query/);
    const badDate = await call(client, 'list_recent_sessions', { since: 'yesterday-ish' });
    assert.equal(badDate.isError, true);
    assert.match(textOf(badDate), /not a date/);
    for (const name of ['list_recent_sessions', 'search_sessions']) {
      const badTool = await call(client, name, { query: 'x', tool: 'nosuchtool' });
      assert.equal(badTool.isError, true, name);
      assert.match(textOf(badTool), /tool: unknown tool "nosuchtool"; known: claude-code, codex, .* \[USAGE\]/);
    }
  });

  test("the project comes from the client's workspace roots first; two servers run at once", async () => {
    const other = gitRepo(sfs.path('fork-elsewhere'), 'https://gitlab.com/acme/app.git');
    const second = await connect(sfs, repo, [other]);
    try {
      const [a, b] = await Promise.all([ok(second, 'get_project_context', {}), ok(client, 'get_project_context', {})]);
      assert.equal(a.project, 'gitlab.com/acme/app'); // same path, another forge: another project
      assert.equal(b.project, 'github.com/acme/app');
      const [s1, s2] = await Promise.all([ok(second, 'search_sessions', { query: 'README' }), ok(client, 'search_sessions', { query: 'README' })]);
      assert.deepEqual(s1.hits, s2.hits);
    } finally {
      await second.close();
    }
  });
});
