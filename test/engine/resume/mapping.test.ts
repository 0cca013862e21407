import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../../engine/model/message.js';
import { UNFINISHED_RESULT } from '../../../engine/resume/pair-tools.js';
import { prepareForTarget } from '../../../engine/resume/prepare.js';
import { currentLine } from '../../../engine/resume/source.js';
import type { SourceSession } from '../../../engine/resume/types.js';

const src = (tool: string, messages: Message[]): SourceSession => ({
  id: 'ses_test0001',
  tool,
  title: 't',
  cwd: '/p',
  gitBranch: null,
  model: null,
  provider: null,
  messages,
});
let n = 0;
const msg = (role: Message['role'], content: Message['content'], extra: Partial<Message> = {}): Message => ({ msg_id: `m${++n}`, role, content, ...extra });
const text = (t: string) => ({ type: 'text', text: t });
const use = (id: string, name = 'Bash', input: unknown = { command: 'ls' }) => ({ type: 'tool_use', tool_use_id: id, name, input });
const result = (id: string, content = 'ok') => ({ type: 'tool_result', tool_use_id: id, content });

test('roles: harness content, compaction, API errors and system prompts are not replayed as user text', () => {
  const p = prepareForTarget(
    src('codex', [
      msg('developer', [text('<permissions instructions>')], { is_injected: true }),
      msg('user', [text('<environment_context>')], { is_injected: true }),
      msg('user', [text('real question')]),
      msg('assistant', [text('answer')]),
      msg('system', [text('compacted')], { is_compaction: true }),
      msg('assistant', [text('Prompt is too long')], { is_api_error: true }),
      msg('user', [text('next')]),
    ]),
    'claude-code',
  );
  assert.deepEqual(
    p.messages.map((m) => [m.role, (m.content[0] as { text: string }).text]),
    [
      ['user', 'real question'],
      ['assistant', 'answer'],
      ['user', 'next'],
    ],
  );
  assert.equal(p.report.injected, 2);
  assert.equal(p.report.compaction, 1);
  assert.equal(p.report.apiErrors, 1);
});

test('tools: every call gets exactly one result right after its turn; unfinished calls get an explicit one; orphans become text', () => {
  const p = prepareForTarget(
    src('cline', [
      msg('user', [text('go')]),
      msg('assistant', [use('a'), use('b')]),
      msg('user', [text('interjection')]),
      msg('tool', [result('b', 'B'), result('a', 'A')]),
      msg('tool', [result('a', 'duplicate')]),
      msg('assistant', [use('c')]),
      msg('user', [text('stop')]),
      msg('tool', [result('zzz', 'orphan')]),
    ]),
    'codex',
  );
  const shape = p.messages.map(
    (m) =>
      `${m.role}:${m.content.map((b) => (b.type === 'tool_result' ? `${(b as { tool_use_id: string }).tool_use_id}=${(b as { content: string }).content.slice(0, 8)}` : b.type === 'tool_use' ? `call ${(b as { tool_use_id: string }).tool_use_id}` : (b as { text: string }).text.slice(0, 12))).join(',')}`,
  );
  assert.deepEqual(shape, [
    'user:go',
    'assistant:call a,call b',
    'tool:a=A,b=B',
    'user:interjection',
    'assistant:call c',
    `tool:c=${UNFINISHED_RESULT.slice(0, 8)}`,
    'user:stop,[Result of a',
  ]);
  assert.equal(p.report.syntheticResults, 1);
  assert.equal(p.report.orphanResults, 1);
});

test('thinking: signatures kept only for the provider that issued them, otherwise dropped', () => {
  const thinking = msg('assistant', [{ type: 'thinking', text: 'hmm', signature: 'SIG' }, text('done')], { provider: 'anthropic' });
  const s = src('claude-code', [msg('user', [text('q')]), thinking]);
  const same = prepareForTarget(s, 'claude-code');
  assert.deepEqual(same.messages[1]!.content[0], { type: 'thinking', text: 'hmm', signature: 'SIG' });
  for (const target of ['codex', 'gemini', 'copilot'] as const) {
    const other = prepareForTarget(s, target);
    assert.ok(!JSON.stringify(other.messages).includes('SIG'), target);
    assert.equal(other.report.thinkingDropped, 1, target);
  }
  // Gemini's own unsigned thoughts stay readable for Gemini, and are dropped for Claude (which needs a signature).
  const g = src('gemini', [
    msg('user', [text('q')]),
    msg('assistant', [{ type: 'thinking', text: 'plan', signature: null }, text('a')], { provider: 'google' }),
  ]);
  assert.equal(prepareForTarget(g, 'gemini').messages[1]!.content[0]!.type, 'thinking');
  assert.equal(prepareForTarget(g, 'claude-code').messages[1]!.content.length, 1);
});

