import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, example, msgIds, newSfs, writeSfs, type Sfs } from '../helpers/cli.js';

const CODEX = 'ses_codex00000001';
const GEMINI = 'ses_gemini0000001';

describe('sfs list / show / search', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    writeSfs(sfs.path('codex.sfs'), {
      session_id: CODEX,
      tool: 'codex',
      title: 'Codex port of the parser',
      created_at: '2026-05-01T09:00:00.000Z',
      cwd: '/srv/alpha/api',
      messages: [
        { role: 'user', text: 'port the tokenizer to rust', at: '2026-05-01T09:00:00.000Z' },
        {
          role: 'assistant',
          text: 'Ported; all lexer tests pass.',
          at: '2026-05-01T09:05:00.000Z',
          model: 'gpt-5',
          usage: { input_tokens: 1000, output_tokens: 100 },
        },
      ],
    });
    writeSfs(sfs.path('gemini.sfs'), {
      session_id: GEMINI,
      tool: 'gemini-cli',
      title: 'Gemini zebra notes',
      created_at: '2026-06-10T12:00:00.000Z',
      cwd: '/srv/alpha-two',
      messages: [{ role: 'user', text: 'write the tokenizer notes', at: '2026-06-10T12:00:00.000Z' }],
    });
    await sfs.ok(['import', example('minimal'), example('complete'), example('subagent'), sfs.path('codex.sfs'), sfs.path('gemini.sfs')]);
  });
  after(() => sfs.dispose());

  const ids = async (args: string[]) => (await sfs.ok(['list', ...args])).sessions.map((s: { id: string }) => s.id);

  test('list: newest activity first, with every summary field', async () => {
    const data = await sfs.ok(['list']);
    assert.equal(data.total, 5);
    assert.deepEqual(
      data.sessions.map((s: { id: string }) => s.id),
      [GEMINI, CODEX, IDS.subagent, IDS.complete, IDS.minimal],
    );
    const complete = data.sessions[3];
    assert.deepEqual(complete, {
      id: IDS.complete,
      alias: null,
      title: 'Add user validation to signup endpoint',
      tool: 'claude-code',
      cwd: '/home/dev/projects/myapp',
      git_branch: 'feature/signup-validation',
      model: 'claude-opus-4-6',
      created_at: '2026-03-20T14:00:00.000Z',
      updated_at: '2026-03-20T14:02:10.000Z',
      message_count: 8,
      tool_use_count: 4,
      via: 'import',
      tags: ['feature', 'auth', 'api'],
      deleted: false,
      purged: false,
      parent_session_id: null,
      fork_from: null,
      author: null, // set on another account's copy of a session (DESIGN §13)
      resumed_from: null,
    });
    const human = await sfs.out(['list']);
    const lines = human.trimEnd().split('\n');
    assert.match(lines[0]!, /^SESSION\s+TOOL\s+UPDATED\s+MSGS\s+TITLE$/);
    assert.match(lines[1]!, /^ses_gemini00\s+gemini-cli\s+2026-06-10 12:00\s+1\s+Gemini zebra notes$/);
    assert.match(lines[4]!, /^ses_a8960045\s+claude-code\s+2026-03-20 14:02\s+8\s+Add user validation to signup endpoint$/);
    assert.equal(lines.length, 6);
  });

  test('list filters: --tool, --project, --since/--until, --text', async () => {
    const [tool, project, projectHome, since, until, between, text, textCwd, none] = await Promise.all([
      ids(['--tool', 'codex']),
      ids(['--project', '/srv/alpha']), // not /srv/alpha-two
      ids(['--project', '/home/dev/projects/myapp/']),
      ids(['--since', '2026-04-01']),
      ids(['--until', '2026-03-20T12:00:00Z']),
      ids(['--since', '2026-03-20T14:00:00Z', '--until', '2026-05-01']),
      ids(['--text', 'ZEBRA']),
      ids(['--text', 'projects/myapp']),
      ids(['--tool', 'cursor']),
    ]);
    assert.deepEqual(tool, [CODEX]);
    assert.deepEqual(project, [CODEX]);
    assert.deepEqual(projectHome, [IDS.subagent, IDS.complete]);
    assert.deepEqual(since, [GEMINI, CODEX]);
    assert.deepEqual(until, [IDS.minimal]);
    assert.deepEqual(between, [IDS.subagent, IDS.complete]);
    assert.deepEqual(text, [GEMINI]);
    assert.deepEqual(textCwd, [IDS.subagent, IDS.complete]);
    assert.deepEqual(none, []);
    assert.equal(await sfs.out(['list', '--tool', 'cursor']), 'No sessions match.\n');
  });

  test('list --sort, --reverse, --limit, --deleted', async () => {
    const [title, titleRev, messages, created, limited, deleted] = await Promise.all([
      ids(['--sort', 'title']),
      ids(['--sort', 'title', '--reverse']),
      ids(['--sort', 'messages', '--limit', '2']),
      ids(['--sort', 'created', '--reverse']),
      sfs.ok(['list', '--limit', '2']),
      ids(['--deleted']),
    ]);
    assert.deepEqual(title, [IDS.complete, CODEX, GEMINI, IDS.minimal, IDS.subagent]);
    assert.deepEqual(titleRev, [...title].reverse());
    assert.deepEqual(messages, [IDS.complete, IDS.subagent]);
    assert.deepEqual(created, [IDS.minimal, IDS.complete, IDS.subagent, CODEX, GEMINI]);
    assert.equal(limited.total, 5);
    assert.equal(limited.sessions.length, 2);
    assert.deepEqual(deleted, []);
    assert.match(await sfs.out(['list', '--limit', '2']), /^2 of 5 sessions; --limit shows more$/m);
  });

  test('show: header facts, token totals and estimated cost', async () => {
    const out = await sfs.out(['show', 'ses_a896', '--limit', '1']);
    const head = out.split('\n\n')[0]!;
    assert.deepEqual(head.split('\n'), [
      'Add user validation to signup endpoint',
      `id           ${IDS.complete}`,
      'tool         claude-code 2.1.59',
      'model        claude-opus-4-6',
      'directory    /home/dev/projects/myapp',
      'branch       feature/signup-validation',
      'created      2026-03-20 14:00',
      'updated      2026-03-20 14:02',
      'duration     2m 10s',
      'tags         feature, auth, api',
      'messages     8 (4 tool calls)',
      'tokens       in 12k · out 800 · cache read 9500 · cache write 500',
      'est. cost    $0.09',
    ]);
    const { session } = await sfs.ok(['show', IDS.complete, '--no-messages']);
    assert.deepEqual(session.usage, { input_tokens: 12000, output_tokens: 800, cache_read_tokens: 9500, cache_write_tokens: 500, reasoning_tokens: 80 });
    // claude-opus-4-6: $5 in, $25 out, $0.50 cache read, $6.25 cache write per million tokens.
    assert.ok(Math.abs(session.cost_usd - (12000 * 5 + 800 * 25 + 9500 * 0.5 + 500 * 6.25) / 1e6) < 1e-9, String(session.cost_usd));
    assert.equal(session.duration_ms, 130_000);
    assert.equal(session.native_id, 'e420cbd4-abcd-1234-5678-ef0123456789');

    const minimal = await sfs.ok(['show', IDS.minimal, '--no-messages']);
    assert.ok(Math.abs(minimal.session.cost_usd - 0.0009375) < 1e-12);
    assert.deepEqual(minimal.messages, { total: 3, offset: 0, items: [] });
    const minOut = await sfs.out(['show', IDS.minimal, '--no-messages']);
    assert.match(minOut, /^est\. cost {4}\$0\.0009$/m);
    assert.match(minOut, /^duration {5}5s$/m);
    assert.ok(!minOut.includes('#1'), '--no-messages prints no messages');
  });

  test('show paging: --limit, --offset, --page, --tail, --all', async () => {
    const [first, offset, page2, tail, all] = await Promise.all([
      sfs.ok(['show', IDS.complete, '--limit', '3']),
      sfs.ok(['show', IDS.complete, '--offset', '6', '--limit', '5']),
      sfs.ok(['show', IDS.complete, '--page', '2', '--limit', '3']),
      sfs.ok(['show', IDS.complete, '--tail', '--limit', '2']),
      sfs.ok(['show', IDS.complete, '--all']),
    ]);
    assert.deepEqual(msgIds(first), ['msg-001', 'msg-002', 'msg-003']);
    assert.deepEqual(msgIds(offset), ['msg-007', 'msg-008']);
    assert.equal(offset.messages.offset, 6);
    assert.deepEqual(msgIds(page2), ['msg-004', 'msg-005', 'msg-006']);
    assert.deepEqual(msgIds(tail), ['msg-007', 'msg-008']);
    assert.equal(tail.messages.offset, 6);
    assert.equal(all.messages.items.length, 8);
    assert.deepEqual(Object.keys(all.messages.items[0]).sort(), ['branch', 'inherited_from', 'message']);
    assert.deepEqual(all.messages.items[2].message.content[0], {
      type: 'tool_result',
      tool_use_id: 'toolu_001',
      content: readToolResult(),
    });

    const human = await sfs.out(['show', 'ses_a896', '--limit', '3']);
    assert.match(human, /^#1 user 2026-03-20 14:00 msg-001$/m);
    assert.match(human, /^#3 tool 2026-03-20 14:00 msg-003$/m);
    assert.ok(!human.includes('#4 '));
    assert.match(human, /^messages 1–3 of 8; next: sfs show ses_a896 --offset 3$/m);
    assert.match(human, /^ {4}\(thinking hidden; --thinking shows it\)$/m);
    assert.match(human, /^ {4}→ Read \{"file_path":"src\/api\/auth\.py"\}$/m);
    const tailOut = await sfs.out(['show', 'ses_a896', '--tail', '--limit', '2', '--thinking']);
    assert.match(tailOut, /^#7 user 2026-03-20 14:02 msg-007$/m);
    assert.match(tailOut, /^#8 assistant 2026-03-20 14:02 claude-opus-4-6 msg-008$/m);
    assert.ok(!tailOut.includes('next:'));
    const thinking = await sfs.out(['show', 'ses_a896', '--offset', '1', '--limit', '1', '--thinking']);
    assert.match(thinking, /\(thinking\) I need to read the current auth\.py file/);
    const sub = await sfs.out(['show', IDS.subagent, '--offset', '2', '--limit', '1']);
    assert.match(sub, /^#3 assistant 2026-03-20 16:01 claude-haiku-4-5-20251001 msg-003 sub-agent agent-explore-001$/m);
  });

  test('show --json shape', async () => {
    const r = await sfs.json(['show', 'ses_2b10']);
    assert.equal(r.code, 0);
    assert.equal(r.envelope.command, 'show');
    assert.deepEqual(Object.keys(r.envelope).sort(), ['command', 'data', 'sfs_json']);
    assert.deepEqual(Object.keys(r.data).sort(), ['messages', 'session']);
    const s = r.data.session;
    for (const k of [
      'id',
      'alias',
      'title',
      'tool',
      'cwd',
      'model',
      'created_at',
      'updated_at',
      'message_count',
      'fork',
      'children',
      'lineage',
      'checkpoints',
      'usage',
      'usage_by_model',
      'cost_usd',
      'duration_ms',
      'header',
    ]) {
      assert.ok(k in s, k);
    }
    assert.equal(s.id, IDS.minimal);
    assert.equal(s.header.imported_session_id, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d');
    assert.deepEqual(
      s.usage_by_model.map((m: { model: string }) => m.model),
      ['claude-sonnet-4-6'],
    );
    assert.deepEqual(r.data.messages.items[1], {
      message: {
        msg_id: 'msg-002',
        parent_msg_id: 'msg-001',
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'The user wants me to say hello world. Simple request.', signature: null },
          { type: 'text', text: 'Hello, world!' },
        ],
        timestamp: '2026-03-20T10:00:02.000Z',
        model: 'claude-sonnet-4-6',
        provider: 'anthropic',
        stop_reason: 'end_turn',
        usage: { input_tokens: 100, output_tokens: 30, cache_read_tokens: 0, cache_write_tokens: 50, reasoning_tokens: 20 },
      },
      branch: 0,
      inherited_from: null,
    });
  });

  const hits = async (args: string[]) =>
    (await sfs.ok(['search', ...args])).hits.map(
      (h: { session_id: string; msg_id: string | null; role: string | null; kind: string }) =>
        `${h.session_id}:${h.kind === 'message' ? `${h.role}:${h.msg_id}` : 'session'}`,
    );

  test('search finds message text, tool-call inputs, tool results, titles and paths', async () => {
    const [text, toolInput, toolResult, title, nativePath, cwd, none] = await Promise.all([
      hits(['Thanks']),
      hits(['httpx']), // only in the Write call's input
      hits(['APIRouter']), // only in a Read result
      hits(['backpopulation']), // only in the first prompt
      hits(['12fa89c0']), // the native path
      hits(['alpha']), // a working directory
      hits(['nowhere-to-be-found']),
    ]);
    assert.deepEqual(text, [`${IDS.minimal}:user:msg-003`]);
    assert.deepEqual(toolInput, [`${IDS.complete}:assistant:msg-008`]);
    assert.deepEqual(toolResult, [`${IDS.complete}:tool:msg-003`]);
    assert.deepEqual(title, [`${IDS.subagent}:user:msg-001`]);
    assert.deepEqual(nativePath, [`${IDS.minimal}:session`]);
    assert.deepEqual(cwd.sort(), [`${CODEX}:session`, `${GEMINI}:session`]);
    assert.deepEqual(none, []);
    const titleHit = await hits(['research']);
    assert.deepEqual(titleHit, [`${IDS.subagent}:session`]);
  });

  test('search filters: --role, --tool, --project, --since/--until, --limit', async () => {
    const [all, role, tool, project, projectNone, since, limit] = await Promise.all([
      hits(['tokenizer']),
      hits(['signup', '--role', 'user']),
      hits(['tokenizer', '--tool', 'gemini-cli']),
      hits(['tokenizer', '--project', '/srv/alpha']),
      hits(['tokenizer', '--project', '/home/dev']),
      hits(['tokenizer', '--since', '2026-06-01']),
      hits(['relationship', '--limit', '2']),
    ]);
    assert.deepEqual(all.sort(), [`${CODEX}:user:m1`, `${GEMINI}:user:m1`]);
    assert.deepEqual(role, [`${IDS.complete}:user:msg-001`]);
    assert.deepEqual(tool, [`${GEMINI}:user:m1`]);
    assert.deepEqual(project, [`${CODEX}:user:m1`]);
    assert.deepEqual(projectNone, []);
    assert.deepEqual(since, [`${GEMINI}:user:m1`]);
    assert.equal(limit.length, 2);
    assert.match(await sfs.out(['search', 'tokenizer', '--tool', 'cursor']), /^No matches for "tokenizer"\.$/m);
  });

  test('--tool with a name no session can have is a usage error naming the known tools', async () => {
    for (const args of [
      ['list', '--tool', 'nosuchtool'],
      ['search', 'tokenizer', '--tool', 'nosuchtool'],
    ]) {
      const err = await sfs.fails(args, 'USAGE', 2);
      assert.match(err.message, /^--tool: unknown tool "nosuchtool"; known: /);
      const known = err.message.split('; known: ')[1]!.split(', ');
      // the nine captured tools, and a name only an imported session carries
      for (const t of ['claude-code', 'codex', 'gemini', 'copilot', 'cursor', 'amp', 'cline', 'roo-code', 'kilo-code', 'gemini-cli'])
        assert.ok(known.includes(t), t);
      assert.deepEqual(err.details, { known });
    }
    // A known tool with no sessions here is no error: it just matches nothing.
    assert.deepEqual((await sfs.ok(['list', '--tool', 'kilo-code'])).sessions, []);
  });

  test('search snippets mark the match', async () => {
    const data = await sfs.ok(['search', 'APIRouter']);
    assert.equal(data.query, 'APIRouter');
    const [hit] = data.hits;
    assert.equal(hit.title, 'Add user validation to signup endpoint');
    assert.equal(hit.tool, 'claude-code');
    assert.equal(hit.timestamp, '2026-03-20T14:00:04.000Z');
    assert.match(hit.snippet_marked, /^from fastapi import <<APIRouter>>\\n\\nrouter = <<APIRouter>>\(\)/);
    assert.ok(!/[\u0002\u0003]/.test(hit.snippet));
    assert.ok(hit.snippet.startsWith('from fastapi import APIRouter'));
    const human = await sfs.out(['search', 'APIRouter']);
    assert.deepEqual(human.trimEnd().split('\n')[0], 'ses_a8960045 2026-03-20 14:00 claude-code Add user validation to signup endpoint tool msg-003');
    assert.match(human, /^ {4}from fastapi import \[APIRouter\]\\n\\nrouter = \[APIRouter\]\(\)/m);
    const title = await sfs.out(['search', 'zebra']);
    assert.match(title, /Gemini zebra notes title\/path\n {4}Gemini \[zebra\] notes \/srv\/alpha-two/);
  });

  test('concurrent commands on one store all answer', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => sfs.json(['list'])));
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.data.total, 5);
    }
  });
});

function readToolResult(): string {
  return "from fastapi import APIRouter\\n\\nrouter = APIRouter()\\n\\n@router.post('/signup')\\nasync def signup(email: str, password: str):\\n    user = await create_user(email, password)\\n    return {'id': user.id, 'email': user.email}\\n";
}
