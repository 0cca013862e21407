import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalLog } from '../../../engine/log/local-log.js';
import { Projections } from '../../../engine/projections/projections.js';
import { lineageChildCounts, listSessions } from '../../../engine/queries/sessions.js';
import { normaliseTicket, sessionTickets } from '../../../engine/queries/tickets.js';
import { SfsError } from '../../../engine/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();

async function setup(t: TestContext) {
  const dir = tempDir(t);
  const log = await LocalLog.open(join(dir, 'log'));
  const p = new Projections(join(dir, 'p.sqlite'), log);
  t.after(async () => {
    p.close();
    await log.close();
  });
  const add = (session: string, type: string, body: unknown) => log.append({ events: [{ type, session, body } as never] });
  const msg = (session: string, n: number) =>
    add(session, 'messages.captured', {
      messages: [{ msg_id: `${session}-m`, parent_msg_id: null, role: 'user', content: [{ type: 'text', text: 'hi' }], timestamp: at(n) }],
    });
  return { p, add, msg };
}

const ids = (r: { sessions: Array<{ id: string }> }) => r.sessions.map((s) => s.id).sort();

test('tickets: read from the branch (segment start, any case) and from capitals in title, alias and tags; the SQL filter matches the same sessions', async (t) => {
  assert.deepEqual(sessionTickets({ git_branch: 'feature/proj-123-signup', title: 'Fix ENG-42 and UTF-8 handling, step-2', alias: null, tags: ['OPS-7'] }), [
    'PROJ-123',
    'ENG-42',
    'OPS-7',
  ]);
  assert.deepEqual(sessionTickets({ git_branch: 'release-2', title: 'fix-login-2 in ISO-8601 dates', alias: 'v2-3', tags: [] }), []);
  assert.equal(normaliseTicket(' proj-123 '), 'PROJ-123');
  assert.throws(() => normaliseTicket('signup'), SfsError);
  assert.throws(() => normaliseTicket('release-2'), SfsError);

  const { p, add, msg } = await setup(t);
  const sessions: Array<[string, string | null, string, string[]]> = [
    ['ses_aaaaaaa1', 'feature/PROJ-123-signup', 'signup work', []],
    ['ses_aaaaaaa2', 'main', 'Follow-up on PROJ-123', []],
    ['ses_aaaaaaa3', 'main', 'PROJ-1234 is another ticket', []],
    ['ses_aaaaaaa4', 'eng-42-login', 'login', ['PROJ-123']],
    ['ses_aaaaaaa5', 'main', 'lower proj-123 in prose is not a ticket', []],
  ];
  for (const [i, [id, branch, title, tags]] of sessions.entries()) {
    await add(id, 'session.discovered', { tool: 'claude-code', created_at: at(i), via: 'capture', title, tags, git: { branch } });
    await msg(id, i);
  }
  await p.catchUp();
  const byFilter = (ticket: string) => ids(listSessions(p.db, { ticket }));
  assert.deepEqual(byFilter('PROJ-123'), ['ses_aaaaaaa1', 'ses_aaaaaaa2', 'ses_aaaaaaa4']);
  assert.deepEqual(byFilter('proj-1234'), ['ses_aaaaaaa3']);
  assert.deepEqual(byFilter('ENG-42'), ['ses_aaaaaaa4']);
  // The filter and the badges agree on every session.
  for (const s of listSessions(p.db, {}).sessions)
    for (const key of ['PROJ-123', 'PROJ-1234', 'ENG-42']) assert.equal(byFilter(key).includes(s.id), sessionTickets(s).includes(key), `${s.id} ${key}`);
  assert.throws(() => listSessions(p.db, { ticket: 'nope' }), SfsError);
});

test('lineage: roots hide forks, resumes and sub-agents of present sessions; childrenOf lists them; counts say how many', async (t) => {
  const { p, add, msg } = await setup(t);
  const disc = (id: string, m: number, extra: object = {}) =>
    add(id, 'session.discovered', { tool: 'claude-code', created_at: at(m), via: 'capture', title: id, ...extra });
  await disc('ses_rootroot', 0);
  await msg('ses_rootroot', 0);
  await disc('ses_subsubsub', 1, { parent_session_id: 'ses_rootroot' });
  await msg('ses_subsubsub', 1);
  await add('ses_forkfork', 'session.forked', { from_session: 'ses_rootroot', at_msg: null, created_at: at(2), tool: 'claude-code', name: 'fork' });
  await disc('ses_resresres', 3);
  await add('ses_resresres', 'session.resumed', {
    from_session: 'ses_rootroot',
    at_msg: null,
    target_tool: 'codex',
    native_id: 'n',
    native_path: '/x',
    cwd: '/',
    messages_written: 1,
    created_at: at(3),
  });
  await msg('ses_resresres', 3);
  await add('ses_ffffffff', 'session.forked', { from_session: 'ses_forkfork', at_msg: null, created_at: at(4), tool: 'claude-code', name: 'ff' });
  // An orphan: its parent is not in this store, so it stands on its own.
  await disc('ses_orphanorphan', 5, { parent_session_id: 'ses_elsewhereelsewhere' });
  await msg('ses_orphanorphan', 5);
  await disc('ses_otherother', 6);
  await msg('ses_otherother', 6);
  await p.catchUp();

  const roots = listSessions(p.db, { lineage: 'roots', includeSubagents: true });
  assert.deepEqual(ids(roots), ['ses_orphanorphan', 'ses_otherother', 'ses_rootroot']);
  assert.equal(roots.total, 3);
  assert.deepEqual(ids(listSessions(p.db, { lineage: { childrenOf: 'ses_rootroot' } })), ['ses_forkfork', 'ses_resresres', 'ses_subsubsub']);
  assert.deepEqual(ids(listSessions(p.db, { lineage: { childrenOf: 'ses_forkfork' } })), ['ses_ffffffff']);
  assert.deepEqual(lineageChildCounts(p.db, ['ses_rootroot', 'ses_forkfork', 'ses_otherother']), { ses_rootroot: 3, ses_forkfork: 1 });

  // A deleted parent: its children stand on their own in the list.
  await add('ses_forkfork', 'session.deleted', {});
  await p.catchUp();
  assert.deepEqual(ids(listSessions(p.db, { lineage: 'roots' })), ['ses_ffffffff', 'ses_otherother', 'ses_rootroot']);
  assert.deepEqual(lineageChildCounts(p.db, ['ses_rootroot']), { ses_rootroot: 2 });
});