test('images: user images carried to every target (all four take them)', () => {
  const img = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } };
  const s = src('claude-code', [msg('user', [text('look'), img]), msg('assistant', [text('red')])]);
  for (const target of ['claude-code', 'codex', 'gemini', 'copilot'] as const) {
    const c = prepareForTarget(s, target);
    assert.deepEqual(c.messages[0]!.content[1], img, target);
    assert.equal(c.report.imagesReplaced, 0, target);
  }
});

test('sub-agents: inline sidechain turns are summarised by the parent call result, not inlined; a sub-agent session alone resumes whole', () => {
  const parent = [
    msg('user', [text('delegate')]),
    msg('assistant', [use('t1', 'Task', { prompt: 'explore' })]),
    msg('user', [text('explore')], { is_sidechain: true, agent_id: 'x' }),
    msg('assistant', [text('found README')], { is_sidechain: true, agent_id: 'x' }),
    msg('tool', [result('t1', 'Sub-agent report: README')]),
    msg('assistant', [text('done')]),
  ];
  const p = prepareForTarget(src('claude-code', parent), 'codex');
  assert.equal(p.report.sidechain, 2);
  assert.ok(!JSON.stringify(p.messages).includes('found README'));
  assert.ok(JSON.stringify(p.messages).includes('Sub-agent report'));
  const child = prepareForTarget(src('claude-code', parent.slice(2, 4)), 'codex');
  assert.equal(child.messages.length, 2);
});

test('context: a long session is trimmed from the oldest end with a note, never between a call and its result', () => {
  const big = 'x'.repeat(4000); // ~1000 tokens
  const ms: Message[] = [];
  for (let i = 0; i < 10; i++) {
    ms.push(msg('user', [text(`q${i} ${big}`)]));
    ms.push(msg('assistant', [use(`c${i}`)]));
    ms.push(msg('tool', [result(`c${i}`, big)]));
    ms.push(msg('assistant', [text(`a${i}`)]));
  }
  const p = prepareForTarget(src('codex', ms), 'claude-code', { maxTokens: 5000 });
  assert.ok(p.report.trimmedMessages > 0);
  assert.equal(p.messages[0]!.role, 'user');
  assert.match((p.messages[0]!.content[0] as { text: string }).text, /^\[SessionFS: the first \d+ messages .* left out/);
  assert.ok(JSON.stringify(p.messages).includes('a9'), 'newest turn kept');
  assert.ok(!JSON.stringify(p.messages).includes('q0 '), 'oldest turn gone');
  for (let i = 0; i < p.messages.length; i++) if (p.messages[i]!.role === 'tool') assert.equal(p.messages[i - 1]!.role, 'assistant');
  assert.equal(prepareForTarget(src('codex', ms), 'claude-code').report.trimmedMessages, 0, 'fits the default window');
});

test('the conversation opens with a user turn and consecutive user messages are merged', () => {
  const p = prepareForTarget(
    src('amp', [msg('assistant', [text('hello')]), msg('user', [text('a')]), msg('user', [text('b')]), msg('assistant', [text('c')])]),
    'claude-code',
  );
  assert.deepEqual(
    p.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  assert.equal(p.messages[2]!.content.length, 2);
});

test('current line: a rewound branch is not replayed', () => {
  const line = currentLine([
    { msg_id: 'a', parent_msg_id: null, role: 'user', content: [] },
    { msg_id: 'b', parent_msg_id: 'a', role: 'assistant', content: [] },
    { msg_id: 'old', parent_msg_id: 'b', role: 'user', content: [] },
    { msg_id: 'new', parent_msg_id: 'b', role: 'user', content: [] },
    { msg_id: 'c', parent_msg_id: 'new', role: 'assistant', content: [] },
  ]);
  assert.deepEqual(
    line.map((m) => m.msg_id),
    ['a', 'b', 'new', 'c'],
  );
});

test("the Cline CLI's <user_input> wrapper, kept by sessions captured before capture unwrapped it, is not replayed", () => {
  for (const target of ['claude-code', 'codex'] as const) {
    const p = prepareForTarget(
      src('cline', [
        msg('user', [text('<user_input mode="act">SCN_TOOLS: please inspect this project</user_input>')]),
        msg('assistant', [text('Looking.')]),
        msg('user', [text('<user_input mode="plan">\nand then?\n</user_input>')]),
        msg('assistant', [text('Done.')]),
      ]),
      target,
    );
    assert.deepEqual(
      p.messages.filter((m) => m.role === 'user').map((m) => (m.content[0] as { text: string }).text),
      ['SCN_TOOLS: please inspect this project', '\nand then?\n'],
    );
  }
  // Another tool's user who typed the tag keeps it: only Cline-family sessions carry the wrapper.
  const other = prepareForTarget(
    src('codex', [msg('user', [text('<user_input mode="act">literal</user_input>')]), msg('assistant', [text('ok')])]),
    'claude-code',
  );
  assert.equal((other.messages[0]!.content[0] as { text: string }).text, '<user_input mode="act">literal</user_input>');
});
