import fc from 'fast-check';
import type { NewEvent } from '../../engine/model/events.js';
import type { Message } from '../../engine/model/message.js';

/**
 * Random event sequences for the server-side views' tests, in the style of the client's property
 * test (test/engine/projections/rebuild-property.test.ts): few sessions and message ids, so
 * revisions, rewrites, branches, forks, deletes and purges collide often.
 */
export const SESSIONS = ['ses_aaaaaaaa', 'ses_bbbbbbbb', 'ses_cccccccc'];
const MSG_IDS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
const WORDS = ['alpha', 'build', 'cache', 'deploy', 'error', 'fix', 'green', 'src/app.ts'];

const message = fc
  .record({
    msg_id: fc.constantFrom(...MSG_IDS),
    parent_msg_id: fc.option(fc.constantFrom(...MSG_IDS), { nil: null }),
    role: fc.constantFrom('user', 'assistant', 'tool'),
    text: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }),
    ts: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
    tokens: fc.integer({ min: 0, max: 500 }),
    tool: fc.boolean(),
    injected: fc.boolean(),
  })
  .map((r): Message => ({
    msg_id: r.msg_id,
    parent_msg_id: r.parent_msg_id === r.msg_id ? null : r.parent_msg_id,
    role: r.role as Message['role'],
    content: [
      { type: 'text', text: r.text.join(' ') },
      ...(r.tool ? [{ type: 'tool_use' as const, tool_use_id: `t_${r.msg_id}`, name: 'Bash', input: { command: r.text[0] } }] : []),
    ],
    timestamp: r.ts === null ? null : new Date(Date.UTC(2026, 0, 1, 0, r.ts)).toISOString(),
    usage: { input_tokens: r.tokens, output_tokens: r.tokens >> 1 },
    model: 'claude-sonnet-4-5',
    ...(r.injected ? { is_injected: true } : {}),
  }));

const session = fc.constantFrom(...SESSIONS);
const project = fc.constantFrom('github.com/acme/app', 'local:/p/one');
const iso = fc.integer({ min: 0, max: 50 }).map((m) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString());

export const eventArb: fc.Arbitrary<NewEvent> = fc.oneof(
  fc
    .record({ s: session, at: iso, title: fc.option(fc.constantFrom(...WORDS), { nil: null }), cwd: fc.constantFrom('/p/one', '/p/two') })
    .map((r): NewEvent => ({
      type: 'session.discovered',
      session: r.s,
      body: { tool: 'codex', created_at: r.at, via: 'capture', title: r.title, cwd: r.cwd },
    })),
  {
    arbitrary: fc
      .record({ s: session, m: fc.array(message, { minLength: 1, maxLength: 4 }) })
      .map((r): NewEvent => ({ type: 'messages.captured', session: r.s, body: { messages: r.m } })),
    weight: 3,
  },
  fc.record({ s: session, m: message }).map((r): NewEvent => ({ type: 'message.revised', session: r.s, body: { message: r.m } })),
  fc
    .record({
      s: session,
      title: fc.option(fc.constantFrom(...WORDS), { nil: null }),
      alias: fc.option(fc.constantFrom('one', 'two'), { nil: null }),
      tags: fc.array(fc.constantFrom('x', 'y')),
    })
    .map((r): NewEvent => ({ type: 'session.meta', session: r.s, body: { title: r.title, alias: r.alias, tags: r.tags } })),
  fc
    .record({ s: session, fork: fc.constantFrom('ses_ffff0001', 'ses_ffff0002'), at: fc.option(fc.constantFrom(...MSG_IDS), { nil: null }), at_ts: iso })
    .map((r): NewEvent => ({ type: 'session.forked', session: r.fork, body: { from_session: r.s, at_msg: r.at, created_at: r.at_ts } })),
  fc
    .record({ s: session, from: fc.constantFrom('ses_ffff0001', 'ses_ffff0002'), at: fc.option(fc.constantFrom(...MSG_IDS), { nil: null }), at_ts: iso })
    .map((r): NewEvent => ({
      type: 'session.resumed',
      session: r.s,
      body: {
        from_session: r.from,
        at_msg: r.at,
        target_tool: 'claude-code',
        native_id: `n-${r.s}`,
        native_path: `/h/${r.s}.jsonl`,
        cwd: '/p/one',
        messages_written: 1,
        created_at: r.at_ts,
      },
    })),
  fc
    .record({ s: session, name: fc.constantFrom('cp1', 'cp2'), at: fc.option(fc.constantFrom(...MSG_IDS), { nil: null }), at_ts: iso })
    .map((r): NewEvent => ({ type: 'checkpoint.created', session: r.s, body: { name: r.name, at_msg: r.at, created_at: r.at_ts } })),
  fc
    .record({ s: session, k: fc.constantFrom('deleted', 'restored', 'purged') })
    .map((r): NewEvent => ({ type: `session.${r.k}` as 'session.deleted', session: r.s, body: {} })),
  fc
    .record({
      s: session,
      project,
      entry: fc.constantFrom('kn_00000001', 'kn_00000002', 'kn_00000003'),
      k: fc.constantFrom('decision', 'bug', 'convention'),
      text: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }),
      at: iso,
    })
    .map((r): NewEvent => ({
      type: 'knowledge.added',
      session: null,
      body: {
        project: r.project,
        entry_id: r.entry,
        kind: r.k as 'bug',
        text: r.text.join(' '),
        author: { kind: 'agent', name: 'test' },
        session_id: r.s,
        created_at: r.at,
      },
    })),
  fc.record({ project, entry: fc.constantFrom('kn_00000001', 'kn_00000002', 'kn_00000003'), at: iso }).map((r): NewEvent => ({
    type: 'knowledge.removed',
    session: null,
    body: { project: r.project, entry_id: r.entry, author: { kind: 'user', name: null }, reason: null, removed_at: r.at },
  })),
);

/**
 * A sequence of (device index, event, fold-now, clock) steps. Clocks are random, not increasing:
 * devices' clocks disagree, so the order events reach the relay is not their stamps' order.
 */
export function stepsArb(devices: number, maxLength = 40) {
  return fc.array(fc.tuple(fc.integer({ min: 0, max: devices - 1 }), eventArb, fc.boolean(), fc.integer({ min: 0, max: 60 })), { minLength: 5, maxLength });
}
